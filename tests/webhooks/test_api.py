"""`/v1/webhook-endpoints`: CRUD, secrets, scope, test sends, the delivery log and replay."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from accounts.models import User
from tests.conftest import Persona, api_client, error_of, post_json
from tests.fixtures.reference_openapi import assert_matches_reference
from tests.webhooks.conftest import Receiver, drain, make_endpoint
from webhooks.catalog import EVENT_TYPES
from webhooks.events import emit
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.samples import sample_data

BASE = "/v1/webhook-endpoints"


def create(client: Client, **body: Any) -> Any:
    return post_json(client, BASE, body)


@pytest.mark.usefixtures("hooks")
def test_create_shows_the_secret_once_and_stores_it_encrypted(
    owner: Persona, receiver: Receiver
) -> None:
    response = create(
        owner.client,
        url=receiver.url,
        events=["post.published", "post.queued", "post.published"],
        description="CRM sync",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert_matches_reference(body, "WebhookEndpointWithSecret")
    secret = body["signingSecret"]
    assert secret.startswith("whsec_") and len(secret) == 6 + 43
    assert body["secret"] == secret  # the deprecated alias, until 0.3.0
    assert body["events"] == ["post.published", "post.queued"]  # duplicates dropped
    assert body["active"] is True and body["description"] == "CRM sync"
    assert body["lastDeliveryAt"] is None and body["notice"] is None

    listed = owner.client.get(BASE)
    assert listed.status_code == 200 and secret not in listed.content.decode()
    assert [e["id"] for e in listed.json()["data"]] == [body["id"]]
    assert_matches_reference(listed.json(), "WebhookEndpointListResponse")
    got = owner.client.get(f"{BASE}/{body['id']}")
    assert got.status_code == 200 and secret not in got.content.decode()
    assert_matches_reference(got.json(), "WebhookEndpoint")

    stored = WebhookEndpoint.objects.values_list("secret_ciphertext", flat=True).get()
    assert secret not in stored and "whsec_" not in stored
    assert WebhookEndpoint.objects.get().secret == secret


@pytest.mark.parametrize("event_type", ["billing.payment_failed", "quota.warning"])
def test_billing_event_types_are_refused(
    owner: Persona, receiver: Receiver, event_type: str
) -> None:
    # issue #21: there is no billing, so no endpoint may wait for its events
    response = create(owner.client, url=receiver.url, events=[event_type])
    assert response.status_code == 400
    assert error_of(response)["code"] == "validation_failed"
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.usefixtures("hooks")
def test_update_and_delete(owner: Persona, receiver: Receiver) -> None:
    endpoint, _ = make_endpoint(owner, receiver.url)
    path = f"{BASE}/{endpoint.pk}"
    response = owner.client.patch(
        path,
        {"events": ["post.failed"], "active": False, "description": ""},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["events"] == ["post.failed"]
    assert response.json()["active"] is False

    empty = owner.client.patch(path, {}, content_type="application/json")
    assert empty.status_code == 400

    deleted = owner.client.delete(path)
    assert deleted.status_code == 200
    assert deleted.json() == {"id": str(endpoint.pk), "deleted": True}
    assert owner.client.get(path).status_code == 404


@pytest.mark.usefixtures("hooks")
def test_another_workspaces_endpoint_is_not_found(
    owner: Persona, outsider: Persona, receiver: Receiver
) -> None:
    endpoint, _ = make_endpoint(owner, receiver.url)
    with transaction.atomic():
        event = emit(workspace=owner.workspace, type="post.queued", data={"id": "p"})
    theirs = outsider.client
    path = f"{BASE}/{endpoint.pk}"
    for response in (
        theirs.get(path),
        theirs.patch(path, {"active": False}, content_type="application/json"),
        theirs.delete(path),
        post_json(theirs, f"{path}/rotate-secret", {}),
        post_json(theirs, f"{path}/test", {}),
        theirs.get(f"{path}/deliveries"),
        post_json(theirs, f"{path}/replay/{event.id}", {}),
    ):
        assert response.status_code == 404, response.content
        assert error_of(response)["code"] == "not_found"
    assert theirs.get(BASE).json() == {"data": []}
    assert receiver.received == []

    # An event of another workspace cannot be replayed to one's own endpoint either.
    mine, _ = make_endpoint(outsider, receiver.url)
    response = post_json(theirs, f"{BASE}/{mine.pk}/replay/{event.id}", {})
    assert response.status_code == 404
    assert error_of(response)["rule"] == "webhook_event.unknown"


@pytest.mark.usefixtures("hooks")
def test_sessions_work_and_members_may_not_change_endpoints(
    owner: Persona, member: User, receiver: Receiver
) -> None:
    browser = Client()
    browser.force_login(owner.user)
    assert create(browser, url=receiver.url).status_code == 201

    member_browser = Client()
    member_browser.force_login(member)
    assert member_browser.get(BASE).status_code == 200
    refused = create(member_browser, url=receiver.url)
    assert refused.status_code == 403
    assert error_of(refused)["rule"] == "membership.role"


@pytest.mark.usefixtures("hooks")
def test_profile_scoped_keys_are_refused(
    owner: Persona, key_factory: Any, receiver: Receiver
) -> None:
    scoped = api_client(key_factory(profile=owner.profile))
    response = scoped.get(BASE)
    assert response.status_code == 403
    assert error_of(response)["rule"] == "api_key.scope_forbidden"


def test_private_addresses_are_refused_unless_allowed(
    owner: Persona, settings: Any
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    settings.WEBHOOKS_REQUIRE_HTTPS = False
    for url in (
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data",
        "http://0/",
    ):
        response = create(owner.client, url=url)
        assert response.status_code == 400, url
        error = error_of(response)
        assert error["rule"] == "webhook.url.private_address", url
        assert "LETMEPOST_WEBHOOKS_ALLOW_PRIVATE" in error["remediation"]
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    assert create(owner.client, url="http://127.0.0.1:9/hook").status_code == 201


def test_https_is_required_when_configured(owner: Persona, settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_REQUIRE_HTTPS = True
    response = create(owner.client, url="http://127.0.0.1:9/hook")
    assert response.status_code == 400
    assert error_of(response)["rule"] == "webhook.url.https_required"
    assert create(owner.client, url="https://127.0.0.1:9/hook").status_code == 201


def test_unresolvable_hosts_are_refused(owner: Persona, settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    response = create(owner.client, url="https://no-such-host.invalid/hook")
    assert response.status_code == 400
    assert error_of(response)["rule"] == "webhook.url.unresolvable"


@pytest.mark.usefixtures("hooks")
def test_rotate_secret_signs_from_now_on_with_the_new_one(
    owner: Persona, receiver: Receiver
) -> None:
    endpoint, old = make_endpoint(owner, receiver.url)
    response = post_json(owner.client, f"{BASE}/{endpoint.pk}/rotate-secret", {})
    assert response.status_code == 200
    assert_matches_reference(response.json(), "WebhookEndpointWithSecret")
    new = response.json()["signingSecret"]
    assert new != old and new.startswith("whsec_")

    post_json(owner.client, f"{BASE}/{endpoint.pk}/test", {})
    (got,) = receiver.received
    expected = "sha256=" + hmac.new(new.encode(), got.body, hashlib.sha256).hexdigest()
    assert got.header("X-Letmepost-Signature") == expected


@pytest.mark.usefixtures("hooks")
def test_test_delivery_answers_per_the_spec(owner: Persona, receiver: Receiver) -> None:
    endpoint, secret = make_endpoint(owner, receiver.url)
    response = post_json(owner.client, f"{BASE}/{endpoint.pk}/test", {})
    assert response.status_code == 200, response.content
    body = response.json()
    assert list(body) == [
        "delivered",
        "status",
        "durationMs",
        "responseBody",
        "deliveryId",
        "nonRetryable",
        "errorName",
        "sentEvent",
    ]
    assert body["delivered"] is True and body["status"] == 200
    assert body["responseBody"] == "ok" and body["errorName"] is None
    assert body["nonRetryable"] is False
    (got,) = receiver.received
    assert got.header("X-Letmepost-Delivery-Id") == body["deliveryId"]
    assert got.header("X-Letmepost-Request-Id") is None  # never on test sends
    assert json.loads(got.body) == body["sentEvent"]
    assert body["sentEvent"]["type"] == "post.published"
    assert body["sentEvent"]["data"] == {
        **sample_data("post.published"),
        "publishedAt": body["sentEvent"]["data"]["publishedAt"],
    }
    expected = (
        "sha256=" + hmac.new(secret.encode(), got.body, hashlib.sha256).hexdigest()
    )
    assert got.header("X-Letmepost-Signature") == expected

    log = owner.client.get(f"{BASE}/{endpoint.pk}/deliveries").json()["data"]
    assert log[0]["kind"] == "test" and log[0]["status"] == "succeeded"
    assert log[0]["attempts"][0]["deliveryId"] == body["deliveryId"]
    assert drain() == []  # test sends are never queued or retried


@pytest.mark.usefixtures("hooks")
def test_test_delivery_sends_custom_data_verbatim_and_works_when_paused(
    owner: Persona, receiver: Receiver
) -> None:
    endpoint, _ = make_endpoint(owner, receiver.url)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    data = {"snake_case_key": 1, "nested": {"ls_subscription_id": None}}
    response = post_json(
        owner.client,
        f"{BASE}/{endpoint.pk}/test",
        {"type": "token.revoked", "data": data},
    )
    assert response.json()["delivered"] is True
    sent = json.loads(receiver.received[0].body)
    assert sent["type"] == "token.revoked" and sent["data"] == data
    assert response.json()["sentEvent"]["data"] == data


@pytest.mark.usefixtures("hooks")
def test_test_delivery_reports_failures(
    owner: Persona, receiver: Receiver, closed_port: int
) -> None:
    endpoint, _ = make_endpoint(owner, receiver.url)
    receiver.answer(500, 404)
    path = f"{BASE}/{endpoint.pk}/test"
    first = post_json(owner.client, path, {}).json()
    assert (first["delivered"], first["status"], first["nonRetryable"]) == (
        False,
        500,
        False,
    )
    assert first["responseBody"] == "answer 500"
    second = post_json(owner.client, path, {}).json()
    assert (second["status"], second["nonRetryable"]) == (404, True)

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        url=f"http://127.0.0.1:{closed_port}/"
    )
    down = post_json(owner.client, path, {}).json()
    assert down["status"] == 0 and down["delivered"] is False
    assert down["errorName"] == "ConnectionError" and down["responseBody"] is None
    endpoint.refresh_from_db()
    assert endpoint.last_delivery_at is None  # test sends leave health alone


@pytest.mark.usefixtures("hooks")
@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_every_type_has_a_sample(
    owner: Persona, receiver: Receiver, event_type: str
) -> None:
    endpoint, _ = make_endpoint(owner, receiver.url)
    response = post_json(
        owner.client, f"{BASE}/{endpoint.pk}/test", {"type": event_type}
    )
    assert response.status_code == 200
    assert response.json()["sentEvent"]["type"] == event_type
    assert json.loads(receiver.received[0].body)["data"]


@pytest.mark.usefixtures("hooks")
def test_the_delivery_log_is_newest_first_and_paginated(
    owner: Persona, receiver: Receiver
) -> None:
    endpoint, _ = make_endpoint(owner, receiver.url)
    with transaction.atomic():
        events = [
            emit(workspace=owner.workspace, type="post.queued", data={"id": str(i)})
            for i in range(5)
        ]
    drain()
    path = f"{BASE}/{endpoint.pk}/deliveries"
    first = owner.client.get(path, {"limit": 3}).json()
    assert [d["eventId"] for d in first["data"]] == [
        str(e.id) for e in events[::-1][:3]
    ]
    assert first["nextCursor"]
    second = owner.client.get(path, {"limit": 3, "cursor": first["nextCursor"]}).json()
    assert [d["eventId"] for d in second["data"]] == [str(e.id) for e in events[1::-1]]
    assert second["nextCursor"] is None
    item = first["data"][0]
    assert item["status"] == "succeeded" and item["attemptCount"] == 1
    assert item["eventType"] == "post.queued" and item["nextAttemptAt"] is None
    (attempt,) = item["attempts"]
    assert attempt["statusCode"] == 200 and attempt["outcome"] == "succeeded"
    assert attempt["durationMs"] >= 0 and attempt["responseBody"] == "ok"

    failed = owner.client.get(path, {"status": "failed"}).json()
    assert failed["data"] == []
    assert owner.client.get(path, {"status": "nope"}).status_code == 400
    assert owner.client.get(path, {"limit": 0}).status_code == 400


@pytest.mark.usefixtures("hooks")
def test_replay_sends_the_same_event_again(owner: Persona, receiver: Receiver) -> None:
    endpoint, _ = make_endpoint(owner, receiver.url)
    with transaction.atomic():
        event = emit(workspace=owner.workspace, type="post.queued", data={"id": "p"})
    drain()
    response = post_json(owner.client, f"{BASE}/{endpoint.pk}/replay/{event.id}", {})
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    drain()
    first, second = receiver.received
    assert first.body == second.body
    assert first.header("X-Letmepost-Event-Id") == second.header("X-Letmepost-Event-Id")
    assert (
        WebhookDelivery.objects.filter(kind="replay", status="succeeded").count() == 1
    )


@pytest.mark.usefixtures("hooks")
def test_replay_to_a_paused_endpoint_is_refused(
    owner: Persona, receiver: Receiver
) -> None:
    endpoint, _ = make_endpoint(owner, receiver.url)
    with transaction.atomic():
        event = emit(workspace=owner.workspace, type="post.queued", data={"id": "p"})
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    response = post_json(owner.client, f"{BASE}/{endpoint.pk}/replay/{event.id}", {})
    assert response.status_code == 409
    assert error_of(response)["rule"] == "webhook_endpoint.inactive"
    unknown = post_json(
        owner.client,
        f"{BASE}/{endpoint.pk}/replay/00000000-0000-4000-8000-000000000000",
        {},
    )
    assert unknown.status_code == 404
    assert WebhookEvent.objects.count() == 1

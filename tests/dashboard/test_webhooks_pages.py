"""Webhooks pages: list, create (secret once), pause/resume, rotate, delete, test send, log, replay."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.conftest import Persona
from tests.webhooks import conftest as webhook_fixtures
from tests.webhooks.conftest import Receiver, drain, make_endpoint
from webhooks.delivery import disable
from webhooks.models import WebhookDelivery, WebhookEndpoint

# The loopback receiver and the settings that let webhooks reach it (tests/webhooks/conftest.py).
receiver = webhook_fixtures.receiver
hooks = webhook_fixtures.hooks


def _secret(html: str) -> str:
    return html.split('id="webhook-secret" class="secret" readonly value="', 1)[
        1
    ].split('"', 1)[0]


def test_pages_render_for_an_owner(
    owner: Persona, owner_client: Client, hooks: Any
) -> None:
    endpoint, _ = make_endpoint(owner, "http://127.0.0.1:9/hook", ["post.published"])
    page = owner_client.get(reverse("webhooks:endpoints"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "http://127.0.0.1:9/hook" in html and "Add endpoint" in html
    assert 'name="events"' in html and "post.failed" in html
    detail = owner_client.get(reverse("webhooks:endpoint", args=[endpoint.pk]))
    assert detail.status_code == 200
    assert "Delivery log" in detail.content.decode()


def test_nav_links_to_webhooks(owner_client: Client) -> None:
    html = owner_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("webhooks:endpoints")}"' in html


def test_anonymous_is_sent_to_sign_in(db: None) -> None:
    response = Client().get(reverse("webhooks:endpoints"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_owner_creates_an_endpoint_and_sees_the_secret_once(
    owner: Persona, owner_client: Client, hooks: Any
) -> None:
    response = owner_client.post(
        reverse("webhooks:endpoints"),
        {
            "url": "http://127.0.0.1:9/hook",
            "events": ["post.published", "post.failed"],
            "description": "CI receiver",
        },
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get(workspace=owner.workspace)
    assert endpoint.events == ["post.published", "post.failed"]
    assert endpoint.description == "CI receiver"
    secret = _secret(response.content.decode())
    assert secret.startswith("whsec_") and secret == endpoint.secret
    assert (
        secret not in owner_client.get(reverse("webhooks:endpoints")).content.decode()
    )
    detail = owner_client.get(reverse("webhooks:endpoint", args=[endpoint.pk]))
    assert secret not in detail.content.decode()


def test_a_refused_url_shows_inline(owner: Persona, owner_client: Client) -> None:
    response = owner_client.post(
        reverse("webhooks:endpoints"), {"url": "http://127.0.0.1:9/hook"}
    )
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not WebhookEndpoint.objects.filter(workspace=owner.workspace).exists()


def test_a_member_reads_but_cannot_create_or_change(
    owner: Persona, member: User, member_client: Client, hooks: Any
) -> None:
    endpoint, secret = make_endpoint(owner, "http://127.0.0.1:9/hook")
    page = member_client.get(reverse("webhooks:endpoints"))
    assert page.status_code == 200
    assert "Add endpoint" not in page.content.decode()
    response = member_client.post(
        reverse("webhooks:endpoints"), {"url": "http://127.0.0.1:9/other"}
    )
    assert response.status_code == 403
    for name in ("delete", "rotate", "active"):
        response = member_client.post(
            reverse(f"webhooks:{name}", args=[endpoint.pk]), {"active": "false"}
        )
        assert response.status_code == 403, name
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.secret == secret
    assert WebhookEndpoint.objects.filter(workspace=owner.workspace).count() == 1


def test_pause_resume_clears_the_automatic_notice(
    owner: Persona, owner_client: Client, hooks: Any
) -> None:
    endpoint, _ = make_endpoint(owner, "http://127.0.0.1:9/hook")
    owner_client.post(
        reverse("webhooks:active", args=[endpoint.pk]), {"active": "false"}
    )
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert "paused" in owner_client.get(reverse("webhooks:endpoints")).content.decode()

    owner_client.post(
        reverse("webhooks:active", args=[endpoint.pk]), {"active": "true"}
    )
    endpoint.refresh_from_db()
    assert endpoint.active

    disable(endpoint.pk, failures=5, last_reason="HTTP 500", now=timezone.now())
    endpoint.refresh_from_db()
    assert endpoint.notice
    html = owner_client.get(reverse("webhooks:endpoints")).content.decode()
    assert "Paused by letmepost" in html and "disabled automatically" in html
    assert "Paused after 5 events in a row" in html
    owner_client.post(
        reverse("webhooks:active", args=[endpoint.pk]), {"active": "true"}
    )
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.notice is None


def test_rotate_shows_the_new_secret_once(
    owner: Persona, owner_client: Client, hooks: Any
) -> None:
    endpoint, old = make_endpoint(owner, "http://127.0.0.1:9/hook")
    response = owner_client.post(reverse("webhooks:rotate", args=[endpoint.pk]))
    assert response.status_code == 200
    new = _secret(response.content.decode())
    endpoint.refresh_from_db()
    assert new != old and endpoint.secret == new
    detail = owner_client.get(reverse("webhooks:endpoint", args=[endpoint.pk]))
    assert new not in detail.content.decode()


def test_owner_deletes_an_endpoint(
    owner: Persona, owner_client: Client, hooks: Any
) -> None:
    endpoint, _ = make_endpoint(owner, "http://127.0.0.1:9/hook")
    response = owner_client.post(reverse("webhooks:delete", args=[endpoint.pk]))
    assert response.status_code == 302
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_send_test_with_an_edited_payload_shows_the_answer(
    owner: Persona, owner_client: Client, hooks: Any, receiver: Receiver
) -> None:
    receiver.script.append((202, {}, b"thanks from the receiver"))
    endpoint, _ = make_endpoint(owner, receiver.url)
    response = owner_client.post(
        reverse("webhooks:test", args=[endpoint.pk]),
        {"type": "post.failed", "payload": '{"hello": "world"}'},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="webhook-test"')  # the partial only
    assert "202" in html and "thanks from the receiver" in html and " ms" in html
    sent = json.loads(receiver.received[0].body)
    assert sent["type"] == "post.failed" and sent["data"] == {"hello": "world"}
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.kind == "test"
    # The delivery log on the page follows out of band (issue #21, 1).
    oob = html.split('<section id="delivery-log"', 1)[1]
    assert oob.startswith(' aria-labelledby="log-title" hx-swap-oob="true">')
    assert (
        f'data-delivery="{delivery.pk}"' in oob and "Nothing delivered yet" not in oob
    )
    log = owner_client.get(
        reverse("webhooks:endpoint", args=[endpoint.pk])
    ).content.decode()
    assert "post.failed" in log and "thanks from the receiver" in log


def test_send_test_with_bad_json_shows_inline(
    owner: Persona, owner_client: Client, hooks: Any, receiver: Receiver
) -> None:
    endpoint, _ = make_endpoint(owner, receiver.url)
    response = owner_client.post(
        reverse("webhooks:test", args=[endpoint.pk]),
        {"type": "post.published", "payload": "{not json"},
    )
    assert response.status_code == 400
    assert "not valid JSON" in response.content.decode()
    assert receiver.received == []


def test_replay_queues_a_new_delivery(
    owner: Persona, owner_client: Client, hooks: Any, receiver: Receiver
) -> None:
    endpoint, _ = make_endpoint(owner, receiver.url)
    owner_client.post(
        reverse("webhooks:test", args=[endpoint.pk]), {"type": "post.published"}
    )
    event = WebhookDelivery.objects.get(endpoint=endpoint).event
    log = owner_client.get(
        reverse("webhooks:endpoint", args=[endpoint.pk])
    ).content.decode()
    replay_url = reverse("webhooks:replay", args=[endpoint.pk, event.id])
    assert replay_url in log
    response = owner_client.post(replay_url)
    assert response.status_code == 302
    replay = WebhookDelivery.objects.get(endpoint=endpoint, kind="replay")
    assert replay.event_id == event.pk
    drain()
    assert len(receiver.received) == 2


def test_another_workspaces_ids_are_not_found(
    owner: Persona, outsider: Persona, owner_client: Client, hooks: Any
) -> None:
    theirs, secret = make_endpoint(outsider, "http://127.0.0.1:9/hook")
    assert (
        owner_client.get(reverse("webhooks:endpoint", args=[theirs.pk])).status_code
        == 404
    )
    for name in ("delete", "rotate", "active", "test"):
        response = owner_client.post(reverse(f"webhooks:{name}", args=[theirs.pk]))
        assert response.status_code == 404, name
    assert (
        owner_client.get(reverse("webhooks:endpoint", args=["nope"])).status_code == 404
    )
    theirs.refresh_from_db()
    assert theirs.active and theirs.secret == secret

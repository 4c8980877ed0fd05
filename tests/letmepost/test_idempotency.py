"""Idempotency-Key semantics of D9 and spec/idempotency.md, including concurrent duplicates."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from accounts.models import Profile
from letmepost.api.auth import Principal
from letmepost.api.idempotency import hold, lookup, purge_expired_idempotency_records
from letmepost.models import IdempotencyRecord
from tests.conftest import Persona, api_client, error_of, make_persona


def post_profile(
    persona: Persona, key: str, body: dict | str, path: str = "/v1/profiles"
):
    data = body if isinstance(body, str) else json.dumps(body)
    return persona.client.post(
        path, data=data, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_a_replay_is_byte_identical_and_marked(owner: Persona) -> None:
    key = str(uuid.uuid4())
    first = post_profile(owner, key, {"name": "Launch"})
    second = post_profile(owner, key, {"name": "Launch"})
    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert second["Idempotency-Replayed"] == "true"
    assert "Idempotency-Replayed" not in first
    assert first["Idempotency-Key"] == second["Idempotency-Key"] == key
    assert Profile.objects.filter(workspace=owner.workspace, name="Launch").count() == 1


def test_the_same_key_with_another_body_is_a_conflict(owner: Persona) -> None:
    key = str(uuid.uuid4())
    post_profile(owner, key, {"name": "Launch"})
    response = post_profile(owner, key, {"name": "Launch 2"})
    assert response.status_code == 409
    error = error_of(response)
    assert (error["code"], error["rule"]) == (
        "idempotency_conflict",
        "idempotency_key.body_mismatch",
    )


def test_whitespace_counts_as_a_different_body(owner: Persona) -> None:
    key = str(uuid.uuid4())
    post_profile(owner, key, '{"name": "Launch"}')
    assert post_profile(owner, key, '{"name":"Launch"}').status_code == 409


def test_a_key_longer_than_255_is_rejected_and_nothing_runs(owner: Persona) -> None:
    response = post_profile(owner, "k" * 256, {"name": "Long"})
    assert response.status_code == 400
    assert error_of(response)["rule"] == "idempotency_key.length"
    assert not Profile.objects.filter(name="Long").exists()
    assert post_profile(owner, "k" * 255, {"name": "Long"}).status_code == 201


def test_client_errors_are_stored_and_replayed(owner: Persona) -> None:
    post_profile(owner, str(uuid.uuid4()), {"name": "Shop", "slug": "shop"})
    key = str(uuid.uuid4())
    first = post_profile(owner, key, {"name": "Shop again", "slug": "shop"})
    assert first.status_code == 409
    replay = post_profile(owner, key, {"name": "Shop again", "slug": "shop"})
    assert replay.content == first.content and replay["Idempotency-Replayed"] == "true"


@pytest.mark.urls("tests.urls")
def test_server_errors_are_not_stored_so_a_retry_runs_again(owner: Persona) -> None:
    key = str(uuid.uuid4())
    first = post_profile(owner, key, {}, path="/v1/test/boom")
    second = post_profile(owner, key, {}, path="/v1/test/boom")
    assert first.status_code == second.status_code == 500
    assert "Idempotency-Replayed" not in second
    assert error_of(first)["requestId"] != error_of(second)["requestId"]
    assert not IdempotencyRecord.objects.exists()


def test_the_scope_is_credential_method_and_path(owner: Persona, key_factory) -> None:
    key = str(uuid.uuid4())
    assert post_profile(owner, key, {"name": "A"}).status_code == 201
    other_key = Persona(
        owner.user, owner.workspace, owner.profile, "", api_client(key_factory())
    )
    assert (
        post_profile(other_key, key, {"name": "B"}).status_code == 201
    )  # another credential
    response = owner.client.post(
        "/v1/api-keys",
        data={"name": "A"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code == 201  # another path
    assert "Idempotency-Replayed" not in response


def test_another_workspace_never_sees_my_replay(
    owner: Persona, outsider: Persona
) -> None:
    key = str(uuid.uuid4())
    mine = post_profile(owner, key, {"name": "Same"})
    theirs = post_profile(outsider, key, {"name": "Same"})
    assert theirs.status_code == 201 and theirs.json()["id"] != mine.json()["id"]


def _principal(persona: Persona) -> Principal:
    from accounts.models import ApiKey

    return Principal(
        workspace=persona.workspace,
        api_key=ApiKey.objects.get(workspace=persona.workspace),
    )


def test_a_duplicate_while_the_first_is_running_gets_in_flight_then_the_key_recovers(
    owner: Persona,
) -> None:
    key, body = str(uuid.uuid4()), json.dumps({"name": "Busy"})
    record = lookup(
        principal=_principal(owner),
        method="POST",
        path="/v1/profiles",
        key=key,
        body=body.encode(),
    )
    hold(record)
    response = post_profile(owner, key, body)
    assert response.status_code == 409
    assert error_of(response)["rule"] == "idempotency_key.in_flight"
    # The first holder died: once its lock lapses, a retry takes the key over and runs.
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert post_profile(owner, key, body).status_code == 201
    assert post_profile(owner, key, body)["Idempotency-Replayed"] == "true"


def test_after_24_hours_the_key_is_fresh_and_purge_removes_old_records(
    owner: Persona,
) -> None:
    key = str(uuid.uuid4())
    first = post_profile(owner, key, {"name": "Old"})
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    again = post_profile(owner, key, {"name": "Old 2"})
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    post_profile(owner, str(uuid.uuid4()), {"name": "Recent"})
    assert purge_expired_idempotency_records() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_without_a_key_nothing_is_remembered(owner: Persona) -> None:
    owner.client.post(
        "/v1/profiles", data={"name": "Plain"}, content_type="application/json"
    )
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_identical_requests_create_exactly_one_resource(
    live_server,
) -> None:
    persona = make_persona("race@example.com")
    key, body = str(uuid.uuid4()), json.dumps({"name": "Race"})
    headers = {
        "Authorization": f"Bearer {persona.key}",
        "Content-Type": "application/json",
        "Idempotency-Key": key,
    }

    def fire(_: int) -> requests.Response:
        return requests.post(
            f"{live_server.url}/v1/profiles", data=body, headers=headers, timeout=60
        )

    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(fire, range(20)))
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}, statuses
    assert Profile.objects.filter(workspace=persona.workspace, name="Race").count() == 1
    created = {r.json()["id"] for r in responses if r.status_code == 201}
    assert len(created) == 1
    conflicts = [r.json()["error"]["rule"] for r in responses if r.status_code == 409]
    assert set(conflicts) <= {"idempotency_key.in_flight"}
    # Once the first finished, the key replays its response.
    assert fire(0).json()["id"] in created

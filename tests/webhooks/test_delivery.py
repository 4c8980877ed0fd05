"""Delivery against a real receiver on loopback: retries, permanence, order, signatures, health."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from posts import services as post_services
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json, queue_sandbox
from tests.webhooks.conftest import Receiver, drain, make_endpoint
from webhooks.delivery import backoff, claim_due_deliveries, deliver_claimed
from webhooks.events import emit, emit_post_event
from webhooks.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

pytestmark = pytest.mark.usefixtures("hooks")
Status = WebhookDelivery.Status


def scheduled_target(persona: Persona, handle: str = "hooks") -> PostTarget:
    (target,) = queue_sandbox(persona, handle)
    return target


def ensure_event(type: str, target: PostTarget, **extra: Any) -> WebhookEvent:
    """Emit `type` for the target as the posts services will, unless they already did.

    Lets these tests run the same before and after posts/ is wired to emit events itself.
    """
    existing = WebhookEvent.objects.filter(
        type=type, ordering_key=f"post:{target.pk}"
    ).first()
    if existing:
        return existing
    with transaction.atomic():
        return emit_post_event(type, target=target, **extra)


def queued_event(persona: Persona, handle: str = "hooks") -> WebhookEvent:
    return ensure_event("post.queued", scheduled_target(persona, handle))


def independent_v1(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_500_twice_then_200_delivers_on_attempt_3_with_identical_body_and_id(
    owner: Persona, receiver: Receiver
) -> None:
    endpoint, _ = make_endpoint(owner, receiver.url, ["post.queued"])
    receiver.answer(500, 500)
    event = queued_event(owner)

    assert drain() == ["retry", "retry", "succeeded"]

    assert len(receiver.received) == 3
    bodies = {r.body for r in receiver.received}
    assert len(bodies) == 1  # byte-identical on every attempt
    assert {r.header("X-Letmepost-Event-Id") for r in receiver.received} == {
        str(event.id)
    }
    assert json.loads(receiver.received[2].body)["id"] == str(event.id)
    delivery_ids = [r.header("X-Letmepost-Delivery-Id") for r in receiver.received]
    assert len(set(delivery_ids)) == 3  # new for every attempt
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == Status.SUCCEEDED and delivery.attempt_count == 3
    attempts = list(delivery.attempts.order_by("number"))
    assert [a.status_code for a in attempts] == [500, 500, 200]
    assert [a.outcome for a in attempts] == ["retry", "retry", "succeeded"]
    assert [str(a.pk) for a in attempts] == delivery_ids
    assert attempts[0].response_body == "answer 500"
    assert all(a.duration_ms is not None for a in attempts)


def test_a_410_stops_retries_at_once(owner: Persona, receiver: Receiver) -> None:
    endpoint, _ = make_endpoint(owner, receiver.url, ["post.queued"])
    receiver.answer(410)
    queued_event(owner)

    assert drain() == ["failed"]

    assert len(receiver.received) == 1
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == Status.FAILED and delivery.attempt_count == 1
    assert delivery.last_status_code == 410
    endpoint.refresh_from_db()
    assert endpoint.last_failure_reason == "HTTP 410 (permanent)"


@pytest.mark.parametrize("status", [408, 429])
def test_408_and_429_are_retried(
    owner: Persona, receiver: Receiver, status: int
) -> None:
    make_endpoint(owner, receiver.url, ["post.queued"])
    receiver.answer(status)
    queued_event(owner)
    assert drain() == ["retry", "succeeded"]


def test_retry_after_is_honoured(owner: Persona, receiver: Receiver) -> None:
    endpoint, _ = make_endpoint(owner, receiver.url, ["post.queued"])
    receiver.answer(429, Retry_After="120")
    queued_event(owner)

    before = timezone.now()
    assert drain() == ["retry"]  # not due again for two minutes, even with zero backoff

    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == Status.PENDING
    assert delivery.next_attempt_at >= before + timedelta(seconds=119)


def test_a_receiver_down_for_the_whole_schedule_fails_and_replay_then_delivers(
    owner: Persona, receiver: Receiver, closed_port: int
) -> None:
    endpoint, _ = make_endpoint(
        owner, f"http://127.0.0.1:{closed_port}/hook", ["post.queued"]
    )
    event = queued_event(owner)

    assert drain() == ["retry"] * 7 + ["failed"]

    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == Status.FAILED and delivery.attempt_count == 8
    attempts = list(delivery.attempts.all())
    assert len(attempts) == 8
    assert all(a.status_code == 0 and a.error_name for a in attempts)

    # The receiver comes back (at a new address); replay through the API.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=receiver.url)
    response = post_json(
        owner.client, f"/v1/webhook-endpoints/{endpoint.pk}/replay/{event.id}", {}
    )
    assert response.status_code == 202, response.content
    assert response.json()["eventId"] == str(event.id)
    assert response.json()["kind"] == "replay"

    assert drain() == ["succeeded"]
    (got,) = receiver.received
    assert got.header("X-Letmepost-Event-Id") == str(event.id)
    assert got.body == event.body.encode()  # the same body, byte for byte


def test_signatures_verify_with_an_independent_hmac(
    owner: Persona, receiver: Receiver
) -> None:
    _, secret = make_endpoint(owner, receiver.url, ["post.queued"])
    with transaction.atomic():
        event = emit(
            workspace=owner.workspace,
            type="post.queued",
            data={"id": "p1", "text": "é"},
            request_id="req_abc",
        )

    drain()

    (got,) = receiver.received
    assert got.header("Content-Type") == "application/json"
    assert hmac.compare_digest(
        got.header("X-Letmepost-Signature") or "", independent_v1(secret, got.body)
    )
    timestamp = got.header("X-Letmepost-Timestamp") or ""
    assert abs(int(timestamp) - time.time()) < 60
    v2 = hmac.new(
        secret.encode(), timestamp.encode() + b"." + got.body, hashlib.sha256
    ).hexdigest()
    assert got.header("X-Letmepost-Signature-V2") == f"t={timestamp},v1={v2}"
    assert got.header("X-Letmepost-Event") == "post.queued"
    assert got.header("X-Letmepost-Event-Id") == str(event.id)
    assert got.header("X-Letmepost-Request-Id") == "req_abc"
    envelope = json.loads(got.body)
    assert list(envelope) == [
        "id",
        "type",
        "createdAt",
        "organizationId",
        "data",
        "livemode",
    ]
    assert envelope["organizationId"] == str(owner.workspace.pk)
    compact = json.dumps(envelope, separators=(",", ":"), ensure_ascii=False)
    assert got.body == compact.encode()


def test_no_request_id_header_when_none_is_known(
    owner: Persona, receiver: Receiver
) -> None:
    make_endpoint(owner, receiver.url, ["post.queued"])
    queued_event(owner)
    drain()
    assert receiver.received[0].header("X-Letmepost-Request-Id") is None


def test_events_of_one_post_arrive_in_order(owner: Persona, receiver: Receiver) -> None:
    """queued → rescheduled → published, emitted where the services will emit them; the first
    delivery fails once, and nothing later overtakes it."""
    make_endpoint(
        owner, receiver.url, ["post.queued", "post.rescheduled", "post.published"]
    )
    receiver.answer(500)
    target = scheduled_target(owner)
    ensure_event("post.queued", target)

    previous = target.scheduled_at
    target = post_services.reschedule_target(
        target=target, scheduled_at=timezone.now() + timedelta(hours=2)
    )
    ensure_event("post.rescheduled", target, previous_scheduled_at=previous)

    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    (claim,) = claim_due()
    assert publish_claimed(claim) == "published"
    ensure_event("post.published", target)

    # Only the head of the post's chain is claimable at a time.
    first = claim_due_deliveries()
    assert len(first) == 1
    assert deliver_claimed(first[0]) == "retry"
    drain()

    assert receiver.types() == [
        "post.queued",
        "post.queued",
        "post.rescheduled",
        "post.published",
    ]
    bodies = [json.loads(r.body) for r in receiver.received[1:]]
    assert bodies[1]["data"]["previousScheduledAt"] == bodies[0]["data"]["scheduledAt"]
    assert bodies[2]["data"]["uri"].startswith("sandbox://")


def test_a_failing_post_does_not_hold_back_another_post(
    owner: Persona, receiver: Receiver, settings: Any
) -> None:
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 5
    make_endpoint(owner, receiver.url, ["post.queued"])
    receiver.answer(500)
    queued_event(owner, "first")
    queued_event(owner, "second")

    assert sorted(drain()) == ["retry", "succeeded"]  # the second post is not blocked

    assert receiver.types() == ["post.queued", "post.queued"]
    assert WebhookDelivery.objects.filter(status=Status.PENDING).count() == 1


def test_long_responses_are_stored_truncated(
    owner: Persona, receiver: Receiver
) -> None:
    make_endpoint(owner, receiver.url, ["post.queued"])
    receiver.script.append((500, {}, b"x" * 5000))
    queued_event(owner)
    drain()
    attempt = WebhookAttempt.objects.order_by("number").first()
    assert attempt is not None
    assert attempt.response_body == "x" * 2048 + "…[truncated]"


def test_endpoint_health_is_kept_current(owner: Persona, receiver: Receiver) -> None:
    endpoint, _ = make_endpoint(owner, receiver.url, ["post.queued"])
    receiver.answer(503)
    queued_event(owner)
    (claim,) = claim_due_deliveries()
    deliver_claimed(claim)

    endpoint.refresh_from_db()
    assert endpoint.last_failure_reason == "HTTP 503"
    assert endpoint.last_delivery_at is not None and endpoint.last_success_at is None
    assert endpoint.consecutive_failures == 0  # a retry is not a failed event

    drain()
    endpoint.refresh_from_db()
    assert endpoint.last_failure_reason == ""
    assert endpoint.last_success_at == endpoint.last_delivery_at
    body = owner.client.get(f"/v1/webhook-endpoints/{endpoint.pk}").json()
    assert body["lastFailureReason"] is None and body["lastDeliveryAt"]


def test_consecutive_failed_events_disable_the_endpoint_with_a_notice(
    owner: Persona, receiver: Receiver, settings: Any
) -> None:
    settings.WEBHOOKS_DISABLE_AFTER = 2
    endpoint, _ = make_endpoint(owner, receiver.url, ["post.queued"])
    receiver.default = (400, {}, b"bad")
    queued_event(owner, "a")
    queued_event(owner, "b")
    queued_event(owner, "c")

    assert drain() == ["failed", "failed", "canceled"]

    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_at is not None
    assert endpoint.notice["type"] == "webhook_endpoint.disabled"
    assert "2 events in a row" in endpoint.notice["message"]
    assert len(receiver.received) == 2  # the third was dropped, not sent

    # Re-enabling clears the notice and the count.
    response = owner.client.patch(
        f"/v1/webhook-endpoints/{endpoint.pk}",
        {"active": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["active"] and body["notice"] is None and body["disabledAt"] is None
    assert body["consecutiveFailures"] == 0


def test_a_success_resets_the_failure_count(
    owner: Persona, receiver: Receiver, settings: Any
) -> None:
    settings.WEBHOOKS_DISABLE_AFTER = 2
    endpoint, _ = make_endpoint(owner, receiver.url, ["post.queued"])
    receiver.answer(400, 200, 400)
    queued_event(owner, "a")
    queued_event(owner, "b")
    queued_event(owner, "c")
    assert drain() == ["failed", "succeeded", "failed"]
    endpoint.refresh_from_db()
    assert endpoint.active


def test_a_paused_endpoint_gets_nothing(owner: Persona, receiver: Receiver) -> None:
    endpoint, _ = make_endpoint(owner, receiver.url, ["post.queued"])
    queued_event(owner)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    assert drain() == ["canceled"]
    assert receiver.received == []
    assert WebhookDelivery.objects.get().status == Status.CANCELED


def test_private_addresses_are_refused_at_delivery_time(
    owner: Persona, receiver: Receiver, settings: Any
) -> None:
    """A URL that passed the check when saved but now reaches loopback (DNS rebinding)."""
    endpoint, _ = make_endpoint(owner, receiver.url, ["post.queued"])
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    queued_event(owner)

    assert drain() == ["failed"]  # permanent: never retried towards a private address

    assert receiver.received == []
    attempt = WebhookAttempt.objects.get()
    assert attempt.error_name == "UnsafeUrl" and attempt.status_code == 0
    endpoint.refresh_from_db()
    assert "127.0.0.1" in endpoint.last_failure_reason


def test_claims_are_exclusive_and_a_dead_workers_lease_is_taken_over(
    owner: Persona, receiver: Receiver
) -> None:
    make_endpoint(owner, receiver.url, ["post.queued"])
    queued_event(owner)
    (claim,) = claim_due_deliveries()
    assert claim_due_deliveries() == []  # leased rows are not claimed twice

    # The worker "dies" mid-request: an attempt row exists, the lease runs out.
    delivery = WebhookDelivery.objects.get()
    WebhookAttempt.objects.create(
        delivery=delivery, number=1, started_at=timezone.now()
    )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempt_count=1, lease_until=timezone.now() - timedelta(seconds=1)
    )
    (again,) = claim_due_deliveries()
    assert again.token != claim.token
    assert deliver_claimed(claim) == "lost"  # the old lease acts no more
    assert deliver_claimed(again) == "succeeded"
    first, second = WebhookAttempt.objects.order_by("number")
    assert first.error_name == "WorkerLost" and second.outcome == "succeeded"


def test_backoff_doubles_from_5_seconds_with_jitter(settings: Any) -> None:
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 5
    for attempt, nominal in enumerate([5, 10, 20, 40, 80, 160, 320], start=1):
        for _ in range(20):
            delay = backoff(attempt).total_seconds()
            assert nominal * 0.75 <= delay <= nominal * 1.25
    assert backoff(1, retry_after=30).total_seconds() >= 30
    assert backoff(1, retry_after=10**6).total_seconds() <= 3600


def test_events_for_other_types_or_workspaces_are_not_delivered(
    owner: Persona, outsider: Persona, receiver: Receiver
) -> None:
    make_endpoint(owner, receiver.url, events=["post.published"])
    make_endpoint(outsider, receiver.url)
    with transaction.atomic():
        emit(
            workspace=owner.workspace,
            type="token.revoked",
            data={"accountId": "x", "reason": "refresh_failed"},
        )
    assert drain() == []
    assert receiver.received == []

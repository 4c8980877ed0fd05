"""The outbox: emit() writes rows only, in the caller's transaction; data shapes per spec §1.3."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone

from letmepost.api.request_id import current_request_id
from posts import services as post_services
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from posts.requests import PostRequest, TargetRequest
from tests.conftest import Persona, connect_sandbox, queue_sandbox
from tests.webhooks.conftest import make_endpoint
from webhooks import events
from webhooks.catalog import EVENT_TYPES
from webhooks.events import (
    emit,
    emit_post_event,
    emit_token_event,
    listening_endpoints,
)
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.samples import sample_data

pytestmark = pytest.mark.usefixtures("hooks")

# spec/webhooks.md §1.3 (with the additive keys D11/§5 recommend): required, then optional.
DOCUMENTED: dict[str, tuple[set[str], set[str]]] = {
    "post.queued": (
        {"id", "platform", "accountId", "profileId", "scheduledAt", "queuedAt"},
        set(),
    ),
    "post.validated": (
        {"id", "platform", "accountId", "profileId", "validatedAt", "rules"},
        set(),
    ),
    "post.published": (
        {"id", "platform", "accountId", "profileId", "publishedAt"},
        {"uri", "cid", "firstCommentUri", "firstCommentCid", "thread", "warnings"},
    ),
    "post.rejected": (
        {"id", "platform", "accountId", "profileId", "error", "rejectedAt"},
        set(),
    ),
    "post.failed": (
        {"id", "platform", "accountId", "profileId", "error", "rejectedAt"},
        set(),
    ),
    "post.canceled": (
        {"id", "platform", "accountId", "profileId", "scheduledAt", "canceledAt"},
        set(),
    ),
    "post.rescheduled": (
        {
            "id",
            "platform",
            "accountId",
            "profileId",
            "previousScheduledAt",
            "scheduledAt",
        },
        set(),
    ),
    "token.expiring": (
        {
            "platform",
            "accountId",
            "platformAccountId",
            "displayName",
            "tokenExpiresAt",
            "expiresAt",
            "daysUntilExpiry",
        },
        set(),
    ),
    "token.revoked": (
        {
            "platform",
            "accountId",
            "platformAccountId",
            "displayName",
            "reason",
            "revokedAt",
        },
        {"message"},
    ),
    "version.deprecated": (
        {
            "platform",
            "currentPin",
            "nextPin",
            "sunsetAt",
            "announcedAt",
            "migrationStatus",
            "noticeUrl",
        },
        set(),
    ),
}


def assert_documented(type: str, data: dict[str, Any]) -> None:
    required, optional = DOCUMENTED[type]
    assert required <= set(data) <= required | optional, (type, sorted(data))


def target_for(persona: Persona, handle: str = "events", **options: Any) -> PostTarget:
    (target,) = queue_sandbox(persona, handle, **options)
    return target


def publish(target: PostTarget) -> str:
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    (claim,) = claim_due()
    return publish_claimed(claim)


def test_emit_writes_one_delivery_per_subscribed_active_endpoint(
    owner: Persona, outsider: Persona
) -> None:
    everything, _ = make_endpoint(owner, "http://127.0.0.1:9/a")
    make_endpoint(owner, "http://127.0.0.1:9/b", ["post.published"])
    queued_only, _ = make_endpoint(owner, "http://127.0.0.1:9/c", ["post.queued"])
    paused, _ = make_endpoint(owner, "http://127.0.0.1:9/d")
    WebhookEndpoint.objects.filter(pk=paused.pk).update(active=False)
    make_endpoint(outsider, "http://127.0.0.1:9/e")

    with transaction.atomic():
        event = emit(workspace=owner.workspace, type="post.queued", data={"id": "p1"})

    got = set(WebhookDelivery.objects.values_list("endpoint_id", flat=True))
    assert got == {everything.pk, queued_only.pk}
    assert event.ordering_key == "post:p1"
    assert all(d.event_seq == event.seq for d in WebhookDelivery.objects.all())


def test_create_stores_only_the_events_an_endpoint_of_the_same_mode_hears(
    owner: Persona,
) -> None:
    make_endpoint(owner, "http://127.0.0.1:9/live", ["post.queued"])  # a live endpoint
    account = connect_sandbox(owner, "modes")
    for livemode in (False, True):
        post_services.create_post(
            caller=post_services.Caller(
                workspace=owner.workspace, scope=None, livemode=livemode
            ),
            request=PostRequest(
                targets=(TargetRequest(account_id=str(account.pk)),),
                text=f"livemode {livemode}",
                scheduled_at=timezone.now() + timedelta(hours=1),
            ),
        )
    (event,) = WebhookEvent.objects.all()  # no post.validated, no test-mode post.queued
    assert (event.type, event.livemode) == ("post.queued", True)
    assert WebhookDelivery.objects.get().event == event


@pytest.mark.django_db(transaction=True)
def test_an_endpoint_write_waits_for_a_transaction_that_checked_for_listeners(
    owner: Persona,
) -> None:
    """Else an endpoint committed between an emitter's check and its commit misses the event."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: nothing can commit in between")
    checked, done = threading.Event(), threading.Event()

    def emitter() -> None:
        try:
            with transaction.atomic():
                listening_endpoints(owner.workspace.pk)
                checked.set()
                done.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=emitter)
    thread.start()
    try:
        assert checked.wait(30)
        with pytest.raises(OperationalError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            make_endpoint(owner, "http://127.0.0.1:9/late")
    finally:
        done.set()
        thread.join(30)
    make_endpoint(owner, "http://127.0.0.1:9/late")  # once the emitter has committed
    assert WebhookEndpoint.objects.count() == 1


def test_a_rolled_back_state_change_takes_its_event_with_it(owner: Persona) -> None:
    make_endpoint(owner, "http://127.0.0.1:9/a")
    with pytest.raises(RuntimeError), transaction.atomic():
        emit(workspace=owner.workspace, type="post.queued", data={"id": "p1"})
        raise RuntimeError("the state change failed")
    assert WebhookEvent.objects.count() == 0
    assert WebhookDelivery.objects.count() == 0


def test_only_catalog_types_are_emitted(owner: Persona) -> None:
    # issue #21: there is no billing, so its event types are gone rather than reserved
    assert len(EVENT_TYPES) == 10
    for type in ["billing.payment_failed", "quota.warning", "post.exploded"]:
        with pytest.raises(ValueError):
            emit(workspace=owner.workspace, type=type, data={})


def test_the_envelope_is_compact_with_a_stable_key_order(owner: Persona) -> None:
    with transaction.atomic():
        event = emit(
            workspace=owner.workspace,
            type="post.queued",
            data={"id": "p1", "text": "héllo"},
            livemode=False,
        )
    assert event.body == (
        f'{{"id":"{event.id}","type":"post.queued",'
        f'"createdAt":"{events.format_datetime(event.created_at)}",'
        f'"organizationId":"{owner.workspace.pk}",'
        '"data":{"id":"p1","text":"héllo"},"livemode":false}'
    )
    assert event.id.version == 4


def test_the_request_id_defaults_to_the_current_request(owner: Persona) -> None:
    token = current_request_id.set("req_current")
    try:
        with transaction.atomic():
            event = emit(workspace=owner.workspace, type="post.queued", data={})
    finally:
        current_request_id.reset(token)
    assert event.request_id == "req_current"
    with transaction.atomic():
        outside = emit(workspace=owner.workspace, type="post.queued", data={})
    assert outside.request_id == ""


def test_post_events_carry_the_documented_data(owner: Persona) -> None:
    target = target_for(owner)
    with transaction.atomic():
        queued = emit_post_event("post.queued", target=target)
    data = queued.envelope["data"]
    assert_documented("post.queued", data)
    assert data["id"] == str(target.pk) and data["accountId"] == str(target.account_id)
    assert data["profileId"] == str(target.profile_id) and data["platform"] == "sandbox"

    previous = target.scheduled_at
    post_services.reschedule_target(
        target=target, scheduled_at=timezone.now() + timedelta(hours=3)
    )
    with transaction.atomic():
        moved = emit_post_event(
            "post.rescheduled", target=target, previous_scheduled_at=previous
        )
    assert_documented("post.rescheduled", moved.envelope["data"])
    assert moved.envelope["data"]["previousScheduledAt"] == data["scheduledAt"]

    assert publish(target) == "published"
    with transaction.atomic():
        published = emit_post_event("post.published", target=target)
    assert_documented("post.published", published.envelope["data"])
    assert published.envelope["data"]["uri"].startswith("sandbox://")

    other = target_for(owner, "events-2")
    post_services.cancel_target(target=other)
    with transaction.atomic():
        canceled = emit_post_event("post.canceled", target=other)
    assert_documented("post.canceled", canceled.envelope["data"])

    with transaction.atomic():
        validated = emit_post_event(
            "post.validated", target=other, rules=[{"rule": "x", "passed": True}]
        )
    assert_documented("post.validated", validated.envelope["data"])


@pytest.mark.parametrize(
    ("outcome", "type"),
    [("platform_rejected", "post.rejected"), ("internal_error", "post.failed")],
)
def test_failure_events_carry_the_stored_error(
    owner: Persona, outcome: str, type: str
) -> None:
    target = target_for(owner, sandbox_outcome=outcome)
    publish(target)
    with transaction.atomic():
        event = emit_post_event(type, target=target)
    data = event.envelope["data"]
    assert_documented(type, data)
    assert data["error"]["code"] == outcome and data["error"]["platform"] == "sandbox"
    assert list(data["error"])[:2] == ["code", "message"]


def test_token_events(owner: Persona) -> None:
    account = connect_sandbox(owner, "tokens")
    with transaction.atomic():
        expiring = emit_token_event(
            "token.expiring",
            account=account,
            expires_at=timezone.now() + timedelta(days=3, hours=1),
        )
        revoked = emit_token_event(
            "token.revoked", account=account, reason="refresh_failed", message="nope"
        )
    assert_documented("token.expiring", expiring.envelope["data"])
    assert expiring.envelope["data"]["daysUntilExpiry"] == 3
    assert_documented("token.revoked", revoked.envelope["data"])
    assert revoked.ordering_key == f"account:{account.pk}"
    with pytest.raises(ValueError):
        events.token_revoked_data(account, reason="because")


def test_version_deprecated(owner: Persona) -> None:
    with transaction.atomic():
        event = events.emit_version_deprecated(
            workspace=owner.workspace,
            platform="linkedin",
            current_pin="202504",
            next_pin="202605",
            sunset_at=timezone.now(),
            announced_at=None,
            migration_status="in_flight",
            notice_url=None,
        )
    assert_documented("version.deprecated", event.envelope["data"])
    assert event.ordering_key == ""


@pytest.mark.parametrize("type", sorted(DOCUMENTED))
def test_samples_have_the_real_shapes(type: str) -> None:
    data = sample_data(type)
    assert_documented(type, data)
    json.dumps(data)  # serialisable as sent


def test_old_events_are_purged_once_nothing_is_pending(owner: Persona) -> None:
    from webhooks.services import purge_old_events

    make_endpoint(owner, "http://127.0.0.1:9/a")
    with transaction.atomic():
        done = emit(workspace=owner.workspace, type="post.queued", data={"id": "a"})
        pending = emit(workspace=owner.workspace, type="post.queued", data={"id": "b"})
        fresh = emit(workspace=owner.workspace, type="post.queued", data={"id": "c"})
    WebhookDelivery.objects.filter(event=done).update(status="succeeded")
    old = timezone.now() - timedelta(days=31)
    WebhookEvent.objects.filter(pk__in=[done.pk, pending.pk]).update(created_at=old)

    purge_old_events()

    assert set(WebhookEvent.objects.values_list("pk", flat=True)) == {
        pending.pk,
        fresh.pk,
    }


def test_secrets_survive_key_rotation(owner: Persona, settings: Any) -> None:
    from cryptography.fernet import Fernet

    from webhooks.services import reencrypt_secrets

    endpoint, secret = make_endpoint(owner, "http://127.0.0.1:9/a")
    new_key = Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [new_key, *settings.ENCRYPTION_KEYS]
    assert reencrypt_secrets() == 1
    settings.ENCRYPTION_KEYS = [new_key]
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == secret

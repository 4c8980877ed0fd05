"""Writes for webhooks: endpoints (create, update, delete, rotate), test sends, replays, purge."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Workspace
from letmepost.errors import ValidationFailed
from webhooks.delivery import DeliveryClaim, SendResult, attempt_claimed
from webhooks.events import lock_endpoints, render_body
from webhooks.http import check_receiver_url
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.samples import sample_data
from webhooks.signing import new_secret


def _unique(events: list[str]) -> list[str]:
    return list(dict.fromkeys(events))


@transaction.atomic
def create_endpoint(
    *,
    workspace: Workspace,
    url: str,
    events: list[str],
    description: str = "",
    active: bool = True,
    livemode: bool = True,
) -> tuple[WebhookEndpoint, str]:
    """Store a new endpoint in the caller's mode; returns it with its signing secret, which is
    never shown again."""
    check_receiver_url(url)
    lock_endpoints(workspace.pk)
    secret = new_secret()
    endpoint = WebhookEndpoint(
        workspace=workspace,
        url=url,
        events=_unique(events),
        description=description,
        active=active,
        livemode=livemode,
    )
    endpoint.secret = secret
    endpoint.save()
    return endpoint, secret


@transaction.atomic
def update_endpoint(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    """Change what was given. Re-activating an auto-disabled endpoint clears its notice."""
    lock_endpoints(endpoint.workspace_id)
    if url is not None and url != endpoint.url:
        check_receiver_url(url)
        endpoint.url = url
    if events is not None:
        endpoint.events = _unique(events)
    if description is not None:
        endpoint.description = description
    if active is not None:
        if active and not endpoint.active:
            endpoint.disabled_at = None
            endpoint.disabled_reason = ""
            endpoint.notice = None
            endpoint.consecutive_failures = 0
        endpoint.active = active
    endpoint.save()
    return endpoint


@transaction.atomic
def delete_endpoint(*, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint with its delivery log; pending deliveries go with it."""
    lock_endpoints(endpoint.workspace_id)
    endpoint.delete()


@transaction.atomic
def rotate_secret(*, endpoint: WebhookEndpoint) -> str:
    """Replace the signing secret at once; attempts from now on are signed with the new one."""
    secret = new_secret()
    endpoint.secret = secret
    endpoint.save(update_fields=["secret_ciphertext", "updated_at"])
    return secret


@transaction.atomic
def replay_event(*, endpoint: WebhookEndpoint, event: WebhookEvent) -> WebhookDelivery:
    """Queue a new delivery of an event, same id and body, with the full retry schedule.

    Replays are not held back behind the post's other events: the caller asked for this one.
    """
    if not endpoint.active:
        raise ValidationFailed(
            "The endpoint is paused; replays go only to active endpoints.",
            status=409,
            rule="webhook_endpoint.inactive",
            remediation="Set active to true first (PATCH the endpoint), then replay.",
        )
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=event,
        kind=WebhookDelivery.Kind.REPLAY,
        ordering_key="",
        event_seq=event.seq,
        next_attempt_at=timezone.now(),
    )


MISSING: Any = object()


@dataclass(frozen=True)
class TestSend:
    delivery: WebhookDelivery
    event: WebhookEvent
    attempt_id: Any
    result: SendResult


def send_test(
    *,
    endpoint: WebhookEndpoint,
    type: str,
    livemode: bool,
    data: Any = MISSING,
) -> TestSend:
    """Send one signed sample event now, in this request; never retried. Works on paused
    endpoints. The event and its single attempt are kept in the delivery log (kind `test`).

    Precondition: no transaction is open (the request runs for up to the 10 s timeout).
    """
    now = timezone.now()
    event_id = uuid.uuid4()
    payload = sample_data(type) if data is MISSING else data
    token = secrets.token_hex(12)
    with transaction.atomic():
        event = WebhookEvent.objects.create(
            id=event_id,
            workspace_id=endpoint.workspace_id,
            type=type,
            body=render_body(
                event_id=event_id,
                type=type,
                created_at=now,
                workspace_id=endpoint.workspace_id,
                data=payload,
                livemode=livemode,
            ),
            livemode=livemode,
            is_test=True,
            created_at=now,
        )
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event=event,
            kind=WebhookDelivery.Kind.TEST,
            event_seq=event.seq,
            status=WebhookDelivery.Status.DELIVERING,
            next_attempt_at=now,
            lease_owner=token,
            lease_until=now + timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS),
        )
    _, attempt, result = attempt_claimed(DeliveryClaim(delivery.pk, token))
    assert attempt is not None and result is not None  # a fresh lease cannot be lost
    delivery.refresh_from_db()
    return TestSend(
        delivery=delivery, event=event, attempt_id=attempt.pk, result=result
    )


@transaction.atomic
def reencrypt_secrets() -> int:
    """Re-save every signing secret under the first encryption key (rotate_encryption_keys)."""
    count = 0
    for endpoint in WebhookEndpoint.objects.select_for_update().only(
        "secret_ciphertext"
    ):
        endpoint.secret = endpoint.secret
        endpoint.save(update_fields=["secret_ciphertext"])
        count += 1
    return count


def purge_old_events() -> int:
    """Delete events (with their deliveries and attempts) past the retention period, once
    nothing is still on its way. A maintenance job."""
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOKS_RETENTION_DAYS)
    old = WebhookEvent.objects.filter(created_at__lt=cutoff).exclude(
        deliveries__status__in=WebhookDelivery.UNFINISHED
    )
    deleted, _ = WebhookEvent.objects.filter(
        pk__in=list(old.values_list("pk", flat=True)[:10_000])
    ).delete()
    return deleted

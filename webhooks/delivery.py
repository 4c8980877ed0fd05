"""Deliver webhooks: claim due deliveries, send each signed attempt, record it, schedule the next.

The database is the schedule (as in posts/dispatch.py). `claim_due_deliveries()` leases due rows
with a compare-and-set update (plus SKIP LOCKED on PostgreSQL) and skips a delivery while an
earlier one of the same post to the same endpoint is unfinished, so each endpoint gets one post's
events in order. `deliver_claimed()` makes one HTTP attempt and records it while it still holds
the lease. Delivery is at least once: a worker that dies mid-request leaves a lease that expires
and the attempt is made again, with the same event id for the receiver to dedupe on.

Outcomes (D11): 2xx delivered; 408 and 429 retried, honouring Retry-After; any other 4xx is
permanent; 1xx/3xx/5xx, network errors and the 10 s timeout are retried, up to 8 attempts with
exponential backoff from 5 s. Redirects are not followed (a 301/302 would turn the POST into a
body-less GET that "succeeds"); a 3xx counts as a failed attempt.
"""

from __future__ import annotations

import logging
import random
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from letmepost.api.fields import format_datetime
from platforms.upstream import delta_seconds
from webhooks.http import UnsafeUrl, receiver_session
from webhooks.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from webhooks.signing import signature_headers

logger = logging.getLogger("letmepost.webhooks")

Status = WebhookDelivery.Status
Outcome = WebhookAttempt.Outcome
RESPONSE_BODY_CHARS = 2048
TRUNCATED = "…[truncated]"


@dataclass(frozen=True)
class DeliveryClaim:
    delivery_id: Any
    token: str


@dataclass(frozen=True)
class SendResult:
    """What one HTTP attempt produced. `status` is 0 when no HTTP answer came."""

    status: int
    duration_ms: int
    response_body: str | None
    error_name: str | None = None
    error: str | None = None
    retry_after: int | None = None
    unsafe: bool = False

    @property
    def outcome(self) -> str:
        if 200 <= self.status < 300:
            return Outcome.SUCCEEDED
        if self.unsafe or (400 <= self.status < 500 and self.status not in (408, 429)):
            return Outcome.FAILED
        return Outcome.RETRY

    @property
    def non_retryable(self) -> bool:
        return self.outcome == Outcome.FAILED

    @property
    def reason(self) -> str:
        """One line for `lastFailureReason` and the delivery log."""
        if self.status:
            text = f"HTTP {self.status}"
            if self.non_retryable:
                text += " (permanent)"
            return text
        return f"{self.error_name}: {self.error}"[:500]


# --- claiming ------------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    """Pending and due, or held by a worker whose lease ran out (it died)."""
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.DELIVERING, lease_until__lt=now
    )


def _waiting_for_earlier() -> Exists:
    """An earlier event of the same post is still on its way to the same endpoint."""
    return Exists(
        WebhookDelivery.objects.filter(
            endpoint_id=OuterRef("endpoint_id"),
            ordering_key=OuterRef("ordering_key"),
            event_seq__lt=OuterRef("event_seq"),
            status__in=WebhookDelivery.UNFINISHED,
        ).exclude(ordering_key="")
    )


def claim_due_deliveries(
    *, limit: int | None = None, now: datetime | None = None
) -> list[DeliveryClaim]:
    """Lease up to `limit` due deliveries for this caller. Safe from any number of processes."""
    now = now or timezone.now()
    limit = limit or settings.DISPATCH_BATCH
    claimable = WebhookDelivery.objects.filter(_due(now)).exclude(
        _waiting_for_earlier()
    )
    if not claimable.exists():  # a read: no write lock while nothing can be claimed
        return []
    token = secrets.token_hex(12)
    with transaction.atomic():
        candidates = claimable.order_by("next_attempt_at", "event_seq").values_list(
            "pk", flat=True
        )
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        pks = list(candidates[:limit])
        # Compare-and-set: the due condition is checked again inside the UPDATE, so of two
        # claimers racing for a row exactly one wins, even without row locks (SQLite).
        WebhookDelivery.objects.filter(_due(now), pk__in=pks).update(
            status=Status.DELIVERING,
            lease_owner=token,
            lease_until=now + timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS),
        )
        won = list(
            WebhookDelivery.objects.filter(pk__in=pks, lease_owner=token).values_list(
                "pk", flat=True
            )
        )
    return [DeliveryClaim(pk, token) for pk in won]


def backoff(attempt: int, retry_after: int | None = None) -> timedelta:
    """5 s * 2^(attempt-1), ±25 % jitter; never sooner than the receiver's Retry-After."""
    nominal = settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** (attempt - 1)
    delay = nominal * random.uniform(0.75, 1.25)  # noqa: S311 - jitter, not security
    if retry_after:
        delay = max(delay, min(retry_after, settings.WEBHOOKS_RETRY_AFTER_MAX_SECONDS))
    return timedelta(seconds=delay)


# --- sending -------------------------------------------------------------------------------


def _retry_after(value: str | None) -> int | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    if (seconds := delta_seconds(value)) is not None:
        return seconds
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0, int((when - timezone.now()).total_seconds()))


def _read_body(response: requests.Response) -> str:
    """At most 2,048 characters of the answer; never the whole of a huge body."""
    try:
        raw = response.raw.read(RESPONSE_BODY_CHARS * 4 + 1, decode_content=True)
    except Exception:  # a body that breaks off still leaves the status worth recording
        raw = b""
    text = raw.decode("utf-8", errors="replace").replace("\x00", "\ufffd")
    if len(text) > RESPONSE_BODY_CHARS or len(raw) > RESPONSE_BODY_CHARS * 4:
        text = text[:RESPONSE_BODY_CHARS] + TRUNCATED
    return text


def request_headers(
    *, event: WebhookEvent, secret: str, attempt_id: Any, timestamp: int
) -> dict[str, str]:
    headers = {
        "Content-Type": "application/json",
        **signature_headers(secret, event.body.encode(), timestamp),
        "X-Letmepost-Event": event.type,
        "X-Letmepost-Event-Id": str(event.id),
        "X-Letmepost-Delivery-Id": str(attempt_id),
    }
    if event.request_id:
        headers["X-Letmepost-Request-Id"] = event.request_id
    return headers


def send(
    *, endpoint: WebhookEndpoint, event: WebhookEvent, attempt_id: Any
) -> SendResult:
    """POST the event's body to the endpoint once, signed with its current secret."""
    body = event.body.encode()
    headers = request_headers(
        event=event,
        secret=endpoint.secret,
        attempt_id=attempt_id,
        timestamp=int(time.time()),
    )
    timeout = settings.WEBHOOKS_TIMEOUT_SECONDS
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        with receiver_session() as s:
            response = s.post(
                endpoint.url,
                data=body,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
                stream=True,
            )
            try:
                text = _read_body(response)
            finally:
                response.close()
    except UnsafeUrl as exc:
        return SendResult(0, elapsed(), None, "UnsafeUrl", exc.message, unsafe=True)
    except requests.Timeout:
        return SendResult(
            0, elapsed(), None, "Timeout", f"No answer within {timeout} s."
        )
    except requests.RequestException as exc:
        return SendResult(0, elapsed(), None, type(exc).__name__, _short(exc))
    return SendResult(
        response.status_code,
        elapsed(),
        text,
        retry_after=_retry_after(response.headers.get("Retry-After")),
    )


def _short(exc: Exception) -> str:
    """The innermost cause reads best ("Connection refused"), not urllib3's pool wrapper."""
    cause: BaseException = exc
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__  # type: ignore[assignment]
    return (str(cause) or type(cause).__name__)[:480]


# --- one attempt ---------------------------------------------------------------------------


def _held(claim: DeliveryClaim) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(
        pk=claim.delivery_id, status=Status.DELIVERING, lease_owner=claim.token
    )


def deliver_claimed(claim: DeliveryClaim) -> str:
    """Make one attempt of a leased delivery and record it. Returns the attempt's outcome,
    "canceled" (endpoint paused), or "lost" (the lease was taken over meanwhile).

    Precondition: `claim` came from claim_due_deliveries() (or a test/replay lease) and may have
    expired; every write is conditional on still holding the lease.
    """
    return attempt_claimed(claim)[0]


def attempt_claimed(
    claim: DeliveryClaim,
) -> tuple[str, WebhookAttempt | None, SendResult | None]:
    """deliver_claimed(), also returning the attempt row and what the receiver answered."""
    delivery = (
        WebhookDelivery.objects.select_related("endpoint", "event")
        .filter(pk=claim.delivery_id, status=Status.DELIVERING, lease_owner=claim.token)
        .first()
    )
    if delivery is None:
        return "lost", None, None
    endpoint = delivery.endpoint
    if not endpoint.active and delivery.kind != WebhookDelivery.Kind.TEST:
        _held(claim).update(
            status=Status.CANCELED,
            completed_at=timezone.now(),
            last_error="The endpoint was paused before this attempt.",
            lease_owner="",
            lease_until=None,
        )
        return "canceled", None, None
    # An attempt still pending here belonged to a worker that died mid-request.
    WebhookAttempt.objects.filter(delivery=delivery, outcome=Outcome.PENDING).update(
        outcome=Outcome.RETRY,
        error_name="WorkerLost",
        error="The worker stopped before recording an answer; the attempt was made again.",
    )
    number = delivery.attempt_count + 1
    attempt = WebhookAttempt.objects.create(
        delivery=delivery, number=number, started_at=timezone.now()
    )
    _held(claim).update(attempt_count=number)
    result = send(endpoint=endpoint, event=delivery.event, attempt_id=attempt.pk)
    return record(claim, delivery, attempt, result), attempt, result


def record(
    claim: DeliveryClaim,
    delivery: WebhookDelivery,
    attempt: WebhookAttempt,
    result: SendResult,
) -> str:
    """Store the attempt, move the delivery on, and keep the endpoint's health current."""
    now = timezone.now()
    outcome = result.outcome
    single = delivery.kind == WebhookDelivery.Kind.TEST  # test sends are never retried
    if outcome == Outcome.RETRY and (
        single or attempt.number >= settings.WEBHOOKS_MAX_ATTEMPTS
    ):
        outcome = Outcome.FAILED
    if outcome == Outcome.RETRY:
        change: dict[str, Any] = {
            "status": Status.PENDING,
            "next_attempt_at": now + backoff(attempt.number, result.retry_after),
        }
    else:
        change = {
            "status": Status.SUCCEEDED
            if outcome == Outcome.SUCCEEDED
            else Status.FAILED,
            "completed_at": now,
        }
    with transaction.atomic():
        WebhookAttempt.objects.filter(pk=attempt.pk).update(
            duration_ms=result.duration_ms,
            status_code=result.status,
            response_body=result.response_body or "",
            error_name=result.error_name or "",
            error=(result.error or "")[:500],
            outcome=outcome,
        )
        updated = _held(claim).update(
            **change,
            last_status_code=result.status,
            last_error="" if outcome == Outcome.SUCCEEDED else result.reason,
            lease_owner="",
            lease_until=None,
        )
        if updated and delivery.kind != WebhookDelivery.Kind.TEST:
            _update_endpoint_health(delivery.endpoint_id, outcome, result, now)
    return outcome if updated else "lost"


def _update_endpoint_health(
    endpoint_id: Any, outcome: str, result: SendResult, now: datetime
) -> None:
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id)
    if outcome == Outcome.SUCCEEDED:
        endpoint.update(
            last_delivery_at=now,
            last_success_at=now,
            last_failure_reason="",
            consecutive_failures=0,
        )
        return
    health: dict[str, Any] = {
        "last_delivery_at": now,
        "last_failure_at": now,
        "last_failure_reason": result.reason,
    }
    if outcome == Outcome.FAILED:  # an event given up on: counts toward auto-disable
        health["consecutive_failures"] = F("consecutive_failures") + 1
    endpoint.update(**health)
    threshold = settings.WEBHOOKS_DISABLE_AFTER
    if outcome == Outcome.FAILED and threshold:
        failures = endpoint.values_list("consecutive_failures", flat=True).first() or 0
        if failures >= threshold:
            disable(endpoint_id, failures=failures, last_reason=result.reason, now=now)


def disable(
    endpoint_id: Any, *, failures: int, last_reason: str, now: datetime
) -> bool:
    """Pause an endpoint whose events keep failing, leaving a notice for the dashboard."""
    message = (
        f"Paused after {failures} events in a row could not be delivered "
        f"(last: {last_reason}). Fix the receiver, then set active to true."
    )
    return bool(
        WebhookEndpoint.objects.filter(pk=endpoint_id, active=True).update(
            active=False,
            disabled_at=now,
            disabled_reason=message[:500],
            notice={
                "type": "webhook_endpoint.disabled",
                "message": message,
                "createdAt": format_datetime(now),
            },
        )
    )


def deliver_claimed_safely(claim: DeliveryClaim) -> str:
    """For thread pools: never raise, always give the thread's connection back."""
    from django.db import connections

    try:
        return deliver_claimed(claim)
    except Exception:
        logger.exception("delivering webhook %s failed unexpectedly", claim.delivery_id)
        return "error"
    finally:
        connections.close_all()

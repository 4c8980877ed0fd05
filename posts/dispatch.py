"""The publishing engine: claim due targets, publish each at most once, record every attempt.

The database is the schedule. `claim_due()` leases due rows with a compare-and-set update (plus
SKIP LOCKED on PostgreSQL), including rows falling due within `DISPATCH_AHEAD_SECONDS`: those stay
`queued` under a lease that covers the wait, so a worker is waiting at the due instant.
`publish_claimed()` waits for that instant, then takes the row (queued → publishing) only if it is
still leased to it, still queued and due: a post canceled or rescheduled meanwhile is not sent.
It writes the attempt before calling the platform and records the outcome only while it still
holds the lease. A worker that dies leaves a lease that expires; whoever reclaims the row asks the
platform what happened before sending anything. A target with a thread or a first comment then
publishes those items, one attempt each, under the same lease (`posts.thread_dispatch`).
"""

from __future__ import annotations

import logging
import math
import random
import time
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from letmepost.dbconn import release_pooled_connection
from letmepost.errors import (
    InternalError,
    LetmepostError,
    PlatformAuthFailed,
    PublishOutcomeUnknown,
)
from letmepost.logging import add_log_context, log_context
from platforms.base import (
    Draft,
    MediaItem,
    PlatformAdapter,
    PublishResult,
    ReconcileUnsupported,
)
from platforms.models import PlatformAccount
from platforms.registry import adapter_class
from platforms.sandbox.adapter import SandboxAdapter
from platforms.tokens import ensure_fresh_token
from posts import thread_dispatch
from posts.history import TargetHistory
from posts.leases import Claim, held, lease_until, new_lease_token
from posts.media_refs import item_fields
from posts.models import PostTarget, PublishAttempt
from posts.preflight import as_error, deep_violations, errors_only
from webhooks.events import emit_post_event

logger = logging.getLogger("letmepost.dispatch")

Status = PostTarget.Status
Outcome = PublishAttempt.Outcome
MAX_BIGINT = 2**63 - 1  # PublishAttempt.requested_retry_after keeps at most this
REJECTING_CODES = frozenset(
    {
        "preflight_failed",
        "platform_auth_failed",
        "platform_rejected",
        "validation_failed",
    }
)


def _due(now: datetime, horizon: datetime) -> Q:
    """Queued and due by `horizon` with no live lease, or held by a worker whose lease ran out."""
    unleased = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    return Q(status=Status.QUEUED, due_at__lte=horizon) & unleased | Q(
        status=Status.PUBLISHING, lease_until__lt=now
    )


def claim_due(
    *,
    limit: int | None = None,
    now: datetime | None = None,
    ahead: float | None = None,
) -> list[Claim]:
    """Lease up to `limit` targets due by now + `ahead` seconds. Safe from any number of processes.

    Due rows become `publishing` at once (a claim beats a later cancel, as always); rows claimed
    ahead stay `queued` until `publish_claimed` takes them at their due instant, so they can still
    be canceled or rescheduled. The lease runs from the horizon: it covers the wait and a whole
    publish after it.
    """
    now = now or timezone.now()
    limit = limit or settings.DISPATCH_BATCH
    ahead = settings.DISPATCH_AHEAD_SECONDS if ahead is None else ahead
    horizon = now + timedelta(seconds=ahead)
    due = _due(now, horizon)
    if not PostTarget.objects.filter(due).exists():  # cheap, takes no write lock
        return []
    token = new_lease_token()
    with transaction.atomic():
        candidates = (
            PostTarget.objects.filter(due)
            .order_by("due_at")
            .values_list("pk", flat=True)
        )
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        pks = list(candidates[:limit])
        # Compare-and-set: the due condition is re-checked inside the UPDATE, so of two claimers
        # racing for a row exactly one wins, even without row locks (SQLite).
        PostTarget.objects.filter(due, pk__in=pks).update(
            status=Case(
                When(due_at__lte=now, then=Value(Status.PUBLISHING)),
                default=F("status"),
            ),
            lease_owner=token,
            lease_until=lease_until(horizon),
        )
        won = PostTarget.objects.filter(pk__in=pks, lease_owner=token).values_list(
            "pk", "due_at"
        )
        return [Claim(pk, token, at if at > now else None) for pk, at in won]


def wait_for(claim: Claim) -> None:
    """Sleep until a claimed-ahead target's due instant (no database connection held).

    On the clock `_take` compares `due_at` with, so waking a hair early cannot make it step aside.
    """
    for _ in range(100):  # bounded: one sleep almost always does
        if (
            claim.at is None
            or (left := (claim.at - timezone.now()).total_seconds()) <= 0
        ):
            return
        time.sleep(left)


def _take(claim: Claim, now: datetime) -> bool:
    """Queued → publishing (or renew a publishing lease) while the lease is ours and it is due.

    A claim that waited past its lease was either re-leased (the token changed: step aside) or is
    renewed here, so two workers never both reach the platform for the same claim. A target
    canceled (no longer queued) or rescheduled (not due yet) since the claim is let go.
    """
    mine = PostTarget.objects.filter(pk=claim.target_id, lease_owner=claim.token)
    if mine.filter(
        Q(status=Status.PUBLISHING) | Q(status=Status.QUEUED, due_at__lte=now)
    ).update(status=Status.PUBLISHING, lease_until=lease_until(now)):
        return True
    # Rescheduled (or canceled, or back to draft): let go now, not when the lease runs out.
    mine.exclude(status=Status.PUBLISHING).update(lease_owner="", lease_until=None)
    return False


def capped_wait(asked: float | None) -> int | None:
    """The platform's requested wait in whole seconds, capped: the one cap on upstream waits.

    Clients pass on whatever a header or option said (a 12-digit Retry-After, a reset in year
    9999, 1e30); past `PUBLISH_RETRY_AFTER_MAX_SECONDS` it is a broken or hostile value, and an
    uncapped one would overflow the due time and leave the target stuck in `publishing`.
    """
    if asked is None or (isinstance(asked, float) and math.isnan(asked)):
        return None
    return int(min(max(asked, 0), settings.PUBLISH_RETRY_AFTER_MAX_SECONDS))


def backoff(attempt: int, retry_after: int | None = None) -> timedelta:
    """Exponential backoff with jitter; never sooner than the (capped) Retry-After."""
    ceiling = min(
        settings.PUBLISH_RETRY_MAX_SECONDS,
        settings.PUBLISH_RETRY_BASE_SECONDS * 2 ** (attempt - 1),
    )
    delay = random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security
    return timedelta(seconds=max(delay, retry_after or 0))


def adapter_for(target: PostTarget) -> PlatformAdapter:
    """Test-mode targets and sandbox accounts publish to the sandbox; others to their platform."""
    if not target.livemode or target.account.platform == SandboxAdapter.slug:
        return SandboxAdapter(target.account)
    return adapter_class(target.account.platform)(target.account)


def draft_for(target: PostTarget, *, attempt: int) -> Draft:
    """The first post's draft. Its first comment, when stored as an item (every platform with
    replies or comments), is published by posts.thread_dispatch, not by the adapter."""
    media = tuple(MediaItem(**item_fields(ref)) for ref in target.media)
    return Draft(
        text=target.text,
        idempotency_token=str(target.pk),
        media=media,
        first_comment=None if target.reply_count else target.first_comment or None,
        options=target.options,
        attempt=attempt,
        sandbox=thread_dispatch.root_sandbox(target.sandbox),
        history=TargetHistory(target.pk, target.account_id),
        thread_length=target.reply_count,
    )


def error_snapshot(
    exc: LetmepostError,
    *,
    platform: str,
    version: str | None,
    field: str | None = None,
) -> dict[str, Any]:
    """The stored error of a target: the reduced envelope of spec/errors.md §1.2. `field`
    names the thread item (`thread[2]`) or first comment that failed, in the message too."""
    message = f"{field}: {exc.message}" if field else exc.message
    snapshot: dict[str, Any] = {"code": exc.code, "message": message}
    for name, key in (
        ("rule", "rule"),
        ("platform_response", "platformResponse"),
        ("remediation", "remediation"),
    ):
        if exc.fields.get(name) is not None:
            snapshot[key] = exc.fields[name]
    snapshot["platform"] = exc.fields.get("platform", platform)
    if version:
        snapshot["platformVersion"] = exc.fields.get("platform_version", version)
    if field:
        snapshot["field"] = field
    return snapshot


def publish_claimed(claim: Claim) -> str:
    """Publish one leased target at most once and record the attempt. Returns the outcome.

    Every log line inside carries the target id (and, once known, workspace, platform, attempt).
    """
    with log_context(target_id=str(claim.target_id)) as context:
        outcome = _publish_claimed(claim)
        if outcome != "lost" and "attempt" in context:
            logger.info("publish attempt finished: %s", outcome)
        return outcome


def _publish_claimed(claim: Claim) -> str:
    """Publish one leased target at most once and record the attempt. Returns the outcome.

    Precondition: `claim` came from claim_due() (or the immediate path) and may have expired; every
    write below is conditional on still holding the lease.
    """
    wait_for(claim)
    now = timezone.now()
    if not _take(claim, now):
        return "lost"  # canceled, rescheduled, finished, or re-leased by another worker
    target = (
        PostTarget.objects.select_related("account").filter(pk=claim.target_id).first()
    )
    if target is None:
        return "lost"
    number = target.attempt_count + 1
    previous = target.attempts.order_by("-number").first()
    PublishAttempt.objects.create(
        target=target, number=number, worker=claim.token, started_at=now
    )
    held(target.pk, claim).update(attempt_count=number)
    add_log_context(
        workspace=str(target.workspace_id), platform=target.platform, attempt=number
    )
    draft = draft_for(target, attempt=number)
    adapter = adapter_for(target)
    try:
        result, outcome = _first_post(target, previous, draft, adapter)
        if target.reply_count:
            thread_dispatch.record_root(target, claim, result)
            result = thread_dispatch.publish_thread(target, claim, adapter, result)
    except thread_dispatch.LeaseLost:
        logger.warning(
            "lease on %s lost mid-thread; the next holder resumes", target.pk
        )
        return "lost"
    except Exception as exc:
        return record_error(target, claim, number, adapter, exc)
    return _record_published(target, claim, number, result, outcome)


def _first_post(
    target: PostTarget,
    previous: PublishAttempt | None,
    draft: Draft,
    adapter: PlatformAdapter,
) -> tuple[PublishResult, str]:
    """The target's first post and the attempt's outcome: published now, found by
    reconciliation, or (a thread resumed) landed on an earlier attempt."""
    abandoned = previous and previous.outcome in (Outcome.PENDING, Outcome.UNKNOWN)
    if abandoned:
        assert previous is not None
        _close_abandoned(previous)
    if landed := thread_dispatch.landed_root(target):
        _require_usable(target)
        return landed, Outcome.PUBLISHED
    if abandoned and (found := adapter.reconcile(draft)) is not None:
        return found, Outcome.RECONCILED
    _require_usable(target)
    violations = deep_violations(target.account, draft)
    if errors := errors_only(violations):
        raise as_error(errors, platform=target.platform)
    release_pooled_connection()  # the platform call is a wait, not database work
    return with_warnings(adapter.publish(draft), violations), Outcome.PUBLISHED


def _require_usable(target: PostTarget) -> None:
    """Refuse an account that must be reconnected; refresh a token about to expire."""
    if not target.livemode:
        return
    if target.account.status == PlatformAccount.Status.NEEDS_REAUTH:
        raise PlatformAuthFailed(
            "The platform refused this account's credentials; it must be reconnected.",
            rule="account.needs_reauth",
            remediation="Reconnect the account, then publish again.",
        )
    ensure_fresh_token(target.account)


def with_warnings(result: PublishResult, violations: list[Any]) -> PublishResult:
    """The platform's answer plus the preflight warnings the post went out with."""
    if warnings := [v for v in violations if v.severity == "warning"]:
        return replace(
            result,
            warnings=(
                *result.warnings,
                *({"code": v.rule, "message": v.message} for v in warnings),
            ),
        )
    return result


def record_error(
    target: PostTarget,
    claim: Claim,
    number: int,
    adapter: PlatformAdapter,
    exc: Exception,
) -> str:
    """Record why an attempt (still holding the lease) did not publish. Returns the outcome.

    A thread item's failure (`ReplyFailed`) is recorded as the target's, naming the item.
    """
    field = None
    if isinstance(exc, thread_dispatch.ReplyFailed):
        field, exc = exc.field, exc.cause
    if isinstance(exc, ReconcileUnsupported):
        return _record_failure(
            target,
            claim,
            number,
            adapter,
            PublishOutcomeUnknown(
                "An earlier attempt may have published this post and the platform cannot be asked.",
                remediation="Check the account on the platform; publish again with a new request if it is missing.",
            ),
            final=True,
            field=field,
        )
    if isinstance(exc, PublishOutcomeUnknown):
        return _record_unknown(target, claim, number, adapter, exc, field=field)
    if isinstance(exc, LetmepostError):
        return _record_failure(target, claim, number, adapter, exc, field=field)
    # A bug in an adapter: never retried, always visible.
    logger.error(
        "adapter %s crashed publishing %s", adapter.slug, target.pk, exc_info=exc
    )
    return _record_failure(
        target,
        claim,
        number,
        adapter,
        InternalError(f"{type(exc).__name__}: {exc}"),
        final=True,
        field=field,
    )


def _close_abandoned(attempt: PublishAttempt) -> None:
    if attempt.outcome == Outcome.PENDING:
        PublishAttempt.objects.filter(pk=attempt.pk, outcome=Outcome.PENDING).update(
            outcome=Outcome.UNKNOWN,
            finished_at=timezone.now(),
            error_message="The worker stopped before recording an outcome; reconciled on the next attempt.",
        )


def _finish_attempt(
    target: PostTarget,
    number: int,
    outcome: str,
    exc: LetmepostError | None = None,
    **waits: int | None,
) -> None:
    PublishAttempt.objects.filter(target=target, number=number).update(
        outcome=outcome,
        finished_at=timezone.now(),
        error_code=exc.code if exc else "",
        error_message=exc.message if exc else "",
        platform_response=exc.fields.get("platform_response") if exc else None,
        **waits,
    )


def _waits(exc: LetmepostError) -> dict[str, int | None]:
    """The attempt's record of the wait the platform asked for, and the wait used."""
    asked = getattr(exc, "retry_after", None)
    if (used := capped_wait(asked)) is None:
        return {}
    assert asked is not None
    requested = int(min(max(asked, 0), MAX_BIGINT))
    return {"retry_after": used, "requested_retry_after": requested}


def _held(target: PostTarget, claim: Claim) -> Any:
    return held(target.pk, claim)


def _record_published(
    target: PostTarget, claim: Claim, number: int, result: PublishResult, outcome: str
) -> str:
    with transaction.atomic():
        _finish_attempt(target, number, outcome)
        updated = _held(target, claim).update(
            status=Status.PUBLISHED,
            published_at=timezone.now(),
            platform_uri=result.uri or "",
            platform_cid=result.cid or "",
            first_comment_uri=result.first_comment_uri or "",
            first_comment_cid=result.first_comment_cid or "",
            warnings=list(result.warnings),
            error=None,
            error_code="",
            lease_owner="",
            lease_until=None,
        )
        if updated:
            emit_post_event("post.published", target=target)
    if not updated:
        logger.warning(
            "lease on %s lost after publishing; the next holder reconciles", target.pk
        )
        return "lost"
    return "published"


def _record_failure(
    target: PostTarget,
    claim: Claim,
    number: int,
    adapter: PlatformAdapter,
    exc: LetmepostError,
    *,
    final: bool = False,
    field: str | None = None,
) -> str:
    snapshot = error_snapshot(
        exc, platform=target.platform, version=adapter.platform_version, field=field
    )
    retry = exc.retryable and not final and number < settings.PUBLISH_MAX_ATTEMPTS
    outcome = Outcome.RETRY if retry else _final_outcome(exc)
    waits = _waits(exc)
    if retry:
        due = timezone.now() + backoff(number, waits.get("retry_after"))
        change = {"status": Status.QUEUED, "due_at": due}
    else:
        change = {
            "status": Status.REJECTED if exc.code in REJECTING_CODES else Status.FAILED
        }
    with transaction.atomic():
        _finish_attempt(target, number, outcome, exc, **waits)
        updated = _held(target, claim).update(
            **change,
            lease_owner="",
            lease_until=None,
            error=snapshot,
            error_code=exc.code,
        )
        if updated and not retry:
            emit_post_event(
                "post.rejected"
                if change["status"] == Status.REJECTED
                else "post.failed",
                target=target,
            )
    return outcome if updated else "lost"


def _record_unknown(
    target: PostTarget,
    claim: Claim,
    number: int,
    adapter: PlatformAdapter,
    exc: LetmepostError,
    *,
    field: str | None = None,
) -> str:
    """Sent, no answer. Ask the platform on the next attempt, if it can be asked at all."""
    asks = (
        "reconcile_reply" if field else "reconcile"
    )  # a thread item, or the first post
    if getattr(type(adapter), asks) is getattr(PlatformAdapter, asks):
        return _record_failure(
            target, claim, number, adapter, exc, final=True, field=field
        )
    snapshot = error_snapshot(
        exc, platform=target.platform, version=adapter.platform_version, field=field
    )
    with transaction.atomic():
        _finish_attempt(target, number, Outcome.UNKNOWN, exc)
        _held(target, claim).update(
            status=Status.QUEUED,
            due_at=timezone.now() + backoff(1),
            lease_owner="",
            lease_until=None,
            error=snapshot,
            error_code=exc.code,
        )
    return "unknown"


def _final_outcome(exc: LetmepostError) -> str:
    return Outcome.REJECTED if exc.code in REJECTING_CODES else Outcome.FAILED


def publish_now(claims: list[Claim]) -> None:
    """Publish leased targets concurrently (spec D8: fan-out 7), each in its own DB connection."""
    if not claims:
        return
    from concurrent.futures import ThreadPoolExecutor

    from django.db import close_old_connections, connections

    def run(claim: Claim) -> str:
        try:
            return publish_claimed(claim)
        finally:
            connections.close_all()

    # Inside a transaction (a test's), other connections could not see the rows: publish inline.
    if len(claims) == 1 or connection.in_atomic_block:
        for claim in claims:
            publish_claimed(claim)
        return
    with ThreadPoolExecutor(
        max_workers=min(settings.PUBLISH_FANOUT, len(claims))
    ) as pool:
        list(pool.map(run, claims))
    close_old_connections()

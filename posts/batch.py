"""Publish a batch of claims with the per-target database work done ahead of time or once per batch.

A burst (hundreds of targets due at one instant) cannot be on time if each target pays a dozen
statements and ~10 ms of CPU after its instant. So, for a batch of claims (`publish_batch`):

- before the instant, once: the targets with their accounts in one query, then each draft, adapter
  (token decryption) and deep preflight;
- at each due instant: the claims due then are taken in one transaction — the compare-and-set of
  `dispatch._take` over many rows, under a fresh lease token so that exactly the rows this UPDATE
  took are read back — and their attempt rows are opened with one INSERT;
- the platform calls run on the caller's I/O pool;
- the answers are recorded together as they arrive, in one transaction: one UPDATE of the
  attempts, a locking read of the targets still leased, their new values in one `executemany`
  round trip, and one read of the listening endpoints per workspace. If that fails, each answer is
  recorded on its own, so no target loses another's.

Only the plain case takes this path: a first attempt of a target with no thread or first comment,
whose account is usable and whose draft passes preflight. Anything else (a retry, an earlier attempt to reconcile, an account to
reconnect, a token the refresh refused, a preflight error, a claim not taken at its instant) goes
through `publish_claimed`, and platform errors through `record_error`, so exactly-once rests on the
same code as a single publish.
"""

from __future__ import annotations

import logging
import queue
import secrets
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from letmepost.errors import LetmepostError
from letmepost.logging import log_context
from platforms.base import Draft, PlatformAdapter, PublishResult
from platforms.models import PlatformAccount
from platforms.tokens import ensure_fresh_token
from posts.dispatch import (
    Outcome,
    Status,
    _record_published,
    adapter_for,
    draft_for,
    publish_claimed,
    record_error,
    with_warnings,
)
from posts.leases import Claim, lease_until
from posts.models import PostTarget, PublishAttempt
from posts.preflight import deep_violations, errors_only
from webhooks.events import emit_post_events

logger = logging.getLogger("letmepost.dispatch")
FIRST = 1  # the attempt number of the plain path: a target never attempted before
# The instant of a claim that was already due when claimed.
EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass
class Job:
    """One plain target, prepared before its instant."""

    claim: Claim
    target: PostTarget
    draft: Draft
    adapter: PlatformAdapter
    violations: list[Any]
    answer: PublishResult | Exception | None = field(default=None)


def publish_batch(claims: list[Claim], io: Executor | None = None) -> dict[Any, str]:
    """Publish leased targets, each at most once. Returns each target's outcome, as
    `publish_claimed` would (`"published"`, `"lost"`, …).

    `io` runs the platform calls (and the odd claims' `publish_claimed`), each in its own
    connection; this thread prepares, waits for each due instant, takes, and records. Without
    `io`, or inside a transaction (a test's, eager Celery's: other connections could not see the
    rows), everything runs in this thread.
    """
    submit = _inline if io is None or connection.in_atomic_block else _pooled(io)
    jobs, odd = _prepare(claims)
    singles = [submit(_publish_one, claim) for claim in odd]
    groups = [list(g) for _, g in groupby(jobs, key=_instant)]
    answers: queue.SimpleQueue[Job] = queue.SimpleQueue()
    outcomes: dict[Any, str] = {}
    calling = 0
    while groups or calling:
        wait = _seconds_until(groups[0][0].claim.at) if groups else None
        if wait is not None and wait <= 0:
            taken, untaken = _take_or_hand_over(groups.pop(0))
            singles += [submit(_publish_one, job.claim) for job in untaken]
            for job in taken:
                submit(_call, job, answers.put)
            calling += len(taken)
            continue
        try:
            arrived = [answers.get(timeout=wait)]
        except queue.Empty:
            continue  # the next instant came first
        # Whatever else arrived meanwhile is recorded with it.
        while not answers.empty():
            arrived.append(answers.get())
        calling -= len(arrived)
        outcomes.update(_record(arrived))
    outcomes.update(future.result() for future in singles)
    return outcomes


def _instant(job: Job) -> datetime:
    return job.claim.at or EARLIEST


def _seconds_until(at: datetime | None) -> float:
    return 0.0 if at is None else (at - timezone.now()).total_seconds()


def _publish_one(claim: Claim) -> tuple[Any, str]:
    return claim.target_id, publish_claimed(claim)


Submit = Callable[..., "Future[Any]"]


def _inline(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    done: Future[Any] = Future()
    done.set_result(fn(*args))
    return done


def _pooled(io: Executor) -> Submit:
    def submit(fn: Callable[..., Any], *args: Any) -> Future[Any]:
        return io.submit(_closing, fn, *args)

    return submit


def _closing(fn: Callable[..., Any], *args: Any) -> Any:
    try:
        return fn(*args)
    finally:
        _give_back()


def _give_back() -> None:
    """After a job on an I/O thread: a pooled connection goes back to the pool; without a pool
    the thread keeps its own (reconnecting per call costs more than the call), unless it broke.
    The pools' threads are few in that case (their count bounds the connections)."""
    if getattr(connection, "pool", None) or connection.errors_occurred:
        connection.close()


def _prepare(claims: list[Claim]) -> tuple[list[Job], list[Claim]]:
    """Split the claims into plain jobs, sorted by instant, and the odd ones. Reads only (and may
    renew a token that is about to expire, which the publish would do anyway)."""
    found = PostTarget.objects.select_related("account__workspace").in_bulk(
        [c.target_id for c in claims]
    )
    targets = {str(pk): target for pk, target in found.items()}  # ids may come as text
    jobs, odd = [], []
    for claim in claims:
        target = targets.get(str(claim.target_id))
        job = _plain(claim, target) if target is not None else None
        if job is None:
            odd.append(claim)
        else:
            jobs.append(job)
    jobs.sort(key=_instant)
    return jobs, odd


def _plain(claim: Claim, target: PostTarget) -> Job | None:
    # A thread (or first comment) publishes item by item: publish_claimed's path.
    if (
        target.attempt_count != 0
        or target.lease_owner != claim.token
        or target.reply_count
    ):
        return None
    account = target.account
    try:
        if target.livemode:
            if account.status == PlatformAccount.Status.NEEDS_REAUTH:
                return None
            ensure_fresh_token(account)
        draft = draft_for(target, attempt=FIRST)
        violations = deep_violations(account, draft)
        if errors_only(violations):
            return None
        adapter = adapter_for(target)
    except LetmepostError:
        return None  # publish_claimed records it, as it would have
    return Job(claim, target, draft, adapter, violations)


def _take_or_hand_over(group: list[Job]) -> tuple[list[Job], list[Job]]:
    """The group's jobs taken, and those left to `publish_claimed` (all of them if taking failed:
    each single publish then takes, or lets go of, its own target)."""
    try:
        return _take(group)
    except Exception:
        logger.exception("taking %d claims at once failed; publishing each", len(group))
        return [], group


def _take(group: list[Job]) -> tuple[list[Job], list[Job]]:
    """Take a group due now (queued → publishing, attempt 1 opened) in one transaction.

    Same conditions as `dispatch._take`, plus "never attempted": a row that a redelivered copy of
    this batch already took is not taken twice. The rows taken move to a fresh lease token, so the
    read-back finds exactly them. Claims not taken go to `publish_claimed`, which lets go of a
    canceled or rescheduled target and handles anything else as a single publish would.
    """
    now = timezone.now()
    token = secrets.token_hex(12)
    ours = _leased(group)
    with transaction.atomic():
        PostTarget.objects.filter(
            ours,
            Q(status=Status.PUBLISHING) | Q(status=Status.QUEUED, due_at__lte=now),
            attempt_count=0,
        ).update(
            status=Status.PUBLISHING,
            lease_owner=token,
            lease_until=lease_until(now),
            attempt_count=FIRST,
        )
        taken = set(
            PostTarget.objects.filter(
                pk__in=[j.target.pk for j in group], lease_owner=token
            ).values_list("pk", flat=True)
        )
        PublishAttempt.objects.bulk_create(
            PublishAttempt(target_id=pk, number=FIRST, worker=token, started_at=now)
            for pk in taken
        )
    for job in group:
        if job.target.pk in taken:
            job.claim = Claim(job.claim.target_id, token)
            job.target.status, job.target.attempt_count = Status.PUBLISHING, FIRST
    return (
        [j for j in group if j.target.pk in taken],
        [j for j in group if j.target.pk not in taken],
    )


def _call(job: Job, done: Callable[[Job], None]) -> None:
    """The platform call, on the I/O pool."""
    try:
        with log_context(target_id=str(job.target.pk)):
            job.answer = with_warnings(job.adapter.publish(job.draft), job.violations)
    except Exception as exc:  # recorded by the batch thread, as publish_claimed would
        job.answer = exc
    done(job)


def _record(jobs: list[Job]) -> dict[Any, str]:
    """Record the answers: the publishes together, the errors one by one. A target whose outcome
    cannot be written keeps its lease; when it runs out the next holder reconciles."""
    outcomes: dict[Any, str] = {}
    published = [j for j in jobs if isinstance(j.answer, PublishResult)]
    if published:
        try:
            outcomes.update(_record_published_many(published))
        except Exception:
            logger.exception(
                "recording %d publishes at once failed; recording each", len(published)
            )
            for job in published:
                outcomes.update(_record_one(job, _record_published_one))
    for job in jobs:
        if isinstance(job.answer, Exception):
            outcomes.update(_record_one(job, _record_error_one))
    return outcomes


def _record_one(job: Job, record: Callable[[Job], str]) -> dict[Any, str]:
    with _context(job):
        try:
            return {job.claim.target_id: _logged(record(job))}
        except Exception:
            logger.exception("recording the outcome of %s failed", job.target.pk)
            return {}


def _record_published_one(job: Job) -> str:
    assert isinstance(job.answer, PublishResult)
    return _record_published(
        job.target, job.claim, FIRST, job.answer, Outcome.PUBLISHED
    )


def _record_error_one(job: Job) -> str:
    assert isinstance(job.answer, Exception)
    return record_error(job.target, job.claim, FIRST, job.adapter, job.answer)


def _context(job: Job) -> Any:
    return log_context(
        target_id=str(job.target.pk),
        workspace=str(job.target.workspace_id),
        platform=job.target.platform,
        attempt=FIRST,
    )


def _logged(outcome: str) -> str:
    if outcome != "lost":
        logger.info("publish attempt finished: %s", outcome)
    return outcome


# How each answer fills its target's row (`_record_published`'s fields).
ANSWER_FIELDS: dict[str, Callable[[PublishResult], Any]] = {
    "platform_uri": lambda r: r.uri or "",
    "platform_cid": lambda r: r.cid or "",
    "first_comment_uri": lambda r: r.first_comment_uri or "",
    "first_comment_cid": lambda r: r.first_comment_cid or "",
    "warnings": lambda r: list(r.warnings),
}


# What recording a publish writes on its target (as `dispatch._record_published`).
PUBLISHED_FIELDS = (
    *ANSWER_FIELDS,
    "status",
    "published_at",
    "error",
    "error_code",
    "lease_owner",
    "lease_until",
)


def _update_rows(targets: list[PostTarget], names: tuple[str, ...]) -> None:
    """Write each target's `names` in one round trip: an UPDATE by primary key per row, sent
    with executemany. Django's bulk_update builds a CASE per column and row instead, which
    costs more CPU than the statements it saves. Precondition: the rows are locked (or this is
    SQLite's single writer), so each UPDATE changes its row."""
    if not targets:
        return
    fields = [f for f in PostTarget._meta.concrete_fields if f.name in names]
    pk = PostTarget._meta.pk
    assert pk is not None and len(fields) == len(names)
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - our own names
        quote(PostTarget._meta.db_table),
        # Concrete fields always have a column (the stubs type it optional).
        ", ".join(f"{quote(cast(str, f.column))} = %s" for f in fields),
        quote(cast(str, pk.column)),
    )
    rows = [
        [f.get_db_prep_save(getattr(t, f.attname), connection) for f in fields]
        + [pk.get_db_prep_value(t.pk, connection)]
        for t in targets
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _leased(jobs: list[Job]) -> Q:
    """The jobs' rows while their claims' leases hold (one condition per lease token)."""
    by_token: dict[str, list[Any]] = defaultdict(list)
    for job in jobs:
        by_token[job.claim.token].append(job.target.pk)
    held = Q(pk__in=[])
    for token, pks in by_token.items():
        held |= Q(pk__in=pks, lease_owner=token)
    return held


def _record_published_many(jobs: list[Job]) -> dict[Any, str]:
    """`_record_published` for many targets: one transaction, a handful of statements."""
    now = timezone.now()
    with transaction.atomic():
        PublishAttempt.objects.filter(
            target_id__in=[j.target.pk for j in jobs], number=FIRST
        ).update(outcome=Outcome.PUBLISHED, finished_at=now)
        # Lock what is still ours (PostgreSQL; SQLite has one writer), so exactly these change.
        kept = set(
            PostTarget.objects.filter(_leased(jobs), status=Status.PUBLISHING)
            .select_for_update()
            .values_list("pk", flat=True)
        )
        published = [j for j in jobs if j.target.pk in kept]
        for job in published:
            target = job.target
            for name, get in ANSWER_FIELDS.items():
                setattr(target, name, get(job.answer))  # type: ignore[arg-type]
            target.status, target.published_at = Status.PUBLISHED, now
            target.error, target.error_code = None, ""
            target.lease_owner, target.lease_until = "", None
        _update_rows([j.target for j in published], PUBLISHED_FIELDS)
        events: defaultdict[Any, list[tuple[str, PostTarget, dict[str, Any]]]] = (
            defaultdict(list)
        )
        for job in published:
            events[job.target.workspace_id].append(("post.published", job.target, {}))
        for batch in events.values():
            emit_post_events(batch)
    outcomes = {}
    for job in jobs:
        with _context(job):
            if job.target.pk in kept:
                outcomes[job.claim.target_id] = _logged("published")
            else:
                logger.warning(
                    "lease on %s lost after publishing; the next holder reconciles",
                    job.target.pk,
                )
                outcomes[job.claim.target_id] = "lost"
    return outcomes

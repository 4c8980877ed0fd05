"""The engine: claims, leases, retries, reconciliation, and races with cancel and reschedule."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from letmepost.errors import ValidationFailed
from platforms.models import SandboxPost
from posts import services
from posts.dispatch import backoff, claim_due, publish_claimed
from posts.models import PostTarget, PublishAttempt
from tests.conftest import Persona, queue_sandbox

Status = PostTarget.Status


def schedule(
    persona: Persona, *, at: datetime | None = None, count: int = 1, **options: Any
) -> list[PostTarget]:
    return queue_sandbox(persona, "engine", count, at=at, **options)


def make_due(*targets: PostTarget) -> None:
    PostTarget.objects.filter(pk__in=[t.pk for t in targets]).update(
        due_at=timezone.now() - timedelta(seconds=1)
    )


def drain(limit: int = 20) -> list[str]:
    """Claim and publish until nothing is due (retries with zero backoff come due at once)."""
    outcomes = []
    for _ in range(limit):
        claims = claim_due()
        if not claims:
            return outcomes
        outcomes += [publish_claimed(c) for c in claims]
    raise AssertionError("still claiming after the limit")


@pytest.fixture
def instant_retries(settings) -> None:
    settings.PUBLISH_RETRY_BASE_SECONDS = 0


def test_only_due_targets_are_claimed(owner: Persona) -> None:
    (later,) = schedule(owner)
    (due,) = schedule(owner)
    make_due(due)
    claims = claim_due()
    assert [c.target_id for c in claims] == [due.pk]
    assert PostTarget.objects.get(pk=due.pk).status == Status.PUBLISHING
    assert PostTarget.objects.get(pk=later.pk).status == Status.QUEUED
    assert claim_due() == []  # leased rows are not claimed twice


def test_a_claimed_target_publishes_once_and_records_the_attempt(
    owner: Persona,
) -> None:
    (target,) = schedule(owner)
    make_due(target)
    (claim,) = claim_due()
    assert publish_claimed(claim) == "published"
    assert publish_claimed(claim) == "lost"  # a redelivered task does nothing
    target.refresh_from_db()
    assert (target.status, target.platform_uri) == (
        Status.PUBLISHED,
        f"sandbox://sandbox/{target.pk}",
    )
    (attempt,) = target.attempts.all()
    assert (attempt.number, attempt.outcome) == (1, "published") and attempt.finished_at
    assert SandboxPost.objects.filter(token=str(target.pk)).count() == 1


def test_an_expired_lease_is_reclaimed_and_reconciled_not_republished(
    owner: Persona,
) -> None:
    (target,) = schedule(owner)
    make_due(target)
    (dead_claim,) = claim_due()
    # The first worker wrote its attempt and reached the platform, then died before recording.
    PublishAttempt.objects.create(
        target=target, number=1, worker=dead_claim.token, started_at=timezone.now()
    )
    PostTarget.objects.filter(pk=target.pk).update(
        attempt_count=1, lease_until=timezone.now() - timedelta(seconds=1)
    )
    SandboxPost.objects.create(
        account=target.account, token=str(target.pk), text="engine"
    )
    (second,) = claim_due()
    assert second.token != dead_claim.token
    assert publish_claimed(second) == "published"
    assert publish_claimed(dead_claim) == "lost"
    assert [a.outcome for a in target.attempts.all()] == ["unknown", "reconciled"]
    assert SandboxPost.objects.count() == 1


def test_a_reclaimed_target_that_never_reached_the_platform_is_published(
    owner: Persona,
) -> None:
    (target,) = schedule(owner)
    make_due(target)
    (dead,) = claim_due()
    PublishAttempt.objects.create(
        target=target, number=1, worker=dead.token, started_at=timezone.now()
    )
    PostTarget.objects.filter(pk=target.pk).update(
        attempt_count=1, lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert drain() == ["published"]
    assert [a.outcome for a in target.attempts.all()] == ["unknown", "published"]
    assert SandboxPost.objects.count() == 1


def test_an_unknown_outcome_is_reconciled_on_the_next_attempt(
    owner: Persona, instant_retries
) -> None:
    (target,) = schedule(owner, sandbox_outcome="outcome_unknown")
    make_due(target)
    assert drain() == ["unknown", "published"]
    target.refresh_from_db()
    assert target.status == Status.PUBLISHED
    assert [a.outcome for a in target.attempts.all()] == ["unknown", "reconciled"]
    assert SandboxPost.objects.count() == 1


def test_transient_errors_are_retried_on_schedule_and_each_attempt_recorded(
    owner: Persona, instant_retries
) -> None:
    (target,) = schedule(
        owner, sandbox_outcome="platform_unavailable", sandbox_fail_attempts=2
    )
    make_due(target)
    assert drain() == ["retry", "retry", "published"]
    target.refresh_from_db()
    assert target.status == Status.PUBLISHED and target.error is None
    attempts = list(target.attempts.values_list("number", "outcome", "error_code"))
    assert attempts == [
        (1, "retry", "platform_unavailable"),
        (2, "retry", "platform_unavailable"),
        (3, "published", ""),
    ]


def test_retries_stop_after_the_configured_attempts(
    owner: Persona, instant_retries, settings
) -> None:
    settings.PUBLISH_MAX_ATTEMPTS = 3
    (target,) = schedule(owner, sandbox_outcome="platform_unavailable")
    make_due(target)
    assert drain() == ["retry", "retry", "failed"]
    target.refresh_from_db()
    assert (target.status, target.error["code"]) == (
        Status.FAILED,
        "platform_unavailable",
    )


def test_permanent_errors_are_not_retried(owner: Persona, instant_retries) -> None:
    (target,) = schedule(owner, sandbox_outcome="platform_rejected")
    make_due(target)
    assert drain() == ["rejected"]
    target.refresh_from_db()
    assert target.status == Status.REJECTED and target.attempts.count() == 1
    assert target.error["platformVersion"] == "sandbox-v1"


def test_retry_after_is_honoured(owner: Persona) -> None:
    (target,) = schedule(
        owner, sandbox_outcome="platform_rejected", sandbox_retry_after=600
    )
    make_due(target)
    assert drain() == ["retry"]
    target.refresh_from_db()
    assert target.status == Status.QUEUED
    assert target.due_at >= timezone.now() + timedelta(seconds=590)


def test_backoff_grows_with_jitter_and_caps(settings) -> None:
    settings.PUBLISH_RETRY_BASE_SECONDS, settings.PUBLISH_RETRY_MAX_SECONDS = 30, 1800
    for attempt, ceiling in ((1, 30), (2, 60), (3, 120), (10, 1800)):
        delays = {backoff(attempt).total_seconds() for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1
    assert backoff(1, retry_after=300).total_seconds() == 300


def test_cancel_beats_a_later_claim(owner: Persona) -> None:
    (target,) = schedule(owner)
    services.cancel_target(target=target)
    make_due(target)
    assert claim_due() == []
    assert PostTarget.objects.get(pk=target.pk).status == Status.CANCELED


def test_a_claim_beats_a_later_cancel_and_reschedule(owner: Persona) -> None:
    (target,) = schedule(owner)
    make_due(target)
    (claim,) = claim_due()
    with pytest.raises(ValidationFailed) as cancel:
        services.cancel_target(target=PostTarget.objects.get(pk=target.pk))
    assert cancel.value.fields["rule"] == "post.status"
    with pytest.raises(ValidationFailed):
        services.reschedule_target(
            target=PostTarget.objects.get(pk=target.pk),
            scheduled_at=timezone.now() + timedelta(hours=2),
        )
    assert publish_claimed(claim) == "published"


def test_cancel_between_load_and_update_loses_cleanly(owner: Persona) -> None:
    """The service loaded a queued row, then a worker claimed it: the CAS refuses the cancel."""
    (target,) = schedule(owner)
    stale = PostTarget.objects.get(pk=target.pk)
    make_due(target)
    (claim,) = claim_due()
    with pytest.raises(ValidationFailed) as cancel:
        services.cancel_target(target=stale)
    assert cancel.value.status == 409
    assert publish_claimed(claim) == "published"


@pytest.mark.django_db(transaction=True)
def test_racing_cancels_and_claims_never_both_win(owner: Persona) -> None:
    targets = schedule(owner, count=20)
    make_due(*targets)
    results: dict[str, Any] = {"canceled": set(), "claimed": set()}

    def cancel_all() -> None:
        try:
            for t in targets:
                try:
                    services.cancel_target(target=PostTarget.objects.get(pk=t.pk))
                    results["canceled"].add(t.pk)
                except Exception:  # noqa: S110 - losing the race is the point
                    pass
        finally:
            connections.close_all()

    def claim_all() -> None:
        try:
            for _ in range(40):
                for c in claim_due(limit=2):
                    results["claimed"].add(c.target_id)
                    publish_claimed(c)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cancel_all), threading.Thread(target=claim_all)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results["canceled"].isdisjoint(results["claimed"])
    assert results["canceled"] | results["claimed"] == {t.pk for t in targets}
    published = set(
        PostTarget.objects.filter(status=Status.PUBLISHED).values_list("pk", flat=True)
    )
    assert published == results["claimed"]
    assert SandboxPost.objects.count() == len(published)


@pytest.mark.django_db(transaction=True)
def test_a_slow_worker_that_lost_its_lease_cannot_double_publish(
    owner: Persona, settings
) -> None:
    settings.PUBLISH_LEASE_SECONDS = 1
    (target,) = schedule(
        owner, sandbox_delay_ms=2500
    )  # the platform applies it, then answers slowly
    make_due(target)
    (slow,) = claim_due()
    outcome: dict[str, str] = {}

    def run() -> None:
        try:
            outcome["slow"] = publish_claimed(slow)
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not SandboxPost.objects.exists():
        time.sleep(0.05)
    time.sleep(1.2)  # the lease runs out while the slow worker waits for its answer
    (fast,) = claim_due()
    PostTarget.objects.filter(pk=target.pk).update(
        sandbox={}
    )  # the second attempt answers at once
    assert publish_claimed(fast) == "published"
    worker.join(10)
    assert (
        outcome["slow"] == "lost"
    )  # its answer came after the lease passed to another worker
    assert SandboxPost.objects.count() == 1
    target.refresh_from_db()
    assert target.status == Status.PUBLISHED and target.lease_owner == ""
    # Attempt 1 did publish (its late answer says so); attempt 2 found that post instead of posting.
    assert [a.outcome for a in target.attempts.all()] == ["published", "reconciled"]


def test_scheduled_targets_become_due_at_their_time(owner: Persona) -> None:
    at = datetime.now(UTC) + timedelta(seconds=2)
    (target,) = schedule(owner, at=at)
    assert claim_due(now=at - timedelta(milliseconds=1), ahead=0) == []
    assert [c.target_id for c in claim_due(now=at, ahead=0)] == [target.pk]


def test_targets_falling_due_soon_are_claimed_ahead_and_stay_queued(
    owner: Persona, settings
) -> None:
    settings.DISPATCH_AHEAD_SECONDS = 2
    at = datetime.now(UTC) + timedelta(minutes=5)
    (target,) = schedule(owner, at=at)
    assert claim_due(now=at - timedelta(seconds=2, milliseconds=1)) == []
    (claim,) = claim_due(now=at - timedelta(seconds=2))
    assert (claim.target_id, claim.at) == (target.pk, at)
    target.refresh_from_db()
    # Still queued (cancelable) until the worker takes it at its instant, under a lease that
    # covers the wait and a whole publish.
    assert (target.status, target.lease_owner) == (Status.QUEUED, claim.token)
    assert target.lease_until == at + timedelta(seconds=settings.PUBLISH_LEASE_SECONDS)
    assert claim_due(now=at) == []  # leased: nobody else takes it meanwhile


def test_an_account_that_needs_reconnecting_fails_fast_without_calling_the_platform(
    owner: Persona,
) -> None:
    (target,) = schedule(owner)
    target.account.status = "needs_reauth"
    target.account.save(update_fields=["status"])
    make_due(target)
    assert drain() == ["rejected"]
    target.refresh_from_db()
    assert (target.error["code"], target.error["rule"]) == (
        "platform_auth_failed",
        "account.needs_reauth",
    )
    assert not SandboxPost.objects.exists()

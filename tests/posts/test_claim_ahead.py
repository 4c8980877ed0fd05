"""Claimed ahead of its due instant: a worker waits for it, and nothing weakens exactly-once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from platforms.models import SandboxPost
from posts import services
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget, PublishAttempt
from posts.tasks import dispatch_due_task
from tests.conftest import Persona
from tests.posts.test_dispatch import schedule

Status = PostTarget.Status
SOON = timedelta(
    milliseconds=300
)  # inside the claim-ahead window: the worker waits this long


def due_soon(owner: Persona) -> PostTarget:
    """A target due SOON from now (scheduling requires a second's lead: moved afterwards)."""
    (target,) = schedule(owner)
    at = timezone.now() + SOON
    PostTarget.objects.filter(pk=target.pk).update(scheduled_at=at, due_at=at)
    return PostTarget.objects.get(pk=target.pk)


@pytest.fixture(autouse=True)
def ahead(settings) -> None:
    settings.DISPATCH_AHEAD_SECONDS = 5


def test_a_claimed_ahead_target_is_published_at_its_instant(owner: Persona) -> None:
    target = due_soon(owner)
    (claim,) = claim_due()
    assert claim.at == target.due_at
    assert publish_claimed(claim) == "published"
    target.refresh_from_db()
    assert target.status == Status.PUBLISHED
    assert target.published_at >= target.scheduled_at  # waited for its time
    assert SandboxPost.objects.filter(token=str(target.pk)).count() == 1


def test_a_claimed_ahead_target_canceled_before_its_instant_is_not_published(
    owner: Persona,
) -> None:
    target = due_soon(owner)
    (claim,) = claim_due()
    # Claimed ahead, still queued: the cancel succeeds.
    services.cancel_target(target=PostTarget.objects.get(pk=target.pk))
    assert publish_claimed(claim) == "lost"
    target.refresh_from_db()
    assert (target.status, target.lease_owner) == (Status.CANCELED, "")
    assert not SandboxPost.objects.exists()
    assert not PublishAttempt.objects.exists()


def test_a_claimed_ahead_target_rescheduled_later_is_let_go_and_claimed_at_its_new_time(
    owner: Persona,
) -> None:
    target = due_soon(owner)
    (claim,) = claim_due()
    later = timezone.now() + timedelta(hours=2)
    services.reschedule_target(
        target=PostTarget.objects.get(pk=target.pk), scheduled_at=later
    )
    assert publish_claimed(claim) == "lost"
    target.refresh_from_db()
    # Let go at once, not when the lease would have run out.
    assert (target.status, target.lease_owner, target.lease_until) == (
        Status.QUEUED,
        "",
        None,
    )
    assert not SandboxPost.objects.exists()
    (again,) = claim_due(now=later)
    assert again.token != claim.token
    assert publish_claimed(again) == "published"
    assert SandboxPost.objects.count() == 1


def test_an_expired_claim_ahead_lease_is_reclaimed_once_and_published_once(
    owner: Persona, settings
) -> None:
    target = due_soon(owner)
    (dead,) = claim_due()  # this worker dies before the instant: nobody takes the row
    lease_end = PostTarget.objects.get(pk=target.pk).lease_until
    assert claim_due(now=lease_end) == []  # not before the lease runs out
    after = lease_end + timedelta(seconds=1)
    (second,) = claim_due(now=after)
    assert claim_due(now=after) == []  # re-claimed exactly once
    assert second.token != dead.token
    assert publish_claimed(second) == "published"
    # The dead worker's claim, redelivered late, finds another holder and steps aside.
    assert publish_claimed(dead) == "lost"
    target.refresh_from_db()
    assert target.status == Status.PUBLISHED and target.lease_owner == ""
    assert [a.outcome for a in target.attempts.all()] == ["published"]
    assert SandboxPost.objects.count() == 1


def test_beats_safety_net_tick_publishes_due_targets_without_a_dispatcher(
    owner: Persona, settings
) -> None:
    """`posts.dispatch_due` (scheduled by beat) claims and hands over, here to eager Celery."""
    assert settings.CELERY_BEAT_SCHEDULE["dispatch-due"]["task"] == "posts.dispatch_due"
    settings.DISPATCH_BATCH = (
        2  # several full batches: the task keeps ticking until done
    )
    targets = schedule(owner, count=5)
    PostTarget.objects.update(due_at=timezone.now() - timedelta(seconds=1))
    assert dispatch_due_task() == 5
    assert set(PostTarget.objects.values_list("status", flat=True)) == {
        Status.PUBLISHED
    }
    assert SandboxPost.objects.count() == len(targets)
    assert dispatch_due_task() == 0

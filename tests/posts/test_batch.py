"""Batched publishing (posts/batch.py): the same outcomes as one publish at a time, fewer statements.

Every claim of a batch is published at most once and its outcome recorded even when its neighbours
fail; canceled, rescheduled, retried and already-taken targets behave as with `publish_claimed`.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from platforms.models import SandboxPost
from posts import services
from posts.batch import publish_batch
from posts.dispatch import claim_due
from posts.models import PostTarget, PublishAttempt
from posts.tasks import publish_batch_task
from tests.conftest import Persona
from tests.posts.test_dispatch import make_due, schedule
from webhooks.models import WebhookDelivery, WebhookEvent
from webhooks.services import create_endpoint

Status = PostTarget.Status
SOON = timedelta(milliseconds=300)


@pytest.fixture(autouse=True)
def ahead(settings) -> None:
    settings.DISPATCH_AHEAD_SECONDS = 5


def due_soon(targets: list[PostTarget]) -> None:
    at = timezone.now() + SOON
    PostTarget.objects.filter(pk__in=[t.pk for t in targets]).update(
        scheduled_at=at, due_at=at
    )


def published_once(targets: list[PostTarget]) -> None:
    for target in targets:
        target.refresh_from_db()
        assert target.status == Status.PUBLISHED and target.lease_owner == ""
        assert target.platform_uri == f"sandbox://sandbox/{target.pk}"
        assert target.published_at >= target.scheduled_at
        assert [(a.number, a.outcome) for a in target.attempts.all()] == [
            (1, "published")
        ]
        assert SandboxPost.objects.filter(token=str(target.pk)).count() == 1


def test_a_batch_claimed_ahead_is_published_at_its_instant_once_each(
    owner: Persona, settings
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_REQUIRE_HTTPS = False
    create_endpoint(
        workspace=owner.workspace,
        url="http://127.0.0.1:9/hook",
        events=["post.published"],
    )
    targets = schedule(owner, count=5)
    due_soon(targets)
    claims = claim_due()
    assert len(claims) == 5 and all(c.at for c in claims)
    assert set(publish_batch(claims).values()) == {"published"}
    published_once(targets)
    bodies = [e.body for e in WebhookEvent.objects.filter(type="post.published")]
    assert sorted(sum(str(t.pk) in b for b in bodies) for t in targets) == [1] * 5
    assert WebhookDelivery.objects.filter(event__type="post.published").count() == 5
    assert set(publish_batch(claims).values()) == {"lost"}  # redelivered: nothing
    assert PublishAttempt.objects.count() == 5


def test_one_failing_target_does_not_cost_the_others_their_outcome(
    owner: Persona,
) -> None:
    good = schedule(owner, count=3)
    (bad,) = schedule(owner, sandbox_outcome="platform_rejected")
    (unknown,) = schedule(owner, sandbox_outcome="outcome_unknown")
    make_due(*good, bad, unknown)
    outcomes = publish_batch(claim_due())
    assert outcomes == {
        **{t.pk: "published" for t in good},
        bad.pk: "rejected",
        unknown.pk: "unknown",
    }
    bad.refresh_from_db()
    unknown.refresh_from_db()
    assert (bad.status, bad.error_code) == (Status.REJECTED, "platform_rejected")
    assert unknown.status == Status.QUEUED  # asked about on the next attempt
    assert [a.outcome for a in unknown.attempts.all()] == ["unknown"]
    for target in good:
        target.refresh_from_db()
        assert target.status == Status.PUBLISHED


def test_canceled_and_rescheduled_claims_are_let_go_the_rest_published(
    owner: Persona,
) -> None:
    kept, canceled, moved = schedule(owner, count=3)
    due_soon([kept, canceled, moved])
    claims = claim_due()
    services.cancel_target(target=PostTarget.objects.get(pk=canceled.pk))
    later = timezone.now() + timedelta(hours=1)
    PostTarget.objects.filter(pk=moved.pk).update(scheduled_at=later, due_at=later)
    outcomes = publish_batch(claims)
    assert outcomes == {kept.pk: "published", canceled.pk: "lost", moved.pk: "lost"}
    moved.refresh_from_db()
    assert (moved.status, moved.lease_owner) == (Status.QUEUED, "")
    assert not PublishAttempt.objects.exclude(target=kept).exists()
    assert SandboxPost.objects.count() == 1


def test_a_reclaimed_target_is_reconciled_not_republished(owner: Persona) -> None:
    first, second = schedule(owner, count=2)
    make_due(first, second)
    dead = claim_due(
        limit=1
    )  # a worker took `first`, published, and died before recording
    assert publish_batch(dead) == {first.pk: "published"}
    PostTarget.objects.filter(pk=first.pk).update(
        status=Status.PUBLISHING, lease_until=timezone.now() - timedelta(seconds=1)
    )
    PublishAttempt.objects.filter(target=first).update(outcome="pending")
    outcomes = publish_batch(claim_due())
    assert outcomes == {first.pk: "published", second.pk: "published"}
    assert [a.outcome for a in first.attempts.order_by("number")] == [
        "unknown",
        "reconciled",
    ]
    assert SandboxPost.objects.filter(token=str(first.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_answer_recorded_after_the_lease_was_lost_changes_nothing(
    owner: Persona,
) -> None:
    (slow,) = schedule(owner, sandbox_delay_ms=1000)
    fast = schedule(owner, count=2)
    make_due(slow, *fast)
    with ThreadPoolExecutor(max_workers=4) as io:
        batch = io.submit(publish_batch, claim_due(), io)
        # While the slow platform call is in flight, another holder re-leases its target.
        for _ in range(200):
            if PublishAttempt.objects.filter(target=slow).exists():
                break
            time.sleep(0.01)
        PostTarget.objects.filter(pk=slow.pk).update(lease_owner="someone-else")
        outcomes = batch.result(timeout=30)
    assert outcomes == {slow.pk: "lost", **{t.pk: "published" for t in fast}}
    slow.refresh_from_db()
    assert (slow.status, slow.lease_owner) == (Status.PUBLISHING, "someone-else")


@pytest.mark.django_db(transaction=True)
def test_on_a_thread_pool_each_call_has_its_own_connection(owner: Persona) -> None:
    targets = schedule(owner, count=8)
    due_soon(targets)
    with ThreadPoolExecutor(max_workers=4) as io:
        outcomes = publish_batch(claim_due(), io)
    assert set(outcomes.values()) == {"published"} and len(outcomes) == 8
    published_once(targets)


def statements(owner: Persona, count: int) -> int:
    """Statements to publish `count` targets claimed ahead, through the worker's task (which
    gets the claims as JSON: ids as text)."""
    targets = schedule(owner, count=count)
    due_soon(targets)
    claims = claim_due()
    message = [[str(c.target_id), c.token, c.at.isoformat()] for c in claims]
    with CaptureQueriesContext(connection) as queries:
        publish_batch_task(message)  # eager Celery in tests: runs here, inline
    published_once(targets)
    return len(queries)


def test_statements_per_batch_do_not_grow_with_its_size(owner: Persona) -> None:
    """Only the sandbox platform's own write is per target (a savepoint, its INSERT, a release):
    the rest is a fixed number of statements per batch."""
    small, large = statements(owner, 2), statements(owner, 12)
    assert large - small == 3 * 10

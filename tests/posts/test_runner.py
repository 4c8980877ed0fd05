"""The embedded runner claims no more than it holds at once, and renews leases at start."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from letmepost.runner import EmbeddedRunner
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, queue_sandbox


def due_targets(persona: Persona, count: int) -> list[PostTarget]:
    targets = queue_sandbox(persona, "runner", count)
    PostTarget.objects.filter(pk__in=[t.pk for t in targets]).update(
        due_at=timezone.now() - timedelta(seconds=1)
    )
    return targets


def test_a_claim_that_waited_past_its_lease_is_not_sent_twice(
    owner: Persona, settings
) -> None:
    (target,) = due_targets(owner, 1)
    (stale,) = claim_due()
    PostTarget.objects.filter(pk=target.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    (fresh,) = (
        claim_due()
    )  # another dispatcher re-leased it while the first claim sat in a queue
    assert (
        publish_claimed(stale) == "lost"
    )  # the stale worker steps aside before any upstream call
    assert publish_claimed(fresh) == "published"
    assert PostTarget.objects.get(pk=target.pk).attempts.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_runner_claims_no_more_than_it_holds_at_once(owner: Persona) -> None:
    due_targets(owner, 10)
    runner = EmbeddedRunner(workers=1)
    runner._busy = runner.capacity - 1  # all but one claim still in flight from earlier
    assert runner.tick().posts == 1
    runner.batches.shutdown(wait=True)
    runner.pool.shutdown(wait=True)
    assert PostTarget.objects.filter(status="published").count() == 1
    assert PostTarget.objects.filter(status="queued").count() == 9

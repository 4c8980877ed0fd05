"""LETMEPOST_LOG_RETENTION_DAYS: old finished history goes, everything recent or unfinished stays."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from letmepost.maintenance import JOBS, run_job
from posts import services
from posts.dispatch import claim_due, publish_claimed
from posts.models import Post, PostTarget, PublishAttempt
from tests.conftest import Persona, queue_sandbox
from webhooks.models import WebhookDelivery, WebhookEvent
from webhooks.services import create_endpoint

Status = PostTarget.Status
pytestmark = pytest.mark.django_db


def _targets(persona: Persona, count: int) -> list[PostTarget]:
    return queue_sandbox(persona, "retention", count)


def _publish(*targets: PostTarget) -> None:
    PostTarget.objects.filter(pk__in=[t.pk for t in targets]).update(
        due_at=timezone.now() - timedelta(seconds=1)
    )
    for claim in claim_due():
        assert publish_claimed(claim) == "published"


def _age(target: PostTarget, days: int, *, attempts: bool = True) -> None:
    """Move a target's whole history `days` into the past."""
    then = timezone.now() - timedelta(days=days)
    PostTarget.objects.filter(pk=target.pk).update(created_at=then, due_at=then)
    PostTarget.objects.filter(pk=target.pk, published_at__isnull=False).update(
        published_at=then
    )
    Post.objects.filter(pk=target.post_id).update(created_at=then)
    if attempts:
        PublishAttempt.objects.filter(target=target).update(
            started_at=then, finished_at=then
        )


@pytest.fixture
def retention(settings: Any) -> Any:
    settings.LOG_RETENTION_DAYS = 90
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_REQUIRE_HTTPS = False
    return settings


def _exists(target: PostTarget) -> bool:
    return PostTarget.objects.filter(pk=target.pk).exists()


def test_the_job_is_in_the_maintenance_table() -> None:
    assert any(j.func == "letmepost.retention.purge_expired_logs" for j in JOBS)


def test_old_finished_targets_go_recent_and_unfinished_stay(
    owner: Persona, retention: Any
) -> None:
    old_published, recent_published, old_queued, old_canceled, old_retried_lately = (
        _targets(owner, 5)
    )
    _publish(old_published, recent_published)
    services.cancel_target(target=old_canceled)
    _age(old_published, 120)
    _age(old_queued, 400)  # overdue for a year: still the dispatcher's, never purged
    _age(old_canceled, 120)
    # Failed long ago, but its last attempt finished yesterday: inside the period.
    PostTarget.objects.filter(pk=old_retried_lately.pk).update(status=Status.FAILED)
    _age(old_retried_lately, 120)
    PublishAttempt.objects.create(
        target=old_retried_lately,
        number=1,
        worker="w",
        started_at=timezone.now() - timedelta(days=1),
        finished_at=timezone.now() - timedelta(days=1),
        outcome=PublishAttempt.Outcome.FAILED,
    )
    old_attempts = list(
        PublishAttempt.objects.filter(target=old_published).values_list("pk", flat=True)
    )
    assert old_attempts

    run_job("purge-expired-logs")

    assert not _exists(old_published) and not _exists(old_canceled)
    assert not PublishAttempt.objects.filter(pk__in=old_attempts).exists()
    assert (
        _exists(recent_published)
        and _exists(old_queued)
        and _exists(old_retried_lately)
    )
    assert PostTarget.objects.get(pk=old_queued.pk).status == Status.QUEUED
    # The batch still has live targets, so it stays too.
    assert Post.objects.filter(pk=old_queued.post_id).exists()


def test_a_batch_whose_targets_all_went_goes_with_them(
    owner: Persona, retention: Any
) -> None:
    (target,) = _targets(owner, 1)
    _publish(target)
    _age(target, 91)
    run_job("purge-expired-logs")
    assert not Post.objects.filter(pk=target.post_id).exists()


def test_zero_keeps_everything(owner: Persona, retention: Any) -> None:
    retention.LOG_RETENTION_DAYS = 0
    (target,) = _targets(owner, 1)
    _publish(target)
    _age(target, 5000)
    assert run_job("purge-expired-logs") == {}
    assert _exists(target)


def test_old_finished_webhook_deliveries_go_pending_ones_stay(
    owner: Persona, retention: Any
) -> None:
    retention.WEBHOOKS_RETENTION_DAYS = (
        10_000  # the webhooks app's own purge stays out of it
    )
    create_endpoint(workspace=owner.workspace, url="http://127.0.0.1:9/hook", events=[])
    targets = _targets(owner, 3)
    _publish(*targets)  # each publish emits post.published: one delivery per target
    deliveries = list(WebhookDelivery.objects.order_by("created_at"))
    assert len(deliveries) >= 3
    old_done, old_pending, recent_failed = deliveries[:3]
    then = timezone.now() - timedelta(days=100)
    WebhookDelivery.objects.filter(pk=old_done.pk).update(
        status=WebhookDelivery.Status.SUCCEEDED, created_at=then, completed_at=then
    )
    WebhookDelivery.objects.filter(pk=old_pending.pk).update(
        status=WebhookDelivery.Status.PENDING, created_at=then
    )
    WebhookDelivery.objects.filter(pk=recent_failed.pk).update(
        status=WebhookDelivery.Status.FAILED, completed_at=timezone.now()
    )
    WebhookEvent.objects.filter(
        pk__in=[old_done.event_id, old_pending.event_id]
    ).update(created_at=then)

    run_job("purge-expired-logs")

    remaining = set(WebhookDelivery.objects.values_list("pk", flat=True))
    assert old_done.pk not in remaining
    assert {old_pending.pk, recent_failed.pk} <= remaining
    assert not WebhookEvent.objects.filter(pk=old_done.event_id).exists()
    assert WebhookEvent.objects.filter(pk=old_pending.event_id).exists()

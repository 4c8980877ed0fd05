"""Celery entry points for production mode: thin, ids in, safe to redeliver."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from posts.dispatch import Claim, publish_claimed
from posts.tick import Ticked, tick
from webhooks.delivery import DeliveryClaim
from webhooks.tasks import deliver_webhook_task

SAFETY_NET_MAX_TICKS = 50  # one beat tick hands over at most this many batches


@shared_task(name="posts.publish_target", acks_late=True)
def publish_target_task(target_id: str, token: str, at: str | None = None) -> str:
    """Redelivery is harmless: publish_claimed only acts while the lease `token` is held.

    `at` (ISO 8601) is a claimed-ahead target's due instant: the worker waits for it.
    """
    due = datetime.fromisoformat(at) if at else None
    return publish_claimed(Claim(target_id, token, due))


def send_to_worker(claim: Claim) -> None:
    at = claim.at.isoformat() if claim.at else None
    publish_target_task.delay(str(claim.target_id), claim.token, at)


def send_delivery(claim: DeliveryClaim) -> None:
    deliver_webhook_task.delay(str(claim.delivery_id), claim.token)


def celery_tick() -> Ticked:
    """Production's tick (`run_dispatcher` and beat): claims go to Celery workers."""
    return tick(publish=send_to_worker, deliver=send_delivery)


@shared_task(name="posts.dispatch_due", ignore_result=True)
def dispatch_due_task() -> int:
    """Beat's safety net: hand over everything due now, whether or not a dispatcher runs."""
    handed = 0
    for _ in range(SAFETY_NET_MAX_TICKS):
        ticked = celery_tick()
        handed += ticked.posts + ticked.deliveries
        if not ticked.more:
            break
    return handed

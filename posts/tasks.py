"""Celery entry points for production mode: thin, ids in, safe to redeliver."""

from __future__ import annotations

from celery import shared_task

from posts.dispatch import Claim, claim_due, publish_claimed


@shared_task(name="posts.publish_target", acks_late=True)
def publish_target_task(target_id: str, token: str) -> str:
    """Redelivery is harmless: publish_claimed only acts while the lease `token` is held."""
    return publish_claimed(Claim(target_id, token))


@shared_task(name="posts.dispatch_due")
def dispatch_due_task() -> int:
    """A beat-driven tick, for installs that prefer beat to `manage.py run_dispatcher`."""
    claims = claim_due()
    for claim in claims:
        publish_target_task.delay(str(claim.target_id), claim.token)
    return len(claims)

"""Celery entry points for production mode: thin, ids in, safe to redeliver."""

from __future__ import annotations

from celery import shared_task

from webhooks.delivery import DeliveryClaim, claim_due_deliveries, deliver_claimed


@shared_task(name="webhooks.deliver", acks_late=True)
def deliver_webhook_task(delivery_id: str, token: str) -> str:
    """Redelivery is harmless: deliver_claimed acts only while the lease `token` is held."""
    return deliver_claimed(DeliveryClaim(delivery_id, token))


def dispatch_due_deliveries() -> int:
    """Claim due deliveries and hand each to a worker (run_dispatcher and beat call this)."""
    claims = claim_due_deliveries()
    for claim in claims:
        deliver_webhook_task.delay(str(claim.delivery_id), claim.token)
    return len(claims)


@shared_task(name="webhooks.dispatch_due")
def dispatch_webhooks_task() -> int:
    """A beat-driven tick, for installs that prefer beat to `manage.py run_dispatcher`."""
    return dispatch_due_deliveries()

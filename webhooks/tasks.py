"""Celery entry points for production mode: thin, ids in, safe to redeliver.

Due deliveries are claimed by the one dispatch tick (posts/tick.py), with due posts.
"""

from __future__ import annotations

from celery import shared_task

from webhooks.delivery import DeliveryClaim, deliver_claimed


@shared_task(name="webhooks.deliver", acks_late=True)
def deliver_webhook_task(delivery_id: str, token: str) -> str:
    """Redelivery is harmless: deliver_claimed acts only while the lease `token` is held."""
    return deliver_claimed(DeliveryClaim(delivery_id, token))

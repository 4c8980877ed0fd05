"""Log retention: purge finished publishing and webhook history older than
LETMEPOST_LOG_RETENTION_DAYS (0 keeps everything). A maintenance job, safe to run anywhere.

Only finished rows go. A queued or publishing target, a pending or delivering webhook, and any
row touched inside the period stay, however old the request that created them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from posts.models import Post, PostTarget
from webhooks.models import WebhookDelivery, WebhookEvent

CHUNK = 5_000  # rows per delete, so one run never holds a long lock


def _delete_in_chunks(queryset: QuerySet[Any]) -> int:
    model = queryset.model
    total = 0
    while pks := list(queryset.values_list("pk", flat=True)[:CHUNK]):
        total += model.objects.filter(pk__in=pks).delete()[1].get(model._meta.label, 0)
        if len(pks) < CHUNK:
            break
    return total


def purge_expired_logs(*, now: datetime | None = None) -> dict[str, int]:
    """Delete finished targets (with their attempts), emptied batches and finished deliveries."""
    days = settings.LOG_RETENTION_DAYS
    if days <= 0:
        return {}
    cutoff = (now or timezone.now()) - timedelta(days=days)
    targets = (
        PostTarget.objects.filter(
            status__in=PostTarget.TERMINAL, created_at__lt=cutoff, due_at__lt=cutoff
        )
        .filter(Q(published_at__isnull=True) | Q(published_at__lt=cutoff))
        .exclude(attempts__finished_at__gte=cutoff)
    )
    deleted = {"targets": _delete_in_chunks(targets)}
    deleted["posts"] = _delete_in_chunks(
        Post.objects.filter(created_at__lt=cutoff, targets__isnull=True)
    )
    deliveries = WebhookDelivery.objects.filter(created_at__lt=cutoff).exclude(
        Q(status__in=WebhookDelivery.UNFINISHED) | Q(completed_at__gte=cutoff)
    )
    deleted["webhook_deliveries"] = _delete_in_chunks(deliveries)
    deleted["webhook_events"] = _delete_in_chunks(
        WebhookEvent.objects.filter(created_at__lt=cutoff, deliveries__isnull=True)
    )
    return deleted

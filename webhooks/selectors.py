"""Reads of webhook endpoints, events and the delivery log, scoped to a workspace."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

from django.db.models import Q, QuerySet

from accounts.models import Workspace
from letmepost.errors import NotFound
from letmepost.ids import parse_uuid
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


def list_endpoints(workspace: Workspace) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(workspace=workspace).order_by(
        "created_at", "id"
    )


def get_endpoint_for_workspace(
    workspace: Workspace, endpoint_id: str
) -> WebhookEndpoint:
    """The endpoint, or not_found whether it is missing or belongs to another workspace."""
    pk = parse_uuid(endpoint_id)
    endpoint = (
        WebhookEndpoint.objects.filter(workspace=workspace, pk=pk).first()
        if pk
        else None
    )
    if endpoint is None:
        raise NotFound("No such webhook endpoint.", resource="webhook endpoint")
    return endpoint


def get_event_for_workspace(workspace: Workspace, event_id: str) -> WebhookEvent:
    pk = parse_uuid(event_id)
    event = (
        WebhookEvent.objects.filter(workspace=workspace, id=pk).first() if pk else None
    )
    if event is None:
        raise NotFound(
            "No such webhook event.",
            resource="webhook event",
            rule="webhook_event.unknown",
        )
    return event


def list_deliveries(
    endpoint: WebhookEndpoint, *, status: str | None = None
) -> QuerySet[WebhookDelivery]:
    """Newest first, with the event and every attempt."""
    qs = (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related("attempts")
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def encode_cursor(delivery: WebhookDelivery) -> str:
    raw = f"{delivery.created_at.isoformat()}|{delivery.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def after_cursor(
    qs: QuerySet[WebhookDelivery], cursor: str | None
) -> QuerySet[WebhookDelivery]:
    """Rows strictly older than the cursor; an undecodable cursor is ignored (first page)."""
    if not cursor:
        return qs
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        iso, pk = raw.split("|", 1)
        created = datetime.fromisoformat(iso).astimezone(UTC)
    except (ValueError, UnicodeDecodeError, binascii.Error, IndexError, OverflowError):
        return qs
    if parse_uuid(pk) is None:
        return qs
    return qs.filter(Q(created_at__lt=created) | Q(created_at=created, id__lt=pk))

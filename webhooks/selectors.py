"""Reads of webhook endpoints, events and the delivery log, scoped to a workspace."""

from __future__ import annotations

from django.db.models import QuerySet

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

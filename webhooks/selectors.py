"""Reads of webhook endpoints, events and the delivery log, scoped to a workspace and a mode.

An endpoint belongs to the mode of the key that made it, and an event to the mode of the post
behind it (D23): a caller never reaches the other mode's endpoints or events.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Workspace
from letmepost.ids import get_by_id
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


def list_endpoints(
    workspace: Workspace, *, livemode: bool
) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(
        workspace=workspace, livemode=livemode
    ).order_by("created_at", "id")


def get_endpoint_for_workspace(
    workspace: Workspace, endpoint_id: str, *, livemode: bool
) -> WebhookEndpoint:
    """The endpoint, or not_found whether it is missing, of the other mode or elsewhere."""
    return get_by_id(
        list_endpoints(workspace, livemode=livemode), endpoint_id, "webhook endpoint"
    )


def get_event_for_workspace(
    workspace: Workspace, event_id: str, *, livemode: bool
) -> WebhookEvent:
    return get_by_id(
        WebhookEvent.objects.filter(workspace=workspace, livemode=livemode),
        event_id,
        "webhook event",
        rule="webhook_event.unknown",
    )


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

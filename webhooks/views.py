"""Dashboard pages for webhook endpoints: list, create, pause/resume, rotate, delete, test, log.

Thin views over webhooks.services and webhooks.selectors, with the API's permissions: anyone in
the workspace reads, sends tests and replays; only owners and admins create, change or delete.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from letmepost.api import pagination
from letmepost.api.auth import require_admin
from letmepost.dashboard import (
    DashboardRequest,
    add_service_error,
    dashboard_view,
    safe_next,
)
from letmepost.errors import LetmepostError
from webhooks import selectors, services
from webhooks.forms import EndpointForm, TestSendForm, sample_payload
from webhooks.models import WebhookEndpoint

LOG_PAGE = 25


@require_http_methods(["GET", "POST"])
@dashboard_view
def endpoints_page(request: DashboardRequest) -> HttpResponse:
    form = EndpointForm(request.POST if request.method == "POST" else None)
    created: tuple[WebhookEndpoint, str] | None = None
    if request.method == "POST":
        require_admin(request.principal, "create webhook endpoints")
        if form.is_valid():
            try:
                created = services.create_endpoint(
                    workspace=request.workspace,
                    url=form.validated["url"],
                    events=form.validated["events"],
                    description=form.validated["description"],
                    active=True,
                    livemode=request.principal.livemode,
                )
            except LetmepostError as exc:
                add_service_error(form, exc, "url")
            else:
                form = EndpointForm()  # the secret shows once, below
    return render(
        request,
        "webhooks/endpoints.html",
        {
            "endpoints": selectors.list_endpoints(
                request.workspace, livemode=request.principal.livemode
            ),
            "form": form,
            "created": created[0] if created else None,
            "secret": created[1] if created else None,
            "can_administer": request.principal.can_administer,
        },
        status=400 if form.errors else 200,
    )


def _endpoint(
    request: DashboardRequest, endpoint_id: str, *, admin_to: str | None = None
) -> WebhookEndpoint:
    """The endpoint in the caller's workspace and mode (else not found); with `admin_to`, what
    the caller is about to do, which only owners and admins may."""
    endpoint = selectors.get_endpoint_for_workspace(
        request.workspace, endpoint_id, livemode=request.principal.livemode
    )
    if admin_to:
        require_admin(request.principal, admin_to)
    return endpoint


def _endpoint_context(
    request: DashboardRequest, endpoint: WebhookEndpoint, **extra: Any
) -> dict[str, Any]:
    cursor = request.GET.get("cursor")
    page, next_cursor = pagination.page_after(
        selectors.list_deliveries(endpoint), cursor, LOG_PAGE
    )
    next_url = None
    if next_cursor:
        next_url = (
            reverse("webhooks:endpoint", args=[endpoint.pk]) + "?cursor=" + next_cursor
        )
    context: dict[str, Any] = {
        "endpoint": endpoint,
        "deliveries": page,
        "next_url": next_url,
        "paged": bool(cursor),
        "can_administer": request.principal.can_administer,
        "test_form": TestSendForm(
            initial={
                "type": "post.published",
                "payload": sample_payload("post.published"),
            }
        ),
        "test": None,
        "secret": None,
    }
    context.update(extra)
    return context


@require_GET
@dashboard_view
def endpoint_page(request: DashboardRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    return render(
        request, "webhooks/endpoint.html", _endpoint_context(request, endpoint)
    )


@require_POST
@dashboard_view
def endpoint_active(request: DashboardRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id, admin_to="change webhook endpoints")
    active = request.POST.get("active") == "true"
    services.update_endpoint(endpoint=endpoint, active=active)
    messages.success(
        request,
        f"Resumed deliveries to {endpoint.url}."
        if active
        else f"Paused deliveries to {endpoint.url}.",
    )
    return redirect(
        safe_next(request, reverse("webhooks:endpoint", args=[endpoint.pk]))
    )


@require_POST
@dashboard_view
def endpoint_rotate(request: DashboardRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id, admin_to="rotate webhook secrets")
    secret = services.rotate_secret(endpoint=endpoint)
    return render(
        request,
        "webhooks/endpoint.html",
        _endpoint_context(request, endpoint, secret=secret),
    )


@require_POST
@dashboard_view
def endpoint_delete(request: DashboardRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id, admin_to="delete webhook endpoints")
    url = endpoint.url
    services.delete_endpoint(endpoint=endpoint)
    messages.success(request, f"Deleted the endpoint {url} and its delivery log.")
    return redirect("webhooks:endpoints")


@require_POST
@dashboard_view
def endpoint_test(request: DashboardRequest, endpoint_id: str) -> HttpResponse:
    """Send one signed event now and show the receiver's answer (the API allows members too)."""
    endpoint = _endpoint(request, endpoint_id)
    form = TestSendForm(request.POST)
    test = None
    if form.is_valid():
        payload = form.cleaned_data["payload"]
        test = services.send_test(
            endpoint=endpoint,
            type=form.cleaned_data["type"],
            livemode=request.principal.livemode,
            data=services.MISSING if payload is None else payload,
        )
    context = _endpoint_context(request, endpoint, test_form=form, test=test)
    status = 400 if form.errors else 200
    if request.htmx:
        return render(request, "webhooks/endpoint.html#test", context, status=status)
    return render(request, "webhooks/endpoint.html", context, status=status)


@require_POST
@dashboard_view
def event_replay(
    request: DashboardRequest, endpoint_id: str, event_id: str
) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    event = selectors.get_event_for_workspace(
        request.workspace, event_id, livemode=request.principal.livemode
    )
    try:
        services.replay_event(endpoint=endpoint, event=event)
    except LetmepostError as exc:
        remediation = exc.fields.get("remediation")
        messages.error(request, f"{exc.message} {remediation or ''}".strip())
    else:
        messages.success(
            request, f"Queued a replay of {event.type} {event.id}; it goes out shortly."
        )
    return redirect("webhooks:endpoint", endpoint.pk)

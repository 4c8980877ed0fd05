"""What every dashboard page shares: the signed-in workspace, the nav, the viewer's time zone.

Dashboard views live in their apps (accounts/views.py, platforms/views.py, posts/views.py) and
call the same services and selectors as the API. They are wrapped in `@dashboard_view`, which
signs the person in, resolves the session's workspace (`SESSION_WORKSPACE_KEY`, the one the API
uses for session callers) and turns "not yours" into 404 and "not allowed" into 403.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from datetime import timezone as dt_timezone
from typing import Any, ClassVar, cast
from urllib.parse import unquote

from django import forms
from django.contrib.auth.decorators import login_required
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails
from rest_framework import serializers

from accounts.models import Membership, User, Workspace
from accounts.selectors import get_membership
from letmepost.api.auth import SESSION_WORKSPACE_KEY, Principal
from letmepost.api.errors import is_api_path
from letmepost.errors import LetmepostError, NotFound, Unauthorized

TZ_COOKIE = "lmp_tz"  # the browser's IANA zone, set by static/app.js on every page


class DashboardRequest(HttpRequest):
    """What `@dashboard_view` and the middleware add (for type checkers and readers)."""

    htmx: HtmxDetails
    user: User
    membership: Membership
    workspace: Workspace
    principal: Principal


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


# --- forms ----------------------------------------------------------------------------------


class Form(forms.Form):
    """Dashboard forms: no colon after labels; `serializer_class` re-checks with the API's shape.

    Running the API's own input serializer keeps the dashboard's limits (lengths, patterns,
    choices) identical to the API's; its errors land on the matching form field.
    """

    serializer_class: ClassVar[type[serializers.Serializer[Any]] | None] = None
    validated: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def serializer_data(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in cleaned.items() if v not in (None, "")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.serializer_class is None or self.errors:
            return cleaned
        serializer = self.serializer_class(data=self.serializer_data(cleaned))
        if serializer.is_valid():
            self.validated = dict(serializer.validated_data)
        else:
            for name, message in _flatten(serializer.errors):
                self.add_error(name if name in self.fields else None, message)
        return cleaned


def _flatten(errors: Any, name: str | None = None) -> Iterator[tuple[str | None, str]]:
    if isinstance(errors, dict):
        for key, value in errors.items():
            inner = None if key == "non_field_errors" else (name or key)
            yield from _flatten(value, inner)
    elif isinstance(errors, list):
        for value in errors:
            yield from _flatten(value, name)
    else:
        yield name, str(errors)


def add_service_error(
    form: forms.Form, exc: LetmepostError, field: str | None = None
) -> None:
    """Show a service's refusal inline: its message, then what to do about it."""
    remediation = exc.fields.get("remediation")
    text = f"{exc.message} {remediation}" if remediation else exc.message
    form.add_error(field if field in form.fields else None, text)


# --- time zones ------------------------------------------------------------------------------


def parse_zone(name: str | None) -> tzinfo | None:
    """An IANA zone name (`Europe/Berlin`) or a UTC offset in minutes east (`+60`), else None."""
    name = (name or "").strip()
    if not name:
        return None
    if name.lstrip("+-").isdigit():
        minutes = int(name)
        if abs(minutes) > 14 * 60:
            return None
        return dt_timezone(timedelta(minutes=minutes))
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def viewer_zone(request: HttpRequest) -> tzinfo:
    return parse_zone(unquote(request.COOKIES.get(TZ_COOKIE, ""))) or UTC


def zone_label(zone: tzinfo) -> str:
    return getattr(zone, "key", None) or str(zone)


def to_utc(day: date, clock: time, zone: tzinfo) -> datetime:
    """A wall-clock time in the viewer's zone, as an aware UTC datetime."""
    return datetime.combine(day, clock).replace(tzinfo=zone).astimezone(UTC)


class ViewerTimezoneMiddleware:
    """Render dashboard pages in the viewer's zone; API responses stay in UTC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_path(request.path):
            return self.get_response(request)
        timezone.activate(viewer_zone(request))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


# --- the signed-in workspace -----------------------------------------------------------------


def current_membership(request: HttpRequest) -> Membership | None:
    user = getattr(request, "user", None)  # DRF views (the docs) may carry None
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(request, "_dashboard_membership", None)
    if cached is None:
        cached = get_membership(user, request.session.get(SESSION_WORKSPACE_KEY))
        request._dashboard_membership = cached  # type: ignore[attr-defined]
    return cached


def dashboard_view(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Sign-in required; attach membership, workspace and a session `Principal` to the request."""

    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = current_membership(request)
        if membership is None:
            return render(request, "accounts/no_workspace.html", status=200)
        dashboard = cast(DashboardRequest, request)  # this is where it becomes one
        dashboard.membership = membership
        dashboard.workspace = membership.workspace
        dashboard.principal = Principal(
            workspace=membership.workspace, user=dashboard.user, role=membership.role
        )
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            return render(request, "404.html", status=404)
        except Unauthorized as exc:
            return render(request, "403.html", {"message": exc.message}, status=403)

    return wrapped


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` field if it points back into this site, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- the nav ---------------------------------------------------------------------------------


def nav(request: HttpRequest) -> dict[str, Any]:
    """Template context for the layout: the workspace switcher and the viewer's zone."""
    if is_api_path(request.path):
        return {}
    zone = viewer_zone(request)
    context: dict[str, Any] = {"viewer_zone": zone_label(zone)}
    membership = current_membership(request)
    if membership is None:
        return context
    context["current_membership"] = membership
    context["memberships"] = (
        Membership.objects.filter(user_id=membership.user_id)
        .select_related("workspace")
        .order_by("workspace__name", "created_at")
    )
    return context

"""Dashboard pages for planning: the calendar (month, week with hours), moving a post in it by
drag and drop or with its Move… form, and a profile's queue settings.

Moving calls `services.reschedule_target`, as `PATCH /v1/posts/{id}` does; the queue is saved by
`queues.set_queue`, as `PUT /v1/profiles/{id}/queue` does, so the same rules refuse the same input.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from accounts.selectors import get_profile_for_workspace, list_profiles
from letmepost.dashboard import DashboardRequest, dashboard_view, viewer_zone
from letmepost.errors import LetmepostError
from platforms.selectors import live_accounts
from posts import calendar, queues, selectors, services
from posts.calendar_forms import (
    WEEKDAY_CHOICES,
    CalendarFilterForm,
    filled,
    queue_rows,
    time_zones,
)
from posts.forms import RescheduleForm
from posts.models import PostTarget

CALENDAR = "posts/calendar.html"


def _calendar_context(request: DashboardRequest) -> dict[str, Any]:
    """The calendar the query asks for: `view`, `date` and the filters."""
    zone = viewer_zone(request)
    today = timezone.now().astimezone(zone).date()
    try:
        anchor = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = today
    form = CalendarFilterForm(
        request.GET,
        profiles=list(list_profiles(request.workspace)),
        accounts=list(live_accounts(request.workspace)),
    )
    log_filter = form.log_filter()
    cal = calendar.build_calendar(
        request.workspace,
        livemode=request.principal.livemode,
        view=request.GET.get("view", calendar.MONTH),
        anchor=anchor,
        zone=zone,
        today=today,
        filters=log_filter,
    )
    filters = form.query()
    return {
        "cal": cal,
        "form": form,
        "filters": filters,
        "profile": log_filter.profile,
        "here": f"view={cal.view}&date={cal.anchor:%Y-%m-%d}"
        + (f"&{filters}" if filters else ""),
        "queued": PostTarget.Status.QUEUED,
        "now": timezone.now(),
    }


@require_GET
@dashboard_view
def calendar_page(request: DashboardRequest) -> HttpResponse:
    return render(request, CALENDAR, _calendar_context(request))


@require_POST
@dashboard_view
def move(request: DashboardRequest, post_id: str) -> HttpResponse:
    """Reschedule from the calendar. htmx gets the calendar again (the post in its new place)
    or, refused, the reason next to the entry; a plain form post is sent back to the calendar."""
    target = selectors.get_target_for_workspace(
        request.workspace, post_id, livemode=request.principal.livemode
    )
    form = RescheduleForm(request.POST, zone=viewer_zone(request))
    error, status, notice = "", 400, ""
    if not form.is_valid() or form.when is None:  # a valid form always has a time
        error = " ".join(str(e) for errs in form.errors.values() for e in errs)
    else:
        try:
            target = services.reschedule_target(target=target, scheduled_at=form.when)
        except LetmepostError as exc:
            error = f"{exc.message} {exc.fields.get('remediation', '')}".strip()
            status = exc.status
        else:
            notice = f"Rescheduled to {calendar.describe(form.when, form.zone)}."
    if not request.htmx:
        if error:
            messages.error(request, f"Not rescheduled: {error}")
        else:
            messages.success(request, notice)
        return redirect(f"{reverse('posts:calendar')}?{request.GET.urlencode()}")
    if error:
        context = {"t": target, "error": error}
        response = render(request, f"{CALENDAR}#move-error", context, status=status)
        return reswap(retarget(response, f"#move-error-{target.pk}"), "outerHTML")
    context = _calendar_context(request) | {"notice": notice, "moved": target.pk}
    return render(request, f"{CALENDAR}#calendar", context)


@require_http_methods(["GET", "POST"])
@dashboard_view
def queue_settings(request: DashboardRequest, profile_id: str) -> HttpResponse:
    """Edit a profile's weekly slots. Adding and removing rows re-renders without saving."""
    profile = get_profile_for_workspace(request.workspace, profile_id)
    queue = queues.get_queue(profile)
    zone, rows, error = queue.zone.key, queue.as_dict()["slots"], None
    if request.method == "POST":
        zone, rows = request.POST.get("timezone", ""), queue_rows(request.POST)
        if request.POST.get("action") == "add":
            rows.append({"weekday": "", "time": ""})
        elif (remove := request.POST.get("remove", "")).isdigit():
            del rows[int(remove) : int(remove) + 1]
        else:
            try:
                saved = queues.set_queue(profile, zone, filled(rows))
            except LetmepostError as exc:
                error = exc
            else:
                n = len(saved.slots)
                messages.success(
                    request,
                    f"Queue saved: {n} slot{'' if n == 1 else 's'} a week in {saved.zone.key}.",
                )
                return redirect("posts:queue-settings", profile.pk)
    return render(
        request,
        "posts/queue_settings.html",
        {
            "profile": profile,
            "zone": zone,
            "rows": rows,
            "error": error,
            "weekdays": WEEKDAY_CHOICES,
            "zones": time_zones(),
            "upcoming": calendar.list_slots(
                request.workspace,
                timezone.now(),
                timezone.now() + queues.WINDOW,
                livemode=request.principal.livemode,
                profile_id=str(profile.pk),
            ),
        },
        status=400 if error else 200,
    )

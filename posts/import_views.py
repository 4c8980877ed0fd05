"""Dashboard CSV import: upload or paste a file, read its dry run, then schedule every row.

The page posts to itself: `intent=check` runs the dry run (nothing stored) and shows each row's
problems next to an editable copy of the file; `intent=schedule` checks again and stores every
kept row, all or nothing (posts.csv_import).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from letmepost.dashboard import (
    DashboardRequest,
    add_service_error,
    dashboard_view,
    viewer_zone,
    zone_label,
)
from letmepost.errors import LetmepostError
from posts import csv_import
from posts.forms import ImportForm
from posts.views import dashboard_caller

TEMPLATE = "posts/import.html"


@require_http_methods(["GET", "POST"])
@dashboard_view
def import_page(request: DashboardRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "columns": csv_import.COLUMNS,
        "max_rows": csv_import.MAX_ROWS,
        "max_bytes": csv_import.MAX_BYTES,
        "zone": zone_label(viewer_zone(request)),
    }
    if request.method == "GET":
        return render(request, TEMPLATE, {**context, "form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)
    data = form.content() if form.is_valid() else None
    if data is None:
        if form.is_valid():
            form.add_error("file", "Choose a CSV file, or paste its text below.")
        return render(request, TEMPLATE, {**context, "form": form}, status=400)
    caller, zone, skip = dashboard_caller(request), viewer_zone(request), form.skipped()
    try:
        if request.POST.get("intent") == "schedule":
            checked, scheduled = csv_import.schedule(
                caller=caller,
                principal=request.principal,
                data=data,
                zone=zone,
                skip=skip,
            )
        else:
            checked = csv_import.dry_run(caller=caller, data=data, zone=zone, skip=skip)
            scheduled = None
    except LetmepostError as exc:
        add_service_error(form, exc, "file")
        return render(request, TEMPLATE, {**context, "form": form}, status=400)
    # The page keeps the file as editable text, so a row can be fixed and checked again.
    form = ImportForm(initial={"csv_text": checked.text})
    context.update(form=form, checked=checked, scheduled=scheduled)
    if scheduled is not None:
        context["posts"] = csv_import.first_targets([b for _, b, _ in scheduled.posts])
    elif request.POST.get("intent") == "schedule":
        context["refused"] = True  # a kept row fails now: nothing was stored
    return render(request, TEMPLATE, context)

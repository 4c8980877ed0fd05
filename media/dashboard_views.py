"""The media library page: the workspace's media (paged by keyset cursor), upload, delete.

Thin views over media.services and media.selectors, with the API's permissions (any member of
the workspace may upload and delete, as with `POST`/`DELETE /v1/media`). The page's script
uploads through `POST /v1/media` itself, for a progress bar; the form below works without it.
The cursor is the one `GET /v1/media` hands out.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts.services import get_default_profile
from letmepost.dashboard import DashboardRequest, add_service_error, dashboard_view
from letmepost.errors import LetmepostError
from media import selectors, services
from media.forms import UploadForm

LIBRARY_PAGE = 100


@require_http_methods(["GET", "POST"])
@dashboard_view
def library(request: DashboardRequest) -> HttpResponse:
    profiles = list(account_selectors.list_profiles(request.workspace))
    default = get_default_profile(workspace=request.workspace)
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        profiles=profiles,
        default=default,
    )
    if request.method == "POST" and form.is_valid():
        profile = form.profile() or default
        try:
            media = services.ingest_upload(
                request.workspace,
                profile,
                form.cleaned_data["file"],
                livemode=request.principal.livemode,
            )
        except LetmepostError as exc:
            add_service_error(form, exc, "file")
        else:
            messages.success(
                request, f"Uploaded {media.display_name} ({media.content_type})."
            )
            return redirect("media:library")
    cursor = request.GET.get("cursor")
    rows = selectors.list_media(
        request.workspace, livemode=request.principal.livemode
    ).select_related("profile")
    page = list(selectors.after_cursor(rows, cursor)[: LIBRARY_PAGE + 1])
    more = len(page) > LIBRARY_PAGE
    page = page[:LIBRARY_PAGE]
    next_url = None
    if more:
        next_url = (
            f"{reverse('media:library')}?cursor={selectors.encode_cursor(page[-1])}"
        )
    uploaded = request.GET.get("uploaded", "")
    context = {
        "items": [(media, services.public_url(media)) for media in page],
        "form": form,
        "next_url": next_url,
        "after": bool(cursor),
        "uploaded": uploaded,
        "uploaded_item": next((media for media in page if media.pk == uploaded), None),
    }
    if request.htmx and cursor:
        return render(request, "media/library.html#cards", context)
    return render(
        request, "media/library.html", context, status=400 if form.errors else 200
    )


@require_POST
@dashboard_view
def delete(request: DashboardRequest, media_id: str) -> HttpResponse:
    media = selectors.get_media_for_workspace(
        request.workspace, media_id, livemode=request.principal.livemode
    )
    services.delete_media(media)
    messages.success(
        request, f"Deleted {media.display_name}; its public URL no longer works."
    )
    return redirect("media:library")

"""`/docs/platforms/<slug>`: a platform's setup guide (docs/platforms/<slug>.md), which the
dashboard's Connect page links to, served as written."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from platforms.registry import DECLARED


@require_GET
def platform_guide(request: HttpRequest, slug: str) -> HttpResponse:
    info = DECLARED.get(slug)
    if (
        info is None or info.docs_page is None
    ):  # only declared names: no path from the URL
        raise Http404(slug)
    text = (settings.BASE_DIR / info.docs_page).read_text(encoding="utf-8")
    return render(request, "docs/platform.html", {"name": info.name, "text": text})

"""Docs pages that `docUrl` and `ruleUrl` point at, rendered from the catalogs the code uses (D18)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from letmepost.api.errors import rule_slug
from letmepost.errors import CATALOG
from letmepost.rules import RULES


@require_GET
def docs_index(request: HttpRequest) -> HttpResponse:
    return render(
        request, "docs/index.html", {"codes": CATALOG.values(), "rules": RULES.values()}
    )


@require_GET
def error_page(request: HttpRequest, code: str) -> HttpResponse:
    if code not in CATALOG:
        raise Http404(code)
    return render(request, "docs/error.html", {"error": CATALOG[code]})


@require_GET
def rule_page(request: HttpRequest, slug: str) -> HttpResponse:
    rule = next((r for r in RULES.values() if rule_slug(r.id) == slug), None)
    if rule is None:
        raise Http404(slug)
    return render(
        request, "docs/rule.html", {"rule": rule, "error": CATALOG[rule.code]}
    )

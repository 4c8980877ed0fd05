"""Docs pages that `docUrl` and `ruleUrl` point at, rendered from the catalogs the code uses (D18)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from djangorestframework_camel_case.settings import api_settings
from djangorestframework_camel_case.util import camelize

from letmepost import field_rules
from letmepost.api.errors import rule_slug
from letmepost.errors import CATALOG
from letmepost.rules import RULES, UNKNOWN_FIELD
from platforms.preflight import catalog
from platforms.preflight.spec import PLATFORM_NAMES, RuleSpec


@require_GET
def docs_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "docs/index.html",
        {
            "codes": CATALOG.values(),
            "rules": RULES.values(),
            "preflight_count": len(catalog.all_specs()),
        },
    )


@require_GET
def error_page(request: HttpRequest, code: str) -> HttpResponse:
    if code not in CATALOG:
        return not_found(request, f"error code {code}")
    return render(request, "docs/error.html", {"error": CATALOG[code]})


@require_GET
def preflight_index(request: HttpRequest) -> HttpResponse:
    """Every preflight rule, grouped by platform, with a search box (plain JS, no build step)."""
    groups = [
        {"platform": platform, "name": PLATFORM_NAMES[platform], "rules": specs}
        for platform in catalog.PLATFORMS
        if (specs := catalog.specs_for(platform))
    ]
    return render(
        request,
        "docs/preflight_index.html",
        {
            "groups": groups,
            "total": len(catalog.all_specs()),
            "request_rules": RULES.values(),
            "fields": field_rules.documented_fields().values(),
        },
    )


@require_GET
def rule_page(request: HttpRequest, slug: str) -> HttpResponse:
    if (spec := catalog.get_spec_by_slug(slug)) is not None:
        return render(request, "docs/preflight_rule.html", preflight_context(spec))
    rule = next((r for r in RULES.values() if rule_slug(r.id) == slug), None)
    if rule is None and slug.endswith("-unknown"):
        rule = RULES[UNKNOWN_FIELD]  # `<path>.unknown`: one page for every field path
    if rule is not None:
        return render(
            request, "docs/rule.html", {"rule": rule, "error": CATALOG[rule.code]}
        )
    if (field := field_rules.find(slug)) is not None:
        return render(
            request,
            "docs/field_rule.html",
            {"field": field, "error": CATALOG["validation_failed"]},
        )
    return not_found(request, f"rule {slug}")


def not_found(request: HttpRequest, what: str) -> HttpResponse:
    """A docs 404 that points at the indexes (the site-wide one talks about workspaces)."""
    return render(request, "docs/not_found.html", {"what": what}, status=404)


def preflight_context(spec: RuleSpec) -> dict[str, Any]:
    # Limit keys as the API shows them (camelCase), so the page and GET /v1/preflight/rules agree.
    limits = camelize(dict(spec.limits), **api_settings.JSON_UNDERSCOREIZE)
    return {
        "rule": spec,
        "platform_name": PLATFORM_NAMES[spec.platform],
        "error": CATALOG.get(spec.code) if spec.code else None,
        "limits": [(key, _shown(value)) for key, value in limits.items()],
    }


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)

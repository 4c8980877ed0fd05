"""Small filters for the dashboard templates."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django import template

from letmepost.api.errors import doc_url as _doc_url
from letmepost.api.errors import rule_url as _rule_url

register = template.Library()


@register.filter
def startswith(value: str, prefix: str | None) -> bool:
    return bool(prefix) and str(value).startswith(str(prefix))


@register.filter
def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)


@register.filter
def rule_url(rule: str | None) -> str:
    return _rule_url(rule) if rule else ""


@register.filter
def doc_url(code: str | None) -> str:
    return _doc_url(code) if code else ""


@register.filter
def utc(value: datetime | None) -> str:
    """`2026-12-01 14:00 UTC`, whatever zone the page renders in."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@register.filter
def iso(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@register.filter
def get_item(mapping: dict[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key)

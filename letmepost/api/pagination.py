"""Keyset pagination over (created_at, pk), newest first: the cursor names the last row seen."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

M = TypeVar("M", bound=Model)


def encode_cursor(row: Any) -> str:
    raw = (
        f"{row.created_at.isoformat()}|{row.pk}"  # full precision: ties break on the pk
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def after_cursor(qs: QuerySet[M], cursor: str | None) -> QuerySet[M]:
    """Rows strictly older than the cursor; an undecodable cursor is ignored (first page)."""
    if not cursor:
        return qs
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        iso, raw_pk = raw.split("|", 1)
        created = datetime.fromisoformat(iso).astimezone(UTC)
        pk = qs.model._meta.pk.to_python(raw_pk)
    except (
        ValueError,
        UnicodeDecodeError,
        binascii.Error,
        OverflowError,
        ValidationError,
    ):
        return qs
    return qs.filter(Q(created_at__lt=created) | Q(created_at=created, pk__lt=pk))


def page_after(
    qs: QuerySet[M], cursor: str | None, limit: int
) -> tuple[list[M], str | None]:
    """Up to `limit` rows older than `cursor`, and the next page's cursor (None: the last)."""
    rows = list(after_cursor(qs, cursor)[: limit + 1])
    page = rows[:limit]
    return page, encode_cursor(page[-1]) if len(rows) > limit else None


def page_parameters(maximum: int) -> list[OpenApiParameter]:
    """The query parameters of a cursor-paged list: `limit` (1 to `maximum`) and `cursor`."""
    return [
        OpenApiParameter(
            "limit", {"type": "integer", "minimum": 1, "maximum": maximum}
        ),
        OpenApiParameter("cursor", OpenApiTypes.STR),
    ]


def page_schema(name: str, items: serializers.BaseSerializer) -> serializers.Serializer:
    """One page of a list, as answered: `{"data": [...], "nextCursor": ... | null}`."""
    return inline_serializer(
        name,
        fields={"data": items, "nextCursor": serializers.CharField(allow_null=True)},
    )

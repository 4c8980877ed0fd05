"""Datetimes on the wire (spec D2): UTC with millisecond precision and `Z` out; an offset required in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django.db import models
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

UUID_PATTERN = (
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


def format_datetime(value: datetime) -> str:
    return (
        value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{value.microsecond // 1000:03d}Z"
    )


class UtcDateTimeField(serializers.DateTimeField):
    default_error_messages = {
        "invalid": "Use ISO-8601 with `Z` or an explicit offset, e.g. 2026-06-01T12:00:00Z.",
        "naive": "Give a timezone: end the time with `Z` or an offset such as +02:00.",
    }

    def to_representation(self, value: datetime) -> str:
        # DRF writes null itself and never passes None here.
        return format_datetime(value)

    def to_internal_value(self, value: object) -> datetime:
        if isinstance(value, datetime):
            parsed: datetime | None = value
        else:
            try:
                parsed = parse_datetime(str(value))
            except (ValueError, OverflowError):
                parsed = None
        if parsed is None:
            self.fail("invalid")
        if parsed.tzinfo is None:
            self.fail("naive")
        try:
            return parsed.astimezone(UTC)
        except (
            OverflowError
        ):  # e.g. 0001-01-01T00:00:00+01:00 falls before year 1 in UTC
            self.fail("invalid")


@extend_schema_field({"type": "string", "format": "uuid", "pattern": UUID_PATTERN})
class UuidField(serializers.UUIDField):
    """A UUID whose schema says exactly what is accepted, so generated clients send no ''."""

    def to_internal_value(self, data: object) -> UUID:
        if not isinstance(data, str):  # DRF would turn false/0 into UUID(int=0)
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class ModelSerializer(serializers.ModelSerializer):
    """ModelSerializer whose datetimes follow the wire format."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: UtcDateTimeField,
    }


HTTP_URL_PATTERN = r"^https?://[^\s/?#]+([/?#]\S*)?$"


@extend_schema_field(
    {"type": "string", "format": "uri", "pattern": HTTP_URL_PATTERN, "maxLength": 2048}
)
class HttpUrlField(serializers.RegexField):
    """An absolute http(s) URL, checked by exactly the pattern the schema publishes.

    Reachability and address safety are checked where the URL is used (platforms.http)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2048)
        kwargs.setdefault(
            "error_messages", {"invalid": "Enter an absolute http:// or https:// URL."}
        )
        super().__init__(HTTP_URL_PATTERN, **kwargs)

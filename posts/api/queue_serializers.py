"""Shapes of the queue endpoints. Shape only: posts.queue_slots validates days, times and zones."""

from __future__ import annotations

from drf_spectacular.utils import (
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers

from letmepost.api.fields import UtcDateTimeField
from posts.models import PostTarget
from posts.queue_slots import TIME_PATTERN, WEEKDAYS


# Documented precisely, checked by posts.queue_slots (so errors carry the `queue.slots.*` rules).
@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "enum": list(WEEKDAYS)},
            {"type": "integer", "minimum": 0, "maximum": 6},
        ],
        "description": "A day's name, or 0-6 with 0 = monday; answers always name the day.",
    }
)
class WeekdayField(serializers.Field):
    """A name or a number, passed on as sent: posts.queue_slots reads either."""

    def to_internal_value(self, data: object) -> object:
        return data

    def to_representation(self, value: object) -> object:
        return value


@extend_schema_field({"type": "string", "pattern": TIME_PATTERN})
class WallTimeField(serializers.CharField):
    pass


@extend_schema_serializer(component_name="QueueSlot")
class QueueSlotIO(serializers.Serializer):
    weekday = WeekdayField()
    time = WallTimeField(
        help_text="24-hour wall time in the queue's time zone, `HH:MM`."
    )


@extend_schema_serializer(component_name="ProfileQueue")
class ProfileQueueIO(serializers.Serializer):
    timezone = serializers.CharField(
        help_text="IANA time zone name the slots are read in, e.g. `Europe/Berlin`."
    )
    slots = QueueSlotIO(many=True)


@extend_schema_serializer(component_name="QueuedPost")
class QueuedPostOut(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=PostTarget.Status.choices)


@extend_schema_serializer(component_name="QueueEntry")
class QueueEntryOut(serializers.Serializer):
    at = UtcDateTimeField(help_text="The slot's instant.")
    weekday = WeekdayField()
    time = serializers.CharField()
    posts = QueuedPostOut(
        many=True, help_text="The posts holding the slot; empty when it is free."
    )


QueueListingOut = inline_serializer(
    "QueueListing",
    fields={
        "profile_id": serializers.UUIDField(),
        "timezone": serializers.CharField(),
        "data": QueueEntryOut(many=True),
    },
)

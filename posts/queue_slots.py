"""A weekly queue as data: validating its time zone and slots, and turning slots into instants.

Pure: no database. Weekdays are lowercase English names (`monday` … `sunday`), times 24-hour
`HH:MM` on the profile's wall clock. Daylight-saving time is read as iCalendar (RFC 5545 §3.3.5)
reads it: a wall time in the spring-forward gap takes the offset *before* the change (02:30 on
the day Europe/Berlin skips 02:00-03:00 is 03:30 CEST, 01:30 UTC), and a wall time in autumn's
repeated hour is its first occurrence (fold=0): each slot is one instant per day, never two.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from letmepost.errors import ValidationFailed

WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)  # in `date.weekday()` order
MAX_SLOTS = 168  # one an hour, every hour of the week
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_TIME = re.compile(TIME_PATTERN)


@dataclass(frozen=True, order=True)
class Slot:
    weekday: int  # 0 = monday, as date.weekday()
    at: time

    def as_dict(self) -> dict[str, str]:
        return {"weekday": WEEKDAYS[self.weekday], "time": self.at.strftime("%H:%M")}


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def parse_timezone(name: Any) -> ZoneInfo:
    if not isinstance(name, str) or name not in _zones():
        raise ValidationFailed(
            f"Unknown time zone {name!r}.",
            rule="queue.timezone.unknown",
            remediation='Send an IANA time zone name, e.g. "Europe/Berlin" or "UTC".',
        )
    return ZoneInfo(name)


def parse_slots(items: list[dict[str, Any]]) -> list[Slot]:
    """Slots from `[{weekday, time}]`, sorted; refuses unknown days, bad times and repeats."""
    if len(items) > MAX_SLOTS:
        raise ValidationFailed(
            f"{len(items)} slots; a queue has at most {MAX_SLOTS}.",
            rule="queue.slots.max",
            remediation=f"Send at most {MAX_SLOTS} slots.",
        )
    slots: list[Slot] = []
    for index, item in enumerate(items):
        day, clock = _day_name(item.get("weekday")), item.get("time")
        if day not in WEEKDAYS:
            raise ValidationFailed(
                f"slots.{index}.weekday: {day!r} is not a weekday.",
                rule="queue.slots.weekday",
                remediation=f"Use one of: {', '.join(WEEKDAYS)}, or 0-6 (0 = monday).",
            )
        if not isinstance(clock, str) or not _TIME.match(clock):
            raise ValidationFailed(
                f"slots.{index}.time: {clock!r} is not a 24-hour HH:MM time.",
                rule="queue.slots.time",
                remediation='Send the time as "HH:MM", e.g. "09:30" or "18:05".',
            )
        slot = Slot(WEEKDAYS.index(day), time.fromisoformat(clock))
        if slot in slots:
            raise ValidationFailed(
                f"slots.{index}: {day} {clock} is already in the queue.",
                rule="queue.slots.duplicate",
                remediation="Send each weekday and time once.",
            )
        slots.append(slot)
    return sorted(slots)


def _day_name(day: object) -> object:
    """`monday` … `sunday` as sent, or 0-6 (0 = monday, as `date.weekday()`) as its name."""
    if isinstance(day, int) and not isinstance(day, bool) and 0 <= day < len(WEEKDAYS):
        return WEEKDAYS[day]
    return day


def stored_slots(rows: list[dict[str, str]]) -> list[Slot]:
    """The slots of a stored queue (validated when they were written)."""
    return [
        Slot(WEEKDAYS.index(r["weekday"]), time.fromisoformat(r["time"])) for r in rows
    ]


def instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall time `at` on `day` in `zone` (fold=0: see the module's note)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def expand(
    slots: list[Slot], zone: ZoneInfo, start: datetime, end: datetime
) -> Iterator[tuple[datetime, Slot]]:
    """Each slot instant in `[start, end)`, ascending, each instant once (with its slot).

    Two slots can meet on a spring-forward day (02:30 read as 03:30 and a 03:30 slot): the
    instant is yielded once, with the earlier slot.
    """
    by_day: dict[int, list[Slot]] = {}
    for slot in slots:
        by_day.setdefault(slot.weekday, []).append(slot)
    if not by_day:
        return
    day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date() + timedelta(days=1)
    previous: datetime | None = None
    while day <= last_day:
        found = sorted(
            (instant(day, slot.at, zone), slot)
            for slot in by_day.get(day.weekday(), ())
        )
        for at, slot in found:
            if start <= at < end and at != previous:
                yield at, slot
                previous = at
        day += timedelta(days=1)

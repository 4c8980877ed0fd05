"""Weekly slots to instants: validation and daylight-saving time (posts.queue_slots)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from letmepost.errors import ValidationFailed
from posts.queue_slots import Slot, expand, parse_slots, parse_timezone

BERLIN = ZoneInfo("Europe/Berlin")
SUNDAY = 6


def _instants(slots: list[Slot], start: datetime, end: datetime) -> list[datetime]:
    return [at for at, _ in expand(slots, BERLIN, start, end)]


def test_a_slot_in_the_spring_forward_gap_takes_the_offset_before_the_change() -> None:
    # 2026-03-29: Berlin skips 02:00-03:00 CET; 02:30 is read as 02:30+01:00 = 03:30 CEST.
    slots = [Slot(SUNDAY, time(2, 30))]
    day = _instants(
        slots, datetime(2026, 3, 29, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC)
    )
    assert day == [datetime(2026, 3, 29, 1, 30, tzinfo=UTC)]
    assert day[0].astimezone(BERLIN).strftime("%H:%M %Z") == "03:30 CEST"


def test_a_gap_slot_and_the_slot_it_lands_on_are_one_instant() -> None:
    slots = [Slot(SUNDAY, time(2, 30)), Slot(SUNDAY, time(3, 30))]
    found = list(
        expand(
            slots,
            BERLIN,
            datetime(2026, 3, 29, tzinfo=UTC),
            datetime(2026, 3, 30, tzinfo=UTC),
        )
    )
    assert found == [(datetime(2026, 3, 29, 1, 30, tzinfo=UTC), slots[0])]


def test_autumns_repeated_hour_yields_the_slot_once_at_its_first_occurrence() -> None:
    # 2026-10-25: Berlin goes 03:00 CEST back to 02:00 CET; 02:30 happens twice.
    slots = [Slot(SUNDAY, time(2, 30))]
    day = _instants(
        slots,
        datetime(2026, 10, 24, 12, tzinfo=UTC),
        datetime(2026, 10, 26, tzinfo=UTC),
    )
    assert day == [datetime(2026, 10, 25, 0, 30, tzinfo=UTC)]  # 02:30 CEST


def test_slots_expand_in_order_on_their_weekdays_across_a_window() -> None:
    slots = parse_slots(
        [{"weekday": "monday", "time": "18:00"}, {"weekday": "monday", "time": "09:00"}]
    )
    found = _instants(
        slots, datetime(2026, 6, 1, 8, tzinfo=UTC), datetime(2026, 6, 15, 7, tzinfo=UTC)
    )
    # Mondays 1, 8 and 15 June (CEST, +02:00): 09:00 is 07:00 UTC; the end is exclusive.
    assert found == [
        datetime(2026, 6, 1, 16, tzinfo=UTC),
        datetime(2026, 6, 8, 7, tzinfo=UTC),
        datetime(2026, 6, 8, 16, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    ("slots", "rule"),
    [
        ([{"weekday": "mon", "time": "09:00"}], "queue.slots.weekday"),
        ([{"weekday": 7, "time": "09:00"}], "queue.slots.weekday"),
        ([{"weekday": "0", "time": "09:00"}], "queue.slots.weekday"),
        ([{"weekday": "monday", "time": "24:00"}], "queue.slots.time"),
        ([{"weekday": "monday", "time": "9:00"}], "queue.slots.time"),
        ([{"weekday": "monday", "time": "09:00:00"}], "queue.slots.time"),
        ([{"weekday": "monday", "time": "\u0660\u0669:00"}], "queue.slots.time"),
        (
            [{"weekday": "monday", "time": "09:00"}] * 2,
            "queue.slots.duplicate",
        ),
        (
            [
                {"weekday": "monday", "time": f"{h:02}:{m:02}"}
                for h in range(24)
                for m in range(8)
            ],
            "queue.slots.max",
        ),
    ],
)
def test_bad_slots_are_refused_with_their_rule(slots: list, rule: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        parse_slots(slots)
    assert raised.value.rule == rule


@pytest.mark.parametrize(
    "name", ["Mars/Olympus", "", "europe/berlin", "../etc/passwd", 5]
)
def test_an_unknown_time_zone_is_refused(name: object) -> None:
    with pytest.raises(ValidationFailed) as raised:
        parse_timezone(name)
    assert raised.value.rule == "queue.timezone.unknown"


def test_an_iana_zone_is_accepted() -> None:
    assert parse_timezone("America/New_York").key == "America/New_York"

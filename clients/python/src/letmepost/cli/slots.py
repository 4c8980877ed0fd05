"""`--slot mon@09:00`: a queue slot as the CLI takes it, parsed into the API's `{weekday, time}`."""

import re
from collections.abc import Mapping
from typing import cast, get_args

from letmepost.types import QueueSlot, Weekday

WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)  # monday … sunday, the API's order
SLOT = re.compile(r"^\s*([A-Za-z]+|[0-6])\s*@\s*(\d{1,2}):(\d{2})\s*$")


def weekday(name: str) -> Weekday:
    """`mon`, `monday` or `0` (Monday, as the API numbers days) as the API's day name."""
    if name.isdigit():
        return WEEKDAYS[int(name)]
    matches = [d for d in WEEKDAYS if len(name) >= 2 and d.startswith(name.lower())]
    if len(matches) != 1:
        raise ValueError(
            f"{name!r} is not a weekday: use mon … sun, or monday … sunday."
        )
    return matches[0]


def parse_slot(value: str) -> QueueSlot:
    """`<day>@HH:MM` (24-hour, on the queue's wall clock) as `{"weekday", "time"}`."""
    match = SLOT.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a slot: use <day>@HH:MM, e.g. mon@09:00.")
    hour, minute = int(match[2]), int(match[3])
    if hour > 23 or minute > 59:
        raise ValueError(f"{value!r} has no such time: use 00:00 … 23:59.")
    return cast(
        QueueSlot, {"weekday": weekday(match[1]), "time": f"{hour:02d}:{minute:02d}"}
    )


def slot_label(slot: Mapping[str, object]) -> str:
    """A slot (or a listed queue entry) as `--slot` takes it: `mon@09:00`."""
    return f"{str(slot['weekday'])[:3]}@{slot['time']}"

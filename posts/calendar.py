"""The calendar: scheduled targets by day, for a month or a week, in the viewer's time zone."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.db.models import QuerySet

from accounts.models import Workspace
from posts.models import PostTarget
from posts.selectors import targets_in_mode

MONTH, WEEK = "month", "week"
# Anchors are clamped to this range: a grid pads a month by up to a week on each side and shifts
# midnights by up to 14 hours, which near year 1 or 9999 leaves what `date` can represent.
FIRST_DAY, LAST_DAY = date(2, 1, 1), date(9998, 12, 31)


def list_scheduled(
    workspace: Workspace, start: datetime, end: datetime, *, livemode: bool
) -> QuerySet[PostTarget]:
    """Targets of the viewer's mode with a schedule in [start, end), earliest first, whatever
    their status."""
    return (
        targets_in_mode(workspace, livemode=livemode)
        .select_related("account")
        .filter(scheduled_at__gte=start, scheduled_at__lt=end)
        .order_by("scheduled_at", "id")
    )


@dataclass
class Day:
    day: date
    in_range: bool  # False for the padding days of a month grid
    is_today: bool
    targets: list[PostTarget] = field(default_factory=list)


@dataclass
class Calendar:
    view: str
    anchor: date
    title: str
    weeks: list[list[Day]]
    previous: date
    next: date
    total: int


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min).replace(tzinfo=zone).astimezone(UTC)


def build_calendar(
    workspace: Workspace,
    *,
    livemode: bool,
    view: str,
    anchor: date,
    zone: tzinfo,
    today: date,
) -> Calendar:
    anchor = min(max(anchor, FIRST_DAY), LAST_DAY)
    if view == WEEK:
        first = anchor - timedelta(days=anchor.weekday())
        last = first + timedelta(days=6)
        in_range_from, in_range_to = first, last
        previous, following = anchor - timedelta(days=7), anchor + timedelta(days=7)
        title = f"Week of {first:%d %b %Y}"
    else:
        month_start = anchor.replace(day=1)
        next_month = (month_start + timedelta(days=32)).replace(day=1)
        first = month_start - timedelta(days=month_start.weekday())
        last = next_month - timedelta(days=1)
        last += timedelta(days=6 - last.weekday())
        in_range_from, in_range_to = month_start, next_month - timedelta(days=1)
        previous = (month_start - timedelta(days=1)).replace(day=1)
        following = next_month
        title = f"{month_start:%B %Y}"
    by_day: dict[date, list[PostTarget]] = defaultdict(list)
    targets = list_scheduled(
        workspace,
        _midnight(first, zone),
        _midnight(last + timedelta(days=1), zone),
        livemode=livemode,
    )
    for target in targets:
        if target.scheduled_at:  # always set: list_scheduled filters on it
            by_day[target.scheduled_at.astimezone(zone).date()].append(target)
    days = [
        Day(
            day=d,
            in_range=in_range_from <= d <= in_range_to,
            is_today=d == today,
            targets=by_day.get(d, []),
        )
        for d in (first + timedelta(days=i) for i in range((last - first).days + 1))
    ]
    return Calendar(
        view=view if view == WEEK else MONTH,
        anchor=anchor,
        title=title,
        weeks=[days[i : i + 7] for i in range(0, len(days), 7)],
        previous=previous,
        next=following,
        total=len(targets),
    )

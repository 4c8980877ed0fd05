"""The calendar: posts by day (month) or by hour (week) in the viewer's time zone, with the
profiles' upcoming queue slots beside them.

A post sits at its scheduled time, or, sent right away, at the time it was created: a failed
"publish now" shows on the day it failed. Drafts without a planned time have no place here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Workspace
from letmepost.dashboard import zone_label
from posts import queues
from posts.models import PostingQueue, PostTarget
from posts.selectors import LogFilter, list_targets

MONTH, WEEK = "month", "week"
HOURS = range(24)
# Anchors are clamped to this range: a grid pads a month by up to a week on each side and shifts
# midnights by up to 14 hours, which near year 1 or 9999 leaves what `date` can represent.
FIRST_DAY, LAST_DAY = date(2, 1, 1), date(9998, 12, 31)


def list_scheduled(
    workspace: Workspace,
    start: datetime,
    end: datetime,
    *,
    livemode: bool,
    filters: LogFilter | None = None,
) -> QuerySet[PostTarget]:
    """Targets of the viewer's mode placed in [start, end) (annotated `at`), earliest first,
    whatever their status, narrowed by the log's own filters."""
    return (
        list_targets(workspace, filters or LogFilter(), livemode=livemode)
        .exclude(Q(status=PostTarget.Status.DRAFT) & Q(scheduled_at__isnull=True))
        .annotate(at=Coalesce("scheduled_at", "created_at"))
        .filter(at__gte=start, at__lt=end)
        .order_by("at", "id")
    )


@dataclass(frozen=True)
class SlotMark:
    """One upcoming queue slot: free, or held by posts (which the grid shows themselves)."""

    at: datetime
    profile_name: str
    filled: bool


def list_slots(
    workspace: Workspace,
    start: datetime,
    end: datetime,
    *,
    livemode: bool,
    profile_id: str | None = None,
) -> list[SlotMark]:
    """The queue slots of the workspace's profiles (or of one) in [max(now, start), end)."""
    rows = PostingQueue.objects.filter(profile__workspace=workspace).select_related(
        "profile"
    )
    if profile_id:
        rows = rows.filter(profile_id=profile_id)
    start = max(start, timezone.now())
    return sorted(
        (
            SlotMark(f.at, row.profile.name, bool(f.targets))
            for row in rows
            if row.slots
            for f in queues.upcoming(
                queues.Queue.of(row), livemode=livemode, start=start, end=end
            )
        ),
        key=lambda s: s.at,
    )


@dataclass
class Cell:
    """What one drop target holds: a day (month) or an hour of a day (week)."""

    day: date
    hour: int | None = None
    targets: list[PostTarget] = field(default_factory=list)
    slots: list[SlotMark] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.targets or self.slots)


@dataclass
class Day(Cell):
    in_range: bool = True  # False for the padding days of a month grid
    is_today: bool = False


@dataclass
class HourRow:
    hour: int
    cells: list[Cell]

    @property
    def label(self) -> str:
        return f"{self.hour:02d}:00"


@dataclass
class Calendar:
    view: str
    anchor: date
    title: str
    zone: str
    weeks: list[list[Day]]
    hours: list[HourRow]  # the week view's rows; empty for a month
    previous: date
    next: date
    total: int


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min).replace(tzinfo=zone).astimezone(UTC)


def _span(view: str, anchor: date) -> tuple[date, date, date, date, date, date, str]:
    """(first, last) day of the grid, the (from, to) days that belong to the view, the
    previous and next anchors, and the title."""
    if view == WEEK:
        first = anchor - timedelta(days=anchor.weekday())
        last = first + timedelta(days=6)
        return (
            first,
            last,
            first,
            last,
            anchor - timedelta(days=7),
            anchor + timedelta(days=7),
            f"Week of {first:%d %b %Y}",
        )
    month_start = anchor.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    first = month_start - timedelta(days=month_start.weekday())
    last = next_month - timedelta(days=1)
    last += timedelta(days=6 - last.weekday())
    previous = (month_start - timedelta(days=1)).replace(day=1)
    return (
        first,
        last,
        month_start,
        next_month - timedelta(days=1),
        previous,
        next_month,
        f"{month_start:%B %Y}",
    )


def build_calendar(
    workspace: Workspace,
    *,
    livemode: bool,
    view: str,
    anchor: date,
    zone: tzinfo,
    today: date,
    filters: LogFilter | None = None,
) -> Calendar:
    view = view if view == WEEK else MONTH
    anchor = min(max(anchor, FIRST_DAY), LAST_DAY)
    first, last, in_from, in_to, previous, following, title = _span(view, anchor)
    start, end = _midnight(first, zone), _midnight(last + timedelta(days=1), zone)
    targets = list(
        list_scheduled(workspace, start, end, livemode=livemode, filters=filters)
    )
    profile = filters.profile if filters else None
    slots = list_slots(
        workspace,
        start,
        end,
        livemode=livemode,
        profile_id=str(profile.pk) if profile else None,
    )
    days = [
        Day(day=d, in_range=in_from <= d <= in_to, is_today=d == today)
        for d in (first + timedelta(days=i) for i in range((last - first).days + 1))
    ]
    by_day = {d.day: d for d in days}
    hours = {
        (d.day, h): Cell(day=d.day, hour=h)
        for d in (days if view == WEEK else ())
        for h in HOURS
    }
    for target in targets:
        for cell in _cells(
            target.scheduled_at or target.created_at, by_day, hours, zone
        ):
            cell.targets.append(target)
    for slot in slots:
        for cell in _cells(slot.at, by_day, hours, zone):
            cell.slots.append(slot)
    return Calendar(
        view=view,
        anchor=anchor,
        title=title,
        zone=zone_label(zone),
        weeks=[days[i : i + 7] for i in range(0, len(days), 7)],
        hours=[
            HourRow(h, [hours[d.day, h] for d in days]) for h in HOURS if view == WEEK
        ],
        previous=previous,
        next=following,
        total=len(targets),
    )


def _cells(
    when: datetime,
    by_day: dict[date, Day],
    hours: dict[tuple[date, int], Cell],
    zone: tzinfo,
) -> list[Cell]:
    """The cells an instant belongs in: its local day, and its hour when the view has hours."""
    local = when.astimezone(zone)
    key = (local.date(), local.hour)
    return [c for c in (by_day.get(local.date()), hours.get(key)) if c is not None]


def describe(when: datetime, zone: tzinfo) -> str:
    """A time as the dashboard states it: the viewer's wall clock, its zone, and UTC."""
    return (
        f"{when.astimezone(zone):%Y-%m-%d %H:%M} {zone_label(zone)} "
        f"({when.astimezone(UTC):%Y-%m-%d %H:%M} UTC)"
    )

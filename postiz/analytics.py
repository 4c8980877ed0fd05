"""Postiz's analytics routes answered with what letmepost knows (spec/postiz-compat.md §5.9).

letmepost does not collect engagement metrics (impressions, likes) from the platforms. What it
does know is its own publishing record, answered in Postiz's series shape rather than as an empty
list that would read as "no data yet": a channel's daily counts of posts published and failed,
and a post's status and publish attempts.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from platforms.models import PlatformAccount
from posts.models import PostTarget
from posts.selectors import targets_in_mode
from posts.services import Caller

Status = PostTarget.Status
DEFAULT_DAYS, MAX_DAYS = 7, 366
# label → (statuses counted, the field whose day a post is counted on)
SERIES: dict[str, tuple[tuple[str, ...], str]] = {
    "Posts published": ((Status.PUBLISHED,), "published_at"),
    # A failure's time is its row's last change: the final attempt's outcome.
    "Posts failed": ((Status.FAILED, Status.REJECTED), "updated_at"),
}


def window_days(raw: str | None) -> int:
    """Postiz's `?date=<days>`; anything unusable is the default week."""
    if raw is None or not raw.isdecimal() or len(raw) > 4:
        return DEFAULT_DAYS
    return min(max(int(raw), 1), MAX_DAYS)


def channel(
    caller: Caller, account: PlatformAccount, days: int
) -> list[dict[str, Any]]:
    """One series per label, a point per day (UTC) of the window, oldest first, with totals as
    strings as Postiz sends them; `percentageChange` compares with the window before it."""
    today = timezone.now().astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    targets = targets_in_mode(caller.workspace, livemode=caller.livemode).filter(
        account=account
    )
    return [
        _series(label, targets.filter(status__in=statuses), field, first, today)
        for label, (statuses, field) in SERIES.items()
    ]


def _series(
    label: str, targets: QuerySet[PostTarget], field: str, first: date, last: date
) -> dict[str, Any]:
    days = (last - first).days + 1
    counts = dict(
        targets.annotate(day=TruncDate(field, tzinfo=UTC))
        .filter(day__gte=first - timedelta(days=days), day__lte=last)
        .order_by()  # the model's ordering would split the groups
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    current = [counts.get(first + timedelta(days=i), 0) for i in range(days)]
    previous = sum(n for day, n in counts.items() if day < first)
    total = sum(current)
    change = (total - previous) / previous * 100 if previous else (100 if total else 0)
    return {
        "label": label,
        "data": [
            {"total": str(n), "date": (first + timedelta(days=i)).isoformat()}
            for i, n in enumerate(current)
        ],
        "percentageChange": round(change, 1),
    }


def post(target: PostTarget) -> list[dict[str, Any]]:
    """What we know of one post, as two one-point series on the day of its last change (its
    publication, when published): its status, and how many publish attempts it took."""
    when = (target.published_at or target.updated_at).astimezone(UTC).date().isoformat()
    return [
        {
            "label": f"Status: {target.status}",
            "data": [{"total": "1", "date": when}],
            "percentageChange": 0,
        },
        {
            "label": "Publish attempts",
            "data": [{"total": str(target.attempt_count), "date": when}],
            "percentageChange": 0,
        },
    ]

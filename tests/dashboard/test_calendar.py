"""The calendar: month and week views; reschedule and cancel from a chip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from posts.models import PostTarget
from tests.conftest import Persona
from tests.dashboard.helpers import make_post


def test_month_and_week_show_scheduled_posts_in_the_viewers_zone(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    when = (timezone.now() + timedelta(days=2)).replace(
        hour=23, minute=30, second=0, microsecond=0
    )
    make_post(owner, sandbox, "late night", scheduled_at=when)
    day = when.date().isoformat()
    month = owner_client.get(reverse("posts:calendar"), {"date": day}).content.decode()
    assert "late night" in month and "23:30" in month
    week = owner_client.get(
        reverse("posts:calendar"), {"view": "week", "date": day}
    ).content.decode()
    assert "late night" in week and "calendar-week" in week
    owner_client.cookies["lmp_tz"] = "Asia/Tokyo"  # UTC+9: 23:30 becomes 08:30 next day
    tokyo = owner_client.get(reverse("posts:calendar"), {"date": day}).content.decode()
    assert "08:30" in tokyo and "Asia/Tokyo" in tokyo


def test_reschedule_from_the_calendar(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    target = make_post(
        owner, sandbox, "move me", scheduled_at=timezone.now() + timedelta(days=1)
    )
    new_day = (timezone.now() + timedelta(days=5)).date()
    back = reverse("posts:calendar") + "?view=week"
    response = owner_client.post(
        reverse("posts:reschedule", args=[target.pk]),
        {
            "scheduled_date": new_day.isoformat(),
            "scheduled_time": "09:15",
            "tz": "UTC",
            "next": back,
        },
    )
    assert response.status_code == 302 and response["Location"] == back
    target.refresh_from_db()
    assert target.scheduled_at == datetime.combine(
        new_day, datetime.min.time(), UTC
    ).replace(hour=9, minute=15)
    assert target.due_at == target.scheduled_at


def test_cancel_from_the_calendar(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    target = make_post(
        owner, sandbox, "never mind", scheduled_at=timezone.now() + timedelta(days=1)
    )
    owner_client.post(
        reverse("posts:cancel", args=[target.pk]), {"next": reverse("posts:calendar")}
    )
    target.refresh_from_db()
    assert target.status == PostTarget.Status.CANCELED


def test_a_published_post_cannot_be_rescheduled(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    target = make_post(owner, sandbox, "done")
    response = owner_client.post(
        reverse("posts:reschedule", args=[target.pk]),
        {"scheduled_date": "2030-01-01", "scheduled_time": "10:00", "tz": "UTC"},
        follow=True,
    )
    assert "Not rescheduled" in response.content.decode()


def test_next_must_stay_on_this_site(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    target = make_post(
        owner, sandbox, "x", scheduled_at=timezone.now() + timedelta(days=1)
    )
    response = owner_client.post(
        reverse("posts:cancel", args=[target.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("posts:detail", args=[target.pk])

"""The calendar as a planning tool (issues #21 and #20): entries with their account and status,
filters kept across views, the week's hours, queue slots, moving a post by drop or by its Move…
form (refusals shown next to the entry), and a profile's queue settings."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services import create_profile
from posts import queues
from posts.models import PostTarget
from posts.queue_slots import WEEKDAYS
from tests.conftest import Persona, connect_sandbox
from tests.dashboard.helpers import make_post

HTMX = {"HTTP_HX_REQUEST": "true"}


def later(days: int, hour: int = 10, minute: int = 0) -> datetime:
    return (timezone.now() + timedelta(days=days)).replace(
        hour=hour, minute=minute, second=0, microsecond=0
    )


def calendar(client: Client, **query: str) -> str:
    response = client.get(reverse("posts:calendar"), query)
    assert response.status_code == 200
    return response.content.decode()


def move(client: Client, target: PostTarget, day: str, clock: str, **extra: str):
    return client.post(
        reverse("posts:calendar-move", args=[target.pk]) + "?view=week&date=" + day,
        {"scheduled_date": day, "scheduled_time": clock, "tz": "UTC"},
        **extra,
    )


# --- entries and filters ---------------------------------------------------------------------


def test_an_entry_shows_text_account_platform_and_a_draggable_move_form(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    when = later(2)
    target = make_post(
        owner, sandbox, "A rather long announcement " * 5, scheduled_at=when
    )
    page = calendar(owner_client, date=when.date().isoformat())
    assert "A rather long announcement" in page
    assert 'class="avatar" aria-hidden="true">D</span>' in page
    assert "demo" in page and 'class="platform-mark">sandbox' in page
    assert f'draggable="true" data-move="{target.pk}"' in page
    assert f'id="move-{target.pk}"' in page and "Move…" in page
    assert f'data-drop-date="{when:%Y-%m-%d}"' in page


def test_failed_posts_are_visible_and_marked(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    failed = make_post(owner, sandbox, "This one failed", outcome="platform_rejected")
    assert failed.status in (PostTarget.Status.FAILED, PostTarget.Status.REJECTED)
    page = calendar(owner_client)
    assert "This one failed" in page
    assert f"chip chip-{failed.status}" in page
    assert (
        f'<span class="chip-status status-{failed.status}">{failed.status}</span>'
        in page
    )
    assert f'data-move="{failed.pk}"' not in page  # only a queued post moves


def test_filters_narrow_by_profile_account_and_status_and_survive_view_switches(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand", slug="brand")
    other = connect_sandbox(owner, "brandy", brand)
    when = later(3)
    make_post(owner, sandbox, "default profile post", scheduled_at=when)
    make_post(owner, other, "brand profile post", scheduled_at=when)
    day = when.date().isoformat()

    page = calendar(owner_client, date=day, profile=str(brand.pk))
    assert "brand profile post" in page and "default profile post" not in page
    # Previous, next, today, month and week all keep the filter.
    assert page.count(f"profile={brand.pk}") >= 5
    assert "Queue settings of Brand" in page

    page = calendar(owner_client, date=day, view="week", account=str(sandbox.pk))
    assert "default profile post" in page and "brand profile post" not in page

    page = calendar(owner_client, date=day, status="failed,rejected")
    assert "profile post" not in page
    # An id from nowhere narrows nothing (the form is invalid), and is no error.
    page = calendar(owner_client, date=day, profile="prf_nope")
    assert "brand profile post" in page and "default profile post" in page


def test_the_week_has_hour_rows_and_the_zone_is_labelled(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    when = later(2, hour=14, minute=45)
    make_post(owner, sandbox, "afternoon", scheduled_at=when)
    owner_client.cookies["lmp_tz"] = "Asia/Tokyo"  # 14:45 UTC is 23:45 in Tokyo
    local = when.astimezone(timezone.get_fixed_timezone(9 * 60))
    page = calendar(owner_client, view="week", date=local.date().isoformat())
    assert page.count('<th scope="row">') == 24
    assert "Times in <strong>Asia/Tokyo</strong>" in page
    cell = page.split(f'data-drop-date="{local:%Y-%m-%d}" data-drop-hour="23"', 1)[
        1
    ].split("</td>", 1)[0]
    assert "afternoon" in cell and "23:45" in cell


def test_queue_slots_show_free_and_taken(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    first, second = later(2, hour=9), later(3, hour=9)
    queues.set_queue(
        owner.profile,
        "UTC",
        [
            {"weekday": WEEKDAYS[first.weekday()], "time": "09:00"},
            {"weekday": WEEKDAYS[second.weekday()], "time": "09:00"},
        ],
    )
    make_post(owner, sandbox, "takes a slot", scheduled_at=first)
    page = calendar(owner_client, view="week", date=first.date().isoformat())
    taken = page.split(f'data-drop-date="{first:%Y-%m-%d}" data-drop-hour="9"', 1)[1]
    assert taken.split("</td>", 1)[0].count("queue slot taken") == 1
    if first.isocalendar()[:2] == second.isocalendar()[:2]:  # same week on screen
        free = page.split(f'data-drop-date="{second:%Y-%m-%d}" data-drop-hour="9"', 1)[
            1
        ]
        assert "free queue slot" in free.split("</td>", 1)[0]


# --- moving ----------------------------------------------------------------------------------


def test_a_drop_moves_the_post_and_answers_the_calendar_with_a_notice(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    target = make_post(owner, sandbox, "move me", scheduled_at=later(1, 8, 30))
    day = later(4).date().isoformat()
    response = move(owner_client, target, day, "08:30", **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="calendar-notice" hx-swap-oob="innerHTML"' in body
    assert f"Rescheduled to {day} 08:30 UTC ({day} 08:30 UTC)." in body
    assert '<div id="calendar" data-calendar>' in body and "calendar-week" in body
    assert "data-moved>" in body  # focus goes back to the moved entry
    target.refresh_from_db()
    assert target.scheduled_at == datetime.combine(
        later(4).date(), time(8, 30), tzinfo=UTC
    )
    assert target.due_at == target.scheduled_at


def test_a_move_into_the_past_is_refused_next_to_the_entry(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    when = later(1)
    target = make_post(owner, sandbox, "stay", scheduled_at=when)
    yesterday = (timezone.now() - timedelta(days=1)).date().isoformat()
    response = move(owner_client, target, yesterday, "10:00", **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == f"#move-error-{target.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    body = response.content.decode()
    assert f'<p id="move-error-{target.pk}" class="move-error" role="alert">' in body
    assert "Not moved: scheduledAt must be at least 1 second in the future." in body
    target.refresh_from_db()
    assert target.scheduled_at == when


def test_a_published_post_does_not_move(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    target = make_post(owner, sandbox, "already out")
    response = move(owner_client, target, later(2).date().isoformat(), "10:00", **HTMX)
    assert response.status_code == 409
    assert (
        "Cannot modify a post in status &quot;published&quot;"
        in response.content.decode()
    )
    target.refresh_from_db()
    assert target.scheduled_at is None


def test_a_move_without_a_time_names_the_field(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    target = make_post(owner, sandbox, "x", scheduled_at=later(1))
    response = move(owner_client, target, later(2).date().isoformat(), "", **HTMX)
    assert response.status_code == 400
    assert "Pick a date and a time to schedule." in response.content.decode()


def test_without_htmx_the_move_form_returns_to_the_same_calendar(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    target = make_post(owner, sandbox, "no js", scheduled_at=later(1))
    day = later(2).date().isoformat()
    response = move(owner_client, target, day, "11:00", follow=True)
    assert response.redirect_chain[-1][0] == reverse("posts:calendar") + (
        f"?view=week&date={day}"
    )
    assert "Rescheduled to" in response.content.decode()
    response = move(owner_client, target, "2001-01-01", "11:00", follow=True)
    assert "Not rescheduled: scheduledAt must be" in response.content.decode()


def test_another_workspaces_post_is_not_found(
    outsider: Persona, owner_client: Client, sandbox
) -> None:
    theirs = make_post(
        outsider, connect_sandbox(outsider, "them"), "theirs", scheduled_at=later(1)
    )
    response = move(owner_client, theirs, later(2).date().isoformat(), "10:00", **HTMX)
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.scheduled_at == later(1)


# --- queue settings --------------------------------------------------------------------------


def queue_url(persona: Persona) -> str:
    return reverse("posts:queue-settings", args=[persona.profile.pk])


def test_queue_settings_save_through_the_same_rules_as_the_api(
    owner: Persona, owner_client: Client
) -> None:
    page = owner_client.get(queue_url(owner)).content.decode()
    assert "No slots yet" in page and 'value="UTC"' in page
    response = owner_client.post(
        queue_url(owner),
        {
            "timezone": "Europe/Berlin",
            "weekday": ["tuesday", "monday", ""],
            "time": ["18:05", "09:30", ""],  # the third row was added and left blank
            "action": "save",
        },
        follow=True,
    )
    assert "Queue saved: 2 slots a week in Europe/Berlin." in response.content.decode()
    assert queues.get_queue(owner.profile).as_dict() == {
        "timezone": "Europe/Berlin",
        "slots": [
            {"weekday": "monday", "time": "09:30"},
            {"weekday": "tuesday", "time": "18:05"},
        ],
    }
    page = response.content.decode()
    assert '<option value="monday" selected>' in page and 'value="09:30"' in page


@pytest.mark.parametrize(
    ("zone", "days", "times", "rule"),
    [
        ("Mars/Olympus", ["monday"], ["09:00"], "queue.timezone.unknown"),
        ("UTC", ["monday"], ["9am"], "queue.slots.time"),
        ("UTC", ["", "monday"], ["09:00", "09:00"], "queue.slots.weekday"),
        ("UTC", ["monday", "monday"], ["09:00", "09:00"], "queue.slots.duplicate"),
    ],
)
def test_queue_settings_refuse_what_the_api_refuses(
    owner: Persona,
    owner_client: Client,
    zone: str,
    days: list[str],
    times: list[str],
    rule: str,
) -> None:
    response = owner_client.post(
        queue_url(owner), {"timezone": zone, "weekday": days, "time": times}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"<code>{rule}</code>" in page and "Not saved:" in page
    assert f'value="{zone}"' in page  # what was typed stays on screen
    assert queues.get_queue(owner.profile).slots == []


def test_adding_and_removing_rows_does_not_save(
    owner: Persona, owner_client: Client
) -> None:
    sent = {
        "timezone": "UTC",
        "weekday": ["monday", "friday"],
        "time": ["09:00", "17:00"],
    }
    page = owner_client.post(
        queue_url(owner), sent | {"action": "add"}
    ).content.decode()
    assert page.count('name="weekday"') == 3 and "Slot 3" in page
    page = owner_client.post(queue_url(owner), sent | {"remove": "0"}).content.decode()
    assert page.count('name="weekday"') == 1
    assert '<option value="friday" selected>' in page and 'value="17:00"' in page
    assert queues.get_queue(owner.profile).slots == []


def test_the_queue_page_lists_the_next_slots_and_the_profiles_page_links_it(
    owner: Persona, owner_client: Client
) -> None:
    tomorrow = later(1)
    queues.set_queue(
        owner.profile,
        "UTC",
        [{"weekday": WEEKDAYS[tomorrow.weekday()], "time": "10:00"}],
    )
    page = owner_client.get(queue_url(owner)).content.decode()
    assert f'<time datetime="{tomorrow:%Y-%m-%dT%H:%M:%S}Z">' in page
    profiles = owner_client.get(reverse("accounts:profiles")).content.decode()
    assert queue_url(owner) in profiles


def test_another_workspaces_queue_is_not_found(
    outsider: Persona, owner_client: Client
) -> None:
    assert owner_client.get(queue_url(outsider)).status_code == 404
    response = owner_client.post(
        queue_url(outsider),
        {"timezone": "UTC", "weekday": ["monday"], "time": ["09:00"]},
    )
    assert response.status_code == 404
    assert queues.get_queue(outsider.profile).slots == []

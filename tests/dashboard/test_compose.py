"""Compose: live preflight through check_post, publish now, schedule in the viewer's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from posts.models import PostTarget
from tests.conftest import Persona

HTMX = {"HTTP_HX_REQUEST": "true"}


def preflight(client: Client, **data: object):
    return client.post(reverse("posts:preflight"), data, **HTMX)


def test_live_preflight_reports_an_over_long_sandbox_text(
    owner_client: Client, sandbox
) -> None:
    response = preflight(owner_client, text="x" * 501, accounts=[str(sandbox.pk)])
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the partial only
    assert 'data-rule="sandbox.text.max_graphemes"' in html
    assert "Text is 501 graphemes; the sandbox allows 500." in html
    assert "Shorten the text to 500 graphemes." in html
    assert "/docs/preflight/sandbox-text-max_graphemes" in html
    assert "501 / 500" in html


def test_live_preflight_passes_a_valid_text(owner_client: Client, sandbox) -> None:
    response = preflight(owner_client, text="Hello 👋🏽", accounts=[str(sandbox.pk)])
    html = response.content.decode()
    assert 'data-preflight="ok"' in html
    assert "data-rule=" not in html
    assert "7 / 500" in html  # graphemes: the emoji with its skin tone counts once


def test_live_preflight_checks_each_accounts_own_text(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    from tests.conftest import connect_sandbox

    other = connect_sandbox(owner, "other")
    response = preflight(
        owner_client,
        text="short",
        accounts=[str(sandbox.pk), str(other.pk)],
        **{f"text_{other.pk}": "y" * 600},
    )
    html = response.content.decode()
    assert html.count('data-rule="sandbox.text.max_graphemes"') == 1
    assert "600 / 500" in html and "5 / 500" in html


def test_live_preflight_without_an_account_says_so(
    owner_client: Client, sandbox
) -> None:
    html = preflight(owner_client, text="hi").content.decode()
    assert "Pick at least one account" in html


def test_live_preflight_never_sees_another_workspaces_account(
    owner_client: Client, outsider: Persona
) -> None:
    from tests.conftest import connect_sandbox

    theirs = connect_sandbox(outsider, "theirs")
    html = preflight(
        owner_client, text="hi", accounts=[str(theirs.pk)]
    ).content.decode()
    assert "theirs" not in html
    assert 'data-preflight="ok"' not in html


def test_publishing_from_compose_shows_the_post_in_the_log(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    response = owner_client.post(
        reverse("posts:compose"),
        {
            "text": "Shipped from the dashboard",
            "accounts": [str(sandbox.pk)],
            "mode": "now",
        },
    )
    target = PostTarget.objects.get(workspace=owner.workspace)
    assert response.status_code == 302
    assert response["Location"] == reverse("posts:detail", args=[target.pk])
    assert target.status == PostTarget.Status.PUBLISHED
    assert target.post.user == owner.user
    detail = owner_client.get(response["Location"]).content.decode()
    assert "Published to 1 account." in detail
    log = owner_client.get(reverse("posts:log")).content.decode()
    assert "Shipped from the dashboard" in log
    assert "status-published" in log


def test_a_violation_blocks_publishing_and_is_shown_inline(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    response = owner_client.post(
        reverse("posts:compose"),
        {"text": "x" * 501, "accounts": [str(sandbox.pk)], "mode": "now"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "nothing was sent" in html
    assert 'data-rule="sandbox.text.max_graphemes"' in html
    assert "x" * 501 in html  # the text is kept
    assert not PostTarget.objects.filter(workspace=owner.workspace).exists()


def test_scheduling_converts_the_viewers_wall_clock_to_utc(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    day = (timezone.now() + timedelta(days=10)).date()
    response = owner_client.post(
        reverse("posts:compose"),
        {
            "text": "Later",
            "accounts": [str(sandbox.pk)],
            "mode": "schedule",
            "scheduled_date": day.isoformat(),
            "scheduled_time": "10:30",
            "tz": "America/New_York",
        },
    )
    assert response.status_code == 302
    target = PostTarget.objects.get(workspace=owner.workspace)
    assert target.status == PostTarget.Status.QUEUED
    expected = datetime.combine(day, datetime.min.time()).replace(hour=10, minute=30)
    from zoneinfo import ZoneInfo

    expected = expected.replace(tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)
    assert target.scheduled_at == expected
    page = owner_client.get(response["Location"]).content.decode()
    assert "America/New_York" in page and f"{expected:%H:%M} UTC" in page


def test_scheduling_accepts_a_utc_offset_when_the_zone_is_unknown(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    day = (timezone.now() + timedelta(days=3)).date()
    owner_client.post(
        reverse("posts:compose"),
        {
            "text": "Offset",
            "accounts": [str(sandbox.pk)],
            "mode": "schedule",
            "scheduled_date": day.isoformat(),
            "scheduled_time": "12:00",
            "tz_offset": "120",
        },
    )
    target = PostTarget.objects.get(workspace=owner.workspace)
    assert target.scheduled_at.astimezone(UTC).hour == 10


def test_scheduling_without_a_time_is_an_inline_error(
    owner_client: Client, sandbox
) -> None:
    response = owner_client.post(
        reverse("posts:compose"),
        {"text": "When?", "accounts": [str(sandbox.pk)], "mode": "schedule"},
    )
    assert response.status_code == 400
    assert "Pick a date and a time to schedule." in response.content.decode()


def test_scheduling_in_the_past_is_refused_inline(
    owner_client: Client, sandbox
) -> None:
    response = owner_client.post(
        reverse("posts:compose"),
        {
            "text": "Yesterday",
            "accounts": [str(sandbox.pk)],
            "mode": "schedule",
            "scheduled_date": "2020-01-01",
            "scheduled_time": "10:00",
            "tz": "UTC",
        },
    )
    assert response.status_code == 400
    assert "at least 1 second in the future" in response.content.decode()


def test_compose_offers_only_this_workspaces_accounts(
    owner_client: Client, outsider: Persona, sandbox
) -> None:
    from tests.conftest import connect_sandbox

    theirs = connect_sandbox(outsider, "theirs")
    html = owner_client.get(reverse("posts:compose")).content.decode()
    assert str(sandbox.pk) in html and str(theirs.pk) not in html

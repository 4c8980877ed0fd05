"""Every page says which zone its times are in, and marks GET pages so the browser can correct
a stale zone (static/app.js reloads when the rendered zone is not the browser's; issue #21, 2)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from platforms.models import PlatformAccount
from tests.conftest import Persona
from tests.dashboard.helpers import make_post


def test_first_visit_without_a_cookie_says_utc(owner_client: Client) -> None:
    html = owner_client.get(reverse("posts:log")).content.decode()
    assert 'data-tz-rendered="UTC"' in html
    assert "Times in </span><strong data-tz-shown>UTC</strong>" in html


def test_times_follow_the_cookie_and_say_so(
    owner: Persona, owner_client: Client, sandbox: PlatformAccount
) -> None:
    when = (timezone.now() + timedelta(days=2)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    target = make_post(owner, sandbox, scheduled_at=when)
    owner_client.cookies["lmp_tz"] = "America/Los_Angeles"
    html = owner_client.get(reverse("posts:detail", args=[target.pk])).content.decode()
    assert 'data-tz-rendered="America/Los_Angeles"' in html
    assert "<strong data-tz-shown>America/Los_Angeles</strong>" in html
    local = when.astimezone(ZoneInfo("America/Los_Angeles"))
    assert f"{local:%Y-%m-%d %H:%M} America/Los_Angeles" in html


def test_a_post_answer_is_not_marked_for_reload(
    owner_client: Client, sandbox: PlatformAccount
) -> None:
    """Reloading the answer to a form would lose what was typed (or send it again)."""
    response = owner_client.post(reverse("posts:compose"), {"text": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-tz-rendered" not in html and "data-tz-shown" in html

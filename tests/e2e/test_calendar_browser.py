"""The calendar in a real browser (issue #21): drag a post to another day (month) and to another
hour (week), then move it once with the keyboard alternative, once refused in place.

Debian's Chromium through Playwright, as tests/e2e/test_dashboard_browser.py sets it up; the
viewer is in Europe/Berlin, so every time the test reads is a Berlin wall-clock time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.e2e.test_accessibility_browser import sign_in
from tests.e2e.test_dashboard_browser import ZONE, browser_page  # noqa: F401  (fixture)

BERLIN = ZoneInfo(ZONE)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def test_drag_a_post_to_another_day_and_hour_then_move_it_with_the_keyboard(
    live_server: Any,
    browser_page: Any,  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    from posts.models import PostTarget
    from tests.conftest import connect_sandbox, make_persona
    from tests.dashboard.helpers import make_post

    page, base = browser_page, live_server.url
    owner = make_persona("calendar@example.com")
    account = connect_sandbox(owner, "demo")
    today = datetime.now(BERLIN).date()
    start = today + timedelta(days=2)
    # Another day of the same month grid, still ahead: the day after, or the day before.
    moved_to = start + timedelta(days=1)
    if moved_to.month != start.month:
        moved_to = start - timedelta(days=1)
    target = make_post(owner, account, "Drag me around", scheduled_at=at(start, 10))
    sign_in(page, base, owner.user)
    page.context.add_cookies([{"name": "lmp_tz", "value": ZONE, "url": base}])

    # Month: drop on another day; the time of day stays.
    page.goto(f"{base}/app/calendar/?date={start:%Y-%m-%d}")
    entry = page.locator(f'[data-move="{target.pk}"] summary')
    expect(entry).to_contain_text("10:00")
    entry.drag_to(page.locator(f'td[data-drop-date="{moved_to:%Y-%m-%d}"]'))
    expect(page.locator("#calendar-notice")).to_contain_text(
        f"Rescheduled to {moved_to:%Y-%m-%d} 10:00 {ZONE}"
    )
    target.refresh_from_db()
    assert target.scheduled_at == at(moved_to, 10)
    expect(
        page.locator(
            f'td[data-drop-date="{moved_to:%Y-%m-%d}"] [data-move="{target.pk}"]'
        )
    ).to_be_visible()

    # Week: drop on the 15:00 row of the same day.
    page.goto(f"{base}/app/calendar/?view=week&date={moved_to:%Y-%m-%d}")
    entry = page.locator(f'[data-move="{target.pk}"] summary')
    entry.drag_to(
        page.locator(f'td[data-drop-date="{moved_to:%Y-%m-%d}"][data-drop-hour="15"]')
    )
    expect(page.locator("#calendar-notice")).to_contain_text(
        f"Rescheduled to {moved_to:%Y-%m-%d} 15:00 {ZONE}"
    )
    target.refresh_from_db()
    assert target.scheduled_at == at(moved_to, 15)

    # The keyboard alternative: open the entry, its Move… form; a past day is refused in place.
    entry = page.locator(f'[data-move="{target.pk}"] summary')
    entry.focus()
    page.keyboard.press("Enter")
    form = page.locator(f"#move-{target.pk}")
    form.get_by_label("Date").fill(f"{today - timedelta(days=1):%Y-%m-%d}")
    form.get_by_label("Time").press("Enter")
    error = page.locator(f"#move-error-{target.pk}")
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_contain_text("Not moved: scheduledAt must be at least")
    target.refresh_from_db()
    assert target.scheduled_at == at(moved_to, 15)
    # Then a time that works: the grid comes back with the keyboard on the moved post.
    form.get_by_label("Date").fill(f"{start:%Y-%m-%d}")
    form.get_by_label("Time").fill("08:45")
    form.get_by_role("button", name="Reschedule").press("Enter")
    expect(page.locator("#calendar-notice")).to_contain_text(
        f"Rescheduled to {start:%Y-%m-%d} 08:45 {ZONE}"
    )
    expect(page.locator(f'[data-move="{target.pk}"] summary')).to_be_focused()
    target.refresh_from_db()
    assert target.scheduled_at == at(start, 8, 45)
    assert target.status == PostTarget.Status.QUEUED
    assert page.csp_violations == []

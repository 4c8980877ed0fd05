"""CSV import, bulk actions and compose previews in a real browser (Debian Chromium, Playwright).

From the posts log: import a CSV with one bad row → the dry run shows it (row, rule, fix) and
nothing is stored → leave it out → "Schedule 2 posts" → the posts exist, at the file's times in
the viewer's zone. Then the log's "select all on page" → "Cancel selected" → each post answers.
Then compose: a too-long text shows where the sandbox cuts it. axe-core runs on each of these
pages at 1280 and 375 px (they are answers to POSTs, so the walk in
test_accessibility_browser.py cannot reach them).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.e2e.test_accessibility_browser import (
    AXE_PATH,
    WIDTHS,
    blocking_violations,
    require_axe,
    sign_in,
)
from tests.e2e.test_dashboard_browser import (  # noqa: F401  (fixture)
    ZONE,
    Shots,
    assert_labelled,
    browser_page,
)

WIDEST = """() => [...document.querySelectorAll("body *")]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 6).map(el => el.tagName + "." + el.className + " " + Math.round(el.getBoundingClientRect().right))"""


def axe_here(page: Any, base: str) -> list[str]:
    """The current page's blocking violations at each width (it is not reloaded: a POST's answer)."""
    found = []
    page.eval_on_selector_all(
        "details[open]", "all => all.forEach(d => d.setAttribute('data-was-open', ''))"
    )
    for width in WIDTHS:
        # As the page was answered: axe opened every <details> at the previous width.
        page.eval_on_selector_all(
            "details",
            "all => all.forEach(d => { d.open = d.hasAttribute('data-was-open'); })",
        )
        page.set_viewport_size({"width": width, "height": 900})
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width:
            culprits = page.evaluate(WIDEST)
            found.append(f"{width} px {page.url} is {wide} px wide: {culprits}")
        found += [f"{width} px {line}" for line in blocking_violations(page, base)]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.eval_on_selector_all(
        "details",
        "all => all.forEach(d => { d.open = d.hasAttribute('data-was-open'); })",
    )
    return found


def test_import_a_csv_then_act_on_many_posts(
    live_server: Any,
    browser_page: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    from posts.models import PostTarget
    from tests.conftest import connect_sandbox, make_persona

    axe = require_axe()
    page, base = browser_page, live_server.url
    page.route(base + AXE_PATH, lambda route: route.fulfill(path=str(axe)))
    shot = Shots(page, tmp_path)
    owner = make_persona("import@example.com")
    connect_sandbox(owner, "demo")
    sign_in(page, base, owner.user)
    found: list[str] = []

    day = (datetime.now(ZoneInfo(ZONE)) + timedelta(days=2)).date()
    csv = (
        "text,accounts,scheduledAt,media,firstComment\n"
        f'"Morning, from a file",@demo,{day} 09:30,,\n'
        f"{'x' * 501},sandbox:demo,{day} 10:00,,\n"
        f"Evening,@demo,{day}T18:00:00+01:00,,With a first comment\n"
    )

    # From the log to the import page; the dry run shows the bad row and stores nothing.
    page.goto(f"{base}/app/log/")
    page.get_by_role("link", name="Import posts from a CSV file").click()
    page.get_by_label("CSV file").set_input_files(
        {"name": "posts.csv", "mimeType": "text/csv", "buffer": csv.encode()}
    )
    page.get_by_role("button", name="Check the file (dry run)").click()
    expect(page.locator('tr[data-row="3"]')).to_have_attribute(
        "data-result", "problems"
    )
    bad = page.locator('tr[data-row="3"] [data-rule="sandbox.text.max_graphemes"]')
    expect(bad).to_contain_text("Text is 501 graphemes; the sandbox allows 500.")
    expect(bad.get_by_role("link")).to_have_attribute(
        "href", re.compile(r"/docs/preflight/sandbox-text-max_graphemes$")
    )
    expect(page.locator('tr[data-result="ok"]')).to_have_count(2)
    expect(page.locator('tr[data-row="2"]')).to_contain_text(f"{day} 09:30 {ZONE}")
    assert not PostTarget.objects.filter(workspace=owner.workspace).exists()
    shot("import-dry-run")
    assert_labelled(page)
    found += axe_here(page, base)

    # Leave the bad row out and schedule the rest.
    page.get_by_label("Leave row 3 out").check()
    page.get_by_role("button", name="Schedule 2 posts").click()
    expect(page.get_by_role("heading", name="Scheduled 2 posts")).to_be_visible()
    shot("import-scheduled")
    found += axe_here(page, base)
    targets = {t.text: t for t in PostTarget.objects.filter(workspace=owner.workspace)}
    assert set(targets) == {"Morning, from a file", "Evening"}
    morning = datetime(day.year, day.month, day.day, 9, 30, tzinfo=ZoneInfo(ZONE))
    assert targets["Morning, from a file"].scheduled_at == morning
    assert targets["Evening"].first_comment == "With a first comment"
    assert {t.status for t in targets.values()} == {PostTarget.Status.QUEUED}

    # Select all on the log's page, cancel them: each post answers.
    page.get_by_role("button", name="Open the posts log").click()
    page.get_by_label("Select all posts on this page").check()
    expect(page.locator("[data-bulk-count]")).to_have_text("(2 selected)")
    shot("log-bulk")
    assert_labelled(page)
    found += axe_here(page, base)
    page.get_by_role("button", name="Cancel selected").click()
    expect(page.locator("[data-bulk-summary]")).to_contain_text("2 done, 0 refused")
    shot("bulk-canceled")
    found += axe_here(page, base)
    assert set(
        PostTarget.objects.filter(workspace=owner.workspace).values_list(
            "status", flat=True
        )
    ) == {PostTarget.Status.CANCELED}

    # Compose: a too-long text shows where the platform cuts it, refreshed as one types.
    page.goto(f"{base}/app/compose/")
    page.get_by_label("Text", exact=True).fill("y" * 500 + " and this is cut")
    preview = page.locator('[data-preview="sandbox"]')
    expect(preview.locator("summary")).to_contain_text("cut at the limit")
    expect(preview.locator("del.cut")).to_contain_text("and this is cut")
    page.get_by_label("Add to queue").check()
    expect(page.locator("[data-submit-label]")).to_have_text("Add to queue")
    shot("compose-preview")
    found += axe_here(page, base)

    assert found == [], "axe: serious or critical violations\n" + "\n".join(found)
    assert page.csp_violations == []

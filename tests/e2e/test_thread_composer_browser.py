"""The thread composer in a real browser (issues #20, #21): add three items, see a violation on the
item it belongs to, reorder and remove with the keyboard, publish to the sandbox, then read the
thread's progress (3/3) on the post's page. axe runs on the composer with its items and on the
detail page; nothing is blocked by the Content-Security-Policy.

Debian's Chromium through Playwright, as tests/e2e/test_dashboard_browser.py sets it up.
"""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.test_accessibility_browser import blocking_violations, sign_in
from tests.e2e.test_dashboard_browser import (  # noqa: F401  (fixture)
    assert_labelled,
    browser_page,
)


def test_compose_a_three_item_thread_and_follow_its_progress(
    live_server: Any,
    browser_page: Any,  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    from posts.models import PostTarget
    from tests.conftest import connect_sandbox, make_persona
    from tests.e2e.test_accessibility_browser import AXE, AXE_PATH

    page, base = browser_page, live_server.url
    owner = make_persona("threads@example.com")
    connect_sandbox(owner, "demo")
    sign_in(page, base, owner.user)
    page.goto(f"{base}/app/compose/")

    # With JavaScript the spare blank fields are gone: "Add to thread" makes each item.
    items = page.locator("[data-thread-item]")
    expect(items).to_have_count(0)
    page.get_by_label("Text", exact=True).fill("Release notes")
    add = page.get_by_role("button", name="Add to thread")
    for text in ("Threads", "x" * 501, "The composer"):
        add.click()
        field = page.locator("[data-thread-text]").last
        expect(field).to_be_focused()
        field.fill(text)
    expect(items).to_have_count(3)
    expect(page.get_by_label(re.compile(r"^Post 4"))).to_have_value("The composer")

    # The too-long item shows its own violation, named as the API names it.
    second = page.locator("#thread-check-1")
    expect(second.locator('[data-rule="sandbox.text.max_graphemes"]')).to_be_visible()
    expect(second.locator('[data-field="thread[1].text"]')).to_have_count(1)
    expect(second.locator(".counter.over")).to_have_text("501 / 500 graphemes")
    expect(page.locator("#thread-check-0 .counter")).to_have_text("7 / 500 graphemes")
    assert_labelled(page)

    # Keyboard: move the last item up, then remove the too-long one; focus stays in the list.
    page.get_by_role("button", name="Move up post 4").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label(re.compile(r"^Post 3"))).to_have_value("The composer")
    expect(page.locator("[data-thread-status]")).to_have_text(
        "Post 4 moved up: it is now post 3."
    )
    expect(page.get_by_role("button", name="Move up post 3")).to_be_focused()
    page.get_by_role("button", name="Remove post 4").focus()
    page.keyboard.press("Enter")
    expect(items).to_have_count(2)
    expect(page.locator('[data-rule="sandbox.text.max_graphemes"]')).to_have_count(0)
    add.click()
    page.keyboard.type("Queues")
    expect(page.locator("#thread-check-2 .counter")).to_have_text("6 / 500 graphemes")
    expect(page.locator('[data-preflight="ok"]')).to_be_visible()
    expect(page.locator("[data-thread-total]")).to_have_text(
        "Then a thread of 3 posts."
    )

    axe = AXE.is_file()  # its absence fails test_accessibility_browser.py in CI
    if axe:
        page.route(base + AXE_PATH, lambda route: route.fulfill(path=str(AXE)))
        assert blocking_violations(page, base) == []
        # axe opened every <details>, the header's menus too: close them again.
        page.eval_on_selector_all(
            "details", "all => all.forEach(d => { d.open = false; })"
        )

    # Publish: the post's page shows the thread, every item published, in the order composed.
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messages")).to_contain_text("Published to 1 account.")
    expect(page.locator("[data-thread-progress]")).to_have_text("4/4")
    listed = page.locator(".thread-progress li")
    expect(listed).to_have_count(3)
    expect(listed.nth(0)).to_contain_text("Threads")
    expect(listed.nth(1)).to_contain_text("The composer")
    expect(listed.nth(2)).to_contain_text("Queues")
    expect(listed.locator(".status-published")).to_have_count(3)
    target = PostTarget.objects.get(text="Release notes")
    assert [i.text for i in target.replies.all()] == [
        "Threads",
        "The composer",
        "Queues",
    ]
    expect(listed.nth(2)).to_contain_text(f"sandbox://sandbox/{target.pk}.3")
    if axe:
        assert blocking_violations(page, base) == []
    assert page.csp_violations == []

"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against a live server.

sign up → verify through the emailed link → onboarding (key, sandbox) → compose: a too-long text
shows its violation live, then the fix clears it → schedule 2 minutes ahead (the viewer's zone,
UTC shown) → the calendar shows it → reschedule → cancel → publish now → published in the log →
compose with an uploaded image (progress bar, alt text) → save a draft → reopen it from the log →
schedule it → the media library pages and uploads with a progress bar.

Needs `/usr/bin/chromium` (Debian: `apt-get install -y chromium`) and the `playwright` package
(dev extras); never `playwright install`. Screenshots of every page go to the test's tmp dir and
to var/screenshots/ (CI artifacts).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ZONE = "Europe/Berlin"
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Unique per run: allauth throttles verification mail per address in the (possibly shared) cache.
EMAIL = f"browser-{uuid.uuid4().hex[:8]}@example.com"
PASSWORD = "a-long-browser-pass-1"


def require_browser() -> Any:
    """Playwright's sync API, with Chromium on disk: skipped on a laptop without them, but a
    failure in CI (CI=true), where a silent skip would hide that the dashboard went untested."""
    missing = None
    if not CHROMIUM.exists():
        missing = f"Debian chromium is not at {CHROMIUM} (apt-get install -y chromium)"
    try:
        from playwright import sync_api
    except ImportError:
        missing = missing or "the playwright package is not installed (dev extras)"
    if missing is None:
        return sync_api
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI runs the browser test: {missing}", pytrace=False)
    pytest.skip(missing)


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    sync_api = require_browser()
    # Playwright's sync API keeps an event loop in this thread; the ORM checks below are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, timezone_id=ZONE, locale="en-GB"
        )
        context.set_default_timeout(15_000)
        # Assertions retry as long as actions wait: a loaded CI machine answers the debounced
        # live preflight in more than expect()'s default 5 s.
        sync_api.expect.set_options(timeout=15_000)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # data-confirm prompts
        # Chromium logs each Content-Security-Policy refusal on the console; the event adds
        # what it blocked. Both must stay silent on every page the test visits.
        page.add_init_script(REPORT_CSP_VIOLATIONS)
        page.csp_violations = []
        page.on(
            "console",
            lambda message: (
                page.csp_violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                or message.text.startswith("csp-violation")
                else None
            ),
        )
        try:
            yield page
        finally:
            browser.close()
            # With Playwright's loop running, asgiref hands this thread a second, context-local
            # DB connection; close it here or PostgreSQL cannot drop the test database.
            from django.db import connections

            connections.close_all()


class Shots:
    def __init__(self, page: Any, folder: Path) -> None:
        self.page, self.folder, self.n = page, folder, 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str) -> Path:
        self.n += 1
        path = self.folder / f"{self.n:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        shutil.copy(path, ARTIFACTS / path.name)
        return path


REPORT_CSP_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`csp-violation ${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"""


UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea")]
  .filter(el => el.type !== "hidden" && !el.disabled)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute("aria-label"))
  .map(el => el.outerHTML.slice(0, 120))"""


def assert_labelled(page: Any) -> None:
    """Every form control a person can reach has a label (or an aria-label)."""
    assert page.evaluate(UNLABELLED) == [], page.url


def test_sign_up_to_published_post(
    live_server: Any, mailoutbox: list[Any], browser_page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from posts.models import PostTarget

    page, base = browser_page, live_server.url
    shot = Shots(page, tmp_path)

    # Sign up, then verify with the link from the email.
    page.goto(f"{base}/accounts/signup/")
    shot("signup")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(
        page.get_by_role("heading", name="Verify Your Email Address")
    ).to_be_visible()
    shot("verification-sent")
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mailoutbox[-1].body)
    assert link, mailoutbox[-1].body
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirm").click()

    # Onboarding: mint the key (shown once), connect the sandbox.
    expect(
        page.get_by_role("heading", name="Get started in three steps")
    ).to_be_visible()
    page.get_by_role("button", name="Create my API key").click()
    secret = page.locator("#onboarding-secret")
    expect(secret).to_have_value(re.compile(r"^lmp_live_"))
    expect(page.locator("#step-key.done")).to_be_visible()
    page.get_by_role("button", name="Connect sandbox").click()
    expect(page.locator("#step-connect.done")).to_be_visible()
    # The overview below the checklist follows each step without a reload.
    expect(page.locator("#overview .card-number").first).to_have_text("1")
    expect(page.locator("[data-tz-shown]")).to_have_text(ZONE)
    expect(page.locator("#onboarding-curl")).to_contain_text(secret.input_value())
    shot("onboarding")
    assert_labelled(page)

    # Compose: a too-long text shows the violation live, the fix clears it.
    page.get_by_role("link", name="Compose").click()
    expect(page.get_by_role("checkbox", name="demo · sandbox")).to_be_checked()
    text = page.get_by_label("Text", exact=True)
    text.fill("x" * 501)
    violation = page.locator('[data-rule="sandbox.text.max_graphemes"]')
    expect(violation).to_contain_text("Shorten the text to 500 graphemes.")
    expect(violation.get_by_role("link")).to_have_attribute(
        "href", re.compile(r"/docs/preflight/sandbox-text-max_graphemes$")
    )
    expect(page.locator(".account-pick .counter")).to_have_text("501 / 500")
    shot("compose-violation")
    assert_labelled(page)
    text.fill("Hello from a real browser")
    expect(page.locator('[data-preflight="ok"]')).to_be_visible()
    expect(violation).to_have_count(0)

    # Schedule 2 minutes ahead, in the browser's zone; the UTC time is shown before sending.
    local = (datetime.now(ZoneInfo(ZONE)) + timedelta(minutes=2)).replace(
        second=0, microsecond=0
    )
    page.get_by_label("Schedule").check()
    page.get_by_label("Date").fill(local.strftime("%Y-%m-%d"))
    page.get_by_label("Time").fill(local.strftime("%H:%M"))
    utc = local.astimezone(ZoneInfo("UTC"))
    expect(page.locator("[data-utc-preview]")).to_have_text(
        f"= {utc:%Y-%m-%d %H:%M} UTC"
    )
    expect(page.locator("[data-tz-label]").first).to_have_text(ZONE)
    shot("compose-schedule")
    page.get_by_role("button", name="Schedule").click()
    expect(page.locator(".messages")).to_contain_text(
        f"{local:%Y-%m-%d %H:%M} {ZONE} ({utc:%Y-%m-%d %H:%M} UTC)"
    )
    target = PostTarget.objects.get(text="Hello from a real browser")
    assert target.status == PostTarget.Status.QUEUED and target.scheduled_at == utc

    # A stale zone cookie (the laptop travelled): the page corrects itself and says so.
    page.context.add_cookies(
        [{"name": "lmp_tz", "value": "America/Los_Angeles", "url": base}]
    )
    page.goto(f"{base}/app/log/{target.pk}/")
    expect(page.locator("[data-tz-shown]")).to_have_text(ZONE)
    expect(page.locator(".facts")).to_contain_text(f"{local:%Y-%m-%d %H:%M} {ZONE}")

    # The calendar shows it; reschedule an hour later, then cancel it.
    page.get_by_role("link", name="Calendar").click()
    page.goto(f"{base}/app/calendar/?date={local:%Y-%m-%d}")  # robust at a month's end
    chip = page.locator("details.chip").filter(has_text="demo")
    expect(chip.locator("summary")).to_contain_text(f"{local:%H:%M}")
    chip.locator("summary").click()
    shot("calendar")
    later = local + timedelta(hours=1)
    chip.get_by_label("Date").fill(later.strftime("%Y-%m-%d"))
    chip.get_by_label("Time").fill(later.strftime("%H:%M"))
    chip.get_by_role("button", name="Reschedule").click()
    expect(page.locator(".messages")).to_contain_text("Rescheduled to")
    target.refresh_from_db()
    assert target.scheduled_at == later.astimezone(ZoneInfo("UTC"))
    page.goto(f"{base}/app/calendar/?view=week&date={later:%Y-%m-%d}")
    chip = page.locator("details.chip").filter(has_text="demo")
    expect(chip.locator("summary")).to_contain_text(f"{later:%H:%M}")
    chip.locator("summary").click()
    chip.get_by_role("button", name="Cancel post").click()
    expect(page.locator(".messages")).to_contain_text("Canceled")
    target.refresh_from_db()
    assert target.status == PostTarget.Status.CANCELED

    # Publish now, then find it published in the log.
    page.get_by_role("link", name="Compose").click()
    page.get_by_label("Text", exact=True).fill("Published from the browser")
    expect(page.locator('[data-preflight="ok"]')).to_be_visible()
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messages")).to_contain_text("Published to 1 account.")
    shot("detail")
    page.get_by_role("link", name="Posts log", exact=True).click()
    row = page.locator("tr[data-target]").filter(has_text="Published from the browser")
    expect(row.locator(".status")).to_have_text("published")
    expect(
        page.locator("tr[data-target]").filter(has_text="Hello from a real browser")
    ).to_contain_text("canceled")
    shot("log")
    assert_labelled(page)
    for path in ("/app/accounts/", "/app/api-keys/", "/app/members/", "/app/profiles/"):
        page.goto(base + path)
        assert_labelled(page)

    draft_with_media_then_schedule(page, base, shot)
    media_library_upload(page, shot)
    pick_from_the_library(page)
    keyboard_focus_is_visible(page)
    page.goto(base + "/app/log/")

    # The same pages hold up on a phone.
    on_a_phone(page, base, shot)
    page.set_viewport_size({"width": 1280, "height": 900})

    docs_pages(page, base, shot)
    assert page.csp_violations == []


def on_a_phone(page: Any, base: str, shot: Shots) -> None:
    """375 px: one header row, the log's filters folded away, row actions on screen."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(base + "/app/log/")
    shot("log-phone")
    # One header row (it took three, ~175 px), and nothing wider than the phone.
    assert page.locator(".topbar").bounding_box()["height"] <= 60
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.locator("details.filters-toggle")).not_to_have_attribute("open", "")
    first_row = page.locator("tr[data-target]").first.bounding_box()
    assert first_row["y"] < 812, first_row
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("link", name="Compose")).to_be_visible()
    shot("menu-phone")
    page.goto(base + "/app/accounts/")
    disconnect = page.get_by_role("button", name="Disconnect").first
    disconnect.scroll_into_view_if_needed()
    box = disconnect.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    shot("accounts-phone")


def keyboard_focus_is_visible(page: Any) -> None:
    """The header's dropdowns show where the keyboard is (Pico takes their outline away)."""
    page.locator(".brand").focus()
    page.keyboard.press("Tab")
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; }"
    )
    assert style[0] == "SUMMARY" and style[1] == "solid" and style[2] == "3px", style


def pick_from_the_library(page: Any) -> None:
    """Compose attaches a library item without uploading it again."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="Compose").click()
    page.get_by_text("Pick from the media library").click()
    page.get_by_role("button", name="Attach blue.png").click()
    item = page.locator("[data-media-item]")
    expect(item).to_have_count(1)
    expect(item.locator("[data-media-name]")).to_have_text("blue.png")
    expect(item.get_by_label("Alt text")).to_be_focused()


def docs_pages(page: Any, base: str, shot: Shots) -> None:
    """The API reference (Swagger UI) and the rule search run under the policy too."""
    from playwright.sync_api import expect

    response = page.goto(f"{base}/docs/api")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("letmepost API")
    operation = page.locator("#operations-posts-createPost")
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    expect(operation.locator(".opblock-body")).to_be_visible()
    shot("docs-api")
    page.goto(f"{base}/docs/preflight/")
    page.get_by_label("Search").fill("alt text")
    expect(page.locator("#rule-count")).to_contain_text(" rules")
    expect(page.locator("tr.rule:not([hidden])").first).to_be_visible()
    shot("docs-preflight-search")


def png_bytes(colour: tuple[int, int, int]) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def draft_with_media_then_schedule(page: Any, base: str, shot: Shots) -> None:
    """Upload an image in compose (progress, alt text), save a draft, reopen it, schedule it."""
    from playwright.sync_api import expect

    from posts.models import PostTarget

    page.get_by_role("link", name="Compose").click()
    page.get_by_label("Text", exact=True).fill("A draft with a picture")
    page.get_by_label("Add an image or video").set_input_files(
        files=[
            {
                "name": "dot.png",
                "mimeType": "image/png",
                "buffer": png_bytes((200, 0, 0)),
            }
        ]
    )
    expect(page.locator("[data-upload-label]")).to_have_text("Uploaded dot.png")
    expect(page.locator("#compose-media-progress")).to_have_js_property("value", 100)
    item = page.locator("[data-media-item]")
    expect(item).to_have_count(1)
    expect(item.locator("img")).to_have_attribute("src", re.compile(r"^blob:"))
    item.get_by_label("Alt text").fill("A single red dot")
    expect(page.locator('[data-preflight="ok"]')).to_contain_text("1 account")
    assert_labelled(page)
    shot("compose-media")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("Draft saved for 1 account.")
    draft = PostTarget.objects.get(text="A draft with a picture")
    assert draft.status == PostTarget.Status.DRAFT
    assert [m["altText"] for m in draft.media] == ["A single red dot"]

    # Reopen it from the log's draft filter.
    page.get_by_role("link", name="Posts log", exact=True).click()
    page.get_by_label("Status").select_option("draft")
    row = page.locator("tr[data-target]").filter(has_text="A draft with a picture")
    expect(row.locator(".status")).to_have_text("draft")
    expect(page.locator("tr[data-target]")).to_have_count(1)
    shot("log-drafts")
    row.get_by_role("link", name="Open draft in compose").click()
    expect(page.get_by_role("heading", name="Compose · draft")).to_be_visible()
    expect(page.get_by_label("Text", exact=True)).to_have_value(
        "A draft with a picture"
    )
    expect(page.locator("[data-media-item]").get_by_label("Alt text")).to_have_value(
        "A single red dot"
    )
    assert_labelled(page)
    shot("compose-draft-reopened")

    # Schedule it for tomorrow, in the browser's zone.
    when = (datetime.now(ZoneInfo(ZONE)) + timedelta(days=1)).replace(
        second=0, microsecond=0
    )
    page.get_by_label("Schedule").check()
    page.get_by_label("Date").fill(when.strftime("%Y-%m-%d"))
    page.get_by_label("Time").fill(when.strftime("%H:%M"))
    page.get_by_role("button", name="Schedule").click()
    utc = when.astimezone(ZoneInfo("UTC"))
    expect(page.locator(".messages")).to_contain_text(f"({utc:%Y-%m-%d %H:%M} UTC)")
    scheduled = PostTarget.objects.get(text="A draft with a picture")
    assert scheduled.status == PostTarget.Status.QUEUED
    assert scheduled.scheduled_at == utc
    assert [m["altText"] for m in scheduled.media] == ["A single red dot"]
    assert not PostTarget.objects.filter(status=PostTarget.Status.DRAFT).exists()


def media_library_upload(page: Any, shot: Shots) -> None:
    """The library uploads through the API with a progress bar, then shows the new item."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="Media").click()
    before = page.locator("[data-media]").count()
    page.get_by_label("File", exact=True).set_input_files(
        files=[
            {
                "name": "blue.png",
                "mimeType": "image/png",
                "buffer": png_bytes((0, 0, 200)),
            }
        ]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("[role=status]")).to_contain_text("Uploaded blue.png")
    expect(page.locator("[data-media]")).to_have_count(before + 1)
    expect(page.locator(".media-card.just-uploaded")).to_have_count(1)
    assert_labelled(page)
    shot("media-library")

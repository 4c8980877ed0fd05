"""axe-core on every page, in Chromium at 1280 and 375 px: no serious or critical violation (issue #21).

The pages: every one the dashboard's header and sidebar link to, signed in to a workspace with a
sandbox account, posts (published, failed, retrying, queued, a thread), a webhook endpoint and a media item;
the calendar's week, a post's and an endpoint's page; the docs (the index, the API reference, an
error, a preflight rule, a request rule, a field rule, a platform guide); signed out, the sign-in,
sign-up and password-reset pages and the 404 page. Every <details> is opened before axe runs,
and no page may be wider than the window.

axe-core is the npm package pinned in tests/e2e/node/ (`npm ci` there; .ci/run does it). It is
served to the page from its own origin through a Playwright route, so the pages keep their strict
Content-Security-Policy while axe runs, and the shared fixture still asserts nothing was blocked.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_dashboard_browser import browser_page  # noqa: F401  (fixture)

AXE = Path(__file__).resolve().parent / "node/node_modules/axe-core/axe.min.js"
# Same origin as the page, so script-src 'self' admits it; the route below answers it from disk.
AXE_PATH = "/__axe-core/axe.min.js"
WIDTHS = (1280, 375)
BLOCKING = ("serious", "critical")

# Opening a <details> starts Pico's colour transitions: axe must see the colours they end on
# (endless ones, such as aria-busy spinners, never finish and are not waited for).
RUN_AXE = """async () => {
  const ending = document.getAnimations().filter((a) => a.effect.getComputedTiming().endTime !== Infinity);
  await Promise.all(ending.map((a) => a.finished));
  const results = await axe.run(document, { resultTypes: ["violations"] });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
  }));
}"""


def require_axe() -> Path:
    """axe-core's script on disk: skipped without it, but a failure in CI (CI=true), as for
    Chromium (tests/e2e/test_browser_requirement.py)."""
    if AXE.is_file():
        return AXE
    missing = f"axe-core is not installed at {AXE} (cd tests/e2e/node && npm ci)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI runs the accessibility test: {missing}", pytrace=False)
    pytest.skip(missing)


def blocking_violations(page: Any, base: str) -> list[str]:
    """axe's serious and critical violations on the current page: each rule, then its elements.
    Every <details> is opened first: menus, filters and calendar entries hide content axe skips."""
    page.eval_on_selector_all("details", "all => all.forEach(d => { d.open = true; })")
    page.add_script_tag(url=base + AXE_PATH)
    return [
        f"{page.url} [{v['impact']}] {v['id']}: {v['help']}\n"
        + "\n".join(
            f"    {n['target']}: {' '.join(n['summary'].split())}" for n in v["nodes"]
        )
        for v in page.evaluate(RUN_AXE)
        if v["impact"] in BLOCKING
    ]


def seed_workspace() -> tuple[Any, list[str]]:
    """A workspace with something on every page: its owner, and the pages no nav link reaches."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from media import services as media_services
    from posts import queues
    from posts.queue_slots import WEEKDAYS
    from tests.conftest import connect_sandbox, make_persona
    from tests.dashboard.helpers import make_post
    from tests.e2e.test_dashboard_browser import png_bytes
    from tests.webhooks.conftest import make_endpoint

    owner = make_persona("axe@example.com")
    # Made first, the endpoint gets a delivery for the post published below.
    endpoint, _ = make_endpoint(owner, "http://127.0.0.1:9/hook", ["post.published"])
    account = connect_sandbox(owner, "demo")
    published = make_post(owner, account, "Published, with a link https://example.com")
    make_post(owner, account, "This one failed", outcome="platform_rejected")
    retrying = make_post(owner, account, "This one retries", outcome="rate_limited")
    later = timezone.now() + timedelta(hours=3)
    make_post(owner, account, "Queued for later", scheduled_at=later)
    threaded = make_post(owner, account, "A thread", thread=("Its second", "Its third"))
    image = SimpleUploadedFile("blue.png", png_bytes((0, 0, 200)), "image/png")
    media_services.ingest_upload(owner.workspace, owner.profile, image, livemode=True)
    # Queue slots in the calendar, and a filled queue editor.
    queues.set_queue(
        owner.profile, "UTC", [{"weekday": d, "time": "09:00"} for d in WEEKDAYS]
    )
    return owner.user, [
        "/app/calendar/?view=week",
        f"/app/calendar/?profile={owner.profile.pk}&status=failed%2Crejected",
        f"/app/profiles/{owner.profile.pk}/queue",
        f"/app/log/{published.pk}/",
        f"/app/log/{retrying.pk}/",
        f"/app/log/{threaded.pk}/",  # the thread's progress
        f"/app/webhooks/{endpoint.pk}/",
        "/app/log/import",  # its POST answers: tests/e2e/test_import_browser.py
    ]


def sign_in(page: Any, base: str, user: Any) -> None:
    """The session cookie of a signed-in Django test client, handed to the browser."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    page.context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": base}]
    )


def linked_paths(page: Any, base: str, path: str, selectors: list[str]) -> list[str]:
    """The path of the first link each selector finds on a page."""
    page.goto(base + path)
    return [page.eval_on_selector(s, "a => a.pathname") for s in selectors]


def audit(page: Any, base: str, paths: list[str]) -> list[str]:
    """Each page at each width: its blocking violations and any sideways scroll, prefixed
    with the width."""
    found: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            page.goto(base + path)
            if path == "/docs/api":
                page.wait_for_selector(".opblock")  # Swagger UI draws after load
            wide = page.evaluate("document.documentElement.scrollWidth")
            if (
                wide > width
            ):  # a phone would scroll sideways (WCAG 1.4.10, which axe skips)
                found.append(f"{width} px {page.url} is {wide} px wide")
            found += [f"{width} px {line}" for line in blocking_violations(page, base)]
    return found


def test_every_page_has_no_serious_or_critical_violation(
    live_server: Any,
    browser_page: Any,  # noqa: F811
    settings: Any,
    tmp_path: Path,
) -> None:
    axe = require_axe()
    settings.MEDIA_ROOT = tmp_path / "media"
    # The endpoint's URL is a closed loopback port, over http (production mode requires https).
    settings.WEBHOOKS_ALLOW_PRIVATE, settings.WEBHOOKS_REQUIRE_HTTPS = True, False
    page, base = browser_page, live_server.url
    page.route(base + AXE_PATH, lambda route: route.fulfill(path=str(axe)))

    found = audit(
        page,
        base,
        ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/nope"],
    )
    user, unlinked = seed_workspace()
    sign_in(page, base, user)
    page.goto(base + "/")
    nav = page.eval_on_selector_all(
        ".topbar a[href], #sidebar a[href]", "links => links.map(a => a.pathname)"
    )
    docs = linked_paths(
        page,
        base,
        "/docs/preflight/",
        ["tr.rule a", "main ul:not(.fields) li a", "ul.fields a"],
    )
    docs += linked_paths(page, base, "/docs/", ["a[href*='/docs/errors/']"])
    pages = list(dict.fromkeys([*nav, *unlinked, *docs, "/docs/platforms/bluesky"]))
    assert {"/", "/app/log/", "/app/compose/", "/docs/", "/docs/api"} <= set(pages)
    found += audit(page, base, pages)

    assert found == [], "axe: serious or critical violations\n" + "\n".join(found)
    assert page.csp_violations == []


def test_missing_axe_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(f"{__name__}.AXE", tmp_path / "axe.min.js")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI runs the accessibility test"):
        require_axe()


def test_missing_axe_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(f"{__name__}.AXE", tmp_path / "axe.min.js")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="axe-core is not installed"):
        require_axe()

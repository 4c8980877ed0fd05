"""Every HTML page sends a Content-Security-Policy, and no page needs an inline script or style.

Pages are found by following links from the entry points, signed in and signed out, so a new page
is covered as soon as something links to it. The browser test (tests/e2e/test_dashboard_browser.py)
proves the pages still work under the policy.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from tests.conftest import Persona, connect_sandbox, post_json

REPO = Path(__file__).resolve().parents[2]
ENTRY_POINTS = (
    "/",
    "/app/",
    "/docs/",
    "/docs/api",
    "/accounts/login/",
    "/admin/",
)
NOT_PAGES = ("/v1", "/static/", "/m/", "/media/", "/accounts/logout/", "/admin/logout/")
DATA_TYPES = {"application/json", "application/ld+json"}  # data, never run


class InlineCode(HTMLParser):
    """Collect what a `script-src 'self'; style-src 'self'` policy would block, and the links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if (
            tag == "script"
            and "src" not in named
            and named.get("type") not in DATA_TYPES
        ):
            self.found.append(f"<script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name, _ in attrs:
            if name == "style" or name.startswith(("on", "hx-on")):
                self.found.append(f"<{tag} {name}=…> at line {self.getpos()[0]}")
        if tag == "a" and (href := named.get("href")):
            self.links.append(href)


def shape(path: str) -> str:
    """Pages from one template count once: every rule page, every post's page."""
    path = re.sub(r"^(/docs/(?:preflight|errors)/)[^/]+$", r"\1*", path)
    return re.sub(r"/([0-9a-f]{8}-[0-9a-f-]{27}|\d+)/", "/*/", path)


def crawl(client: Client, limit: int = 200) -> dict[str, tuple[str | None, list[str]]]:
    """path → (its CSP header, the inline code it carries), for every kind of HTML page reached."""
    seen: dict[str, tuple[str | None, list[str]]] = {}
    shapes: set[str] = set()
    queue = list(ENTRY_POINTS)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if shape(path) in shapes or path.startswith(NOT_PAGES):
            continue
        shapes.add(shape(path))
        response = client.get(path, follow=True)
        if not response["Content-Type"].startswith("text/html"):
            continue
        parser = InlineCode()
        parser.feed(response.content.decode())
        seen[path] = (response.get("Content-Security-Policy"), parser.found)
        for href in parser.links:
            parts = urlsplit(urljoin(path, href))
            if not parts.netloc or parts.netloc == "testserver":
                queue.append(parts.path)
    return seen


@pytest.fixture
def signed_in_owner(owner: Persona, client: Client) -> Client:
    account = connect_sandbox(owner, "demo")
    post_json(
        owner.client,
        "/v1/posts",
        {"targets": [{"accountId": str(account.pk)}], "text": "hi"},
    )
    owner.user.is_staff = owner.user.is_superuser = True  # the admin's pages too
    owner.user.save()
    client.force_login(owner.user)
    return client


@pytest.mark.parametrize("who", ["signed in", "signed out"])
def test_every_html_page_sends_the_policy_and_carries_no_inline_code(
    who: str, signed_in_owner: Client, db: None
) -> None:
    pages = crawl(signed_in_owner if who == "signed in" else Client())
    assert len(pages) >= (20 if who == "signed in" else 5), sorted(pages)
    missing = [path for path, (policy, _) in pages.items() if not policy]
    assert missing == []
    inline = {path: found for path, (_, found) in pages.items() if found}
    assert inline == {}
    policy = next(iter(pages.values()))[0] or ""
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_other_security_headers_are_kept(client: Client, db: None) -> None:
    response = client.get("/docs/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "Content-Security-Policy" not in client.get(
        "/v1/openapi.json"
    )  # JSON: no page


INLINE_IN_TEMPLATE = re.compile(
    r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|<style[\s>]|\sstyle=\"|\son[a-z]+=|\shx-on",
    re.IGNORECASE,
)


def test_no_template_of_ours_has_inline_script_or_style() -> None:
    templates = [
        p
        for p in REPO.glob("**/templates/**/*.html")
        if ".venv" not in p.parts and "node_modules" not in p.parts
    ]
    assert len(templates) > 20
    found = [
        f"{path.relative_to(REPO)}: {match.group(0)}"
        for path in templates
        for match in INLINE_IN_TEMPLATE.finditer(path.read_text())
    ]
    assert found == []


def test_the_swagger_ui_init_script_is_a_file(client: Client, db: None) -> None:
    page = client.get("/docs/api")
    assert b'src="/docs/api?script="' in page.content
    script = client.get("/docs/api?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content

"""WordPress end to end: Debian's `wordpress` package (PHP's built-in server, the local MariaDB)
on loopback, run by tests/e2e/wordpress.sh; nothing is mocked.

A fresh site is installed with an administrator's application password, connected through our
API, and posts are published through `POST /v1/posts`; each is then read back from WordPress's own
REST API: title, HTML content with its link, the tag, the featured image (and its bytes), the
slug, the first comment. A lost answer (the post applied, the connection dropped before the
answer, by `HoldingProxy`) is reconciled by the post's slug, leaving exactly one post.

Needs `php`, `mysql` and /usr/share/wordpress (`apt-get install wordpress php-cli php-mysql`), a
MariaDB on 127.0.0.1:3306 (root, empty password, or MYSQL_USER/MYSQL_PASSWORD) and a writable
/etc/wordpress. Skipped when they are missing, except in CI (CI=true or LETMEPOST_E2E_REQUIRED=1),
where that fails. Run with `pytest -m e2e tests/e2e/test_wordpress.py`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from platforms.wordpress.adapter import post_slug
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, error_of, post_json
from tests.e2e.upstreams import HoldingProxy, free_port
from tests.platforms.bluesky.conftest import png

pytestmark = [pytest.mark.e2e]

SCRIPT = Path(__file__).resolve().with_name("wordpress.sh")
COMPLETE = "/v1/accounts/connect/wordpress/complete"
START_TIMEOUT = 60


def _required() -> bool:
    return any(
        os.environ.get(name, "").strip().lower() in ("1", "true", "yes")
        for name in ("CI", "LETMEPOST_E2E_REQUIRED")
    )


def unavailable(reason: str) -> None:
    """Skip, or in CI fail: CI installs WordPress (.ci/run), so missing it there is a bug."""
    if _required():
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class Site:
    url: str
    username: str
    app_password: str

    def get(self, route: str, **params: Any) -> Any:
        """A route of WordPress's REST API, read as the site's administrator."""
        response = requests.get(
            f"{self.url}/wp-json/{route}",
            params={"context": "edit", **params},
            auth=(self.username, self.app_password),
            timeout=10,
        )
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    missing = [
        need
        for need, ok in (
            ("php", shutil.which("php")),
            ("mysql", shutil.which("mysql")),
            (
                "/usr/share/wordpress",
                Path("/usr/share/wordpress/wp-load.php").is_file(),
            ),
            ("a writable /etc/wordpress", os.access("/etc/wordpress", os.W_OK)),
        )
        if not ok
    ]
    if missing:
        unavailable(f"WordPress cannot run here: {', '.join(missing)} missing")
    port, scratch = free_port(), tmp_path_factory.mktemp("wordpress")
    log_path = scratch / "wordpress.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - the project's own script
            [str(SCRIPT), "serve", str(port), str(scratch / "data")],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield _ready(server, log_path, port)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        subprocess.run([str(SCRIPT), "clean", str(port)], check=False)  # noqa: S603


def _ready(server: subprocess.Popen[bytes], log_path: Path, port: int) -> Site:
    """The installed site, once its JSON line is printed and the server answers."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        lines = [ln for ln in log_path.read_text().splitlines() if ln.startswith("{")]
        if lines:
            info = json.loads(lines[0])
            try:
                requests.get(f"http://127.0.0.1:{port}/wp-json/", timeout=2)
                return Site(info["url"], info["username"], info["applicationPassword"])
            except requests.ConnectionError:
                pass
        if server.poll() is not None or time.monotonic() > deadline:
            unavailable(f"WordPress did not start:\n{log_path.read_text()[-2000:]}")
        time.sleep(0.2)


@pytest.fixture
def private_urls(settings) -> None:
    settings.ALLOW_PRIVATE_URLS = True  # the site is on loopback, over http


def connect(persona: Persona, url: str, site: Site) -> dict[str, Any]:
    response = post_json(
        persona.client,
        COMPLETE,
        {
            "instanceUrl": url,
            "username": site.username,
            "appPassword": site.app_password,
        },
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_connect_publish_and_read_the_post_back(
    site: Site, owner: Persona, private_urls
) -> None:
    wrong = post_json(
        owner.client,
        COMPLETE,
        {"instanceUrl": site.url, "username": site.username, "appPassword": "x" * 24},
    )
    assert (wrong.status_code, error_of(wrong)["code"]) == (401, "platform_auth_failed")
    account = connect(owner, site.url, site)

    image = png(64, 48)
    uploaded = owner.client.post(
        "/v1/media",
        {"file": SimpleUploadedFile("chart.png", image, content_type="image/png")},
    )
    assert uploaded.status_code in (200, 201), uploaded.json()
    text = "Release notes: https://example.com/notes?a=1&b=2.\n\nSee <you> there"
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [
                {
                    "accountId": account["id"],
                    "options": {"title": "Release 2.0", "tags": ["release", "e2e"]},
                }
            ],
            "text": text,
            "media": [
                {
                    "kind": "image",
                    "mediaId": uploaded.json()["id"],
                    "altText": "a chart",
                }
            ],
            "firstComment": {"text": "Questions welcome"},
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    assert result["status"] == "published", result

    target = PostTarget.objects.get(pk=result["postId"])
    post = site.get(f"wp/v2/posts/{target.platform_cid}")
    assert post["status"] == "publish" and post["title"]["raw"] == "Release 2.0"
    assert post["link"] == result["uri"] == target.platform_uri
    assert post["content"]["raw"] == (
        '<p>Release notes: <a href="https://example.com/notes?a=1&amp;b=2">'
        "https://example.com/notes?a=1&amp;b=2</a>.</p>\n<p>See &lt;you&gt; there</p>"
    )
    assert post["slug"] == post_slug("Release 2.0", str(target.pk))
    tags = {
        t["name"]
        for t in site.get("wp/v2/tags", include=",".join(map(str, post["tags"])))
    }
    assert tags == {"release", "e2e"}
    media = site.get(f"wp/v2/media/{post['featured_media']}")
    assert media["alt_text"] == "a chart" and media["mime_type"] == "image/png"
    assert requests.get(media["source_url"], timeout=10).content == image
    (comment,) = site.get("wp/v2/comments", post=post["id"], status="all")
    assert comment["content"]["raw"] == "Questions welcome"

    # A tag that exists is reused, not created twice.
    again = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [
                {
                    "accountId": account["id"],
                    "options": {
                        "title": "Draft",
                        "status": "draft",
                        "tags": ["Release"],
                    },
                }
            ],
            "text": "Later",
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    (draft,) = again.json()["results"]
    assert draft["status"] == "published", draft
    saved = site.get(
        f"wp/v2/posts/{PostTarget.objects.get(pk=draft['postId']).platform_cid}"
    )
    assert (saved["status"], saved["tags"]) == ("draft", [tags_id(site, "release")])


def tags_id(site: Site, name: str) -> int:
    (tag,) = [t for t in site.get("wp/v2/tags", search=name) if t["name"] == name]
    return int(tag["id"])


def test_a_lost_answer_is_reconciled_by_the_slug(
    site: Site, owner: Persona, private_urls, settings
) -> None:
    """WordPress applies the post, the connection drops before its answer: the engine records
    an unknown outcome, then finds the post by its slug instead of publishing it again."""
    settings.PUBLISH_RETRY_BASE_SECONDS = 0
    title = f"Lost answer {uuid.uuid4().hex[:8]}"
    with HoldingProxy(
        site.url, hold_path="wp/v2/posts", marker=title.encode()
    ) as proxy:
        proxy.release.set()  # the held answer is dropped at once: the connection just closes
        account = connect(owner, proxy.url, site)
        response = post_json(
            owner.client,
            "/v1/posts",
            {
                "targets": [{"accountId": account["id"], "options": {"title": title}}],
                "text": "Sent once",
                "scheduledAt": (timezone.now() + timedelta(hours=1)).isoformat(),
            },
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
        assert response.status_code == 202, response.json()
        target = PostTarget.objects.get()
        PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
        (claim,) = claim_due()
        assert publish_claimed(claim) == "unknown"
        assert proxy.landed.is_set()

        slug = post_slug(title, str(target.pk))  # the engine's token
        (landed,) = site.get("wp/v2/posts", slug=slug, status="any")
        PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
        (claim,) = claim_due()
        assert publish_claimed(claim) == "published"
    target.refresh_from_db()
    assert (target.status, target.platform_cid) == (
        PostTarget.Status.PUBLISHED,
        str(landed["id"]),
    )
    assert [p["id"] for p in site.get("wp/v2/posts", search=title, status="any")] == [
        landed["id"]
    ]

"""The deep stage: stored files and URLs are read for real (a loopback HTTP server), through the
SSRF-guarded session of platforms.http, then the deep rules judge what was found."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO

import pytest
import requests

from platforms.base import MediaItem, PlatformAdapter, PublishResult, UrlProbe
from platforms.preflight import catalog
from platforms.preflight.deep import fetch_with, run_deep
from tests.preflight import media_files as f
from tests.preflight.support import draft, image, rule_ids, video

# path -> (status, Content-Type header, body)
ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/photo.png": (200, "image/png", f.png(1080, 1080)),
    "/mislabelled.png": (200, "image/jpeg", f.png(1080, 1080)),
    "/photo.bmp": (200, "image/bmp", f.bmp(100, 100)),
    "/cover.gif": (200, "image/gif", f.gif(600, 900)),
    "/cover.jpg": (200, "image/jpeg; charset=binary", f.jpeg(600, 900)),
    "/short.mp4": (200, "video/mp4", f.mp4(2.5, 540, 960)),
    "/clip.mp4": (200, "video/mp4", f.mp4(30, 1080, 1920)),
    "/page": (200, "text/html", b"<html>ok</html>"),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, content_type, body = ROUTES.get(self.path, (404, "text/plain", b"nope"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def loopback_allowed(settings: Any) -> None:
    settings.ALLOW_PRIVATE_URLS = True  # the one install-wide switch of platforms.http


def deep(platform: str, d: Any, **kw: Any) -> list[str]:
    return rule_ids(catalog.deep_preflight(platform, d, **kw))


def test_an_unreachable_media_url_fails_and_a_live_one_passes(
    server: str, loopback_allowed: None
) -> None:
    found = catalog.deep_preflight(
        "bluesky", draft(media=(image(url=f"{server}/gone.png"),))
    )
    assert rule_ids(found) == ["bluesky.media.reachable"]
    assert "HTTP 404" in found[0].message and found[0].field == "media.0.url"
    assert deep("bluesky", draft(media=(image(url=f"{server}/photo.png"),))) == []


def test_the_guard_refuses_loopback_urls_unless_the_install_allows_them(
    server: str,
) -> None:
    found = catalog.deep_preflight(
        "twitter", draft(media=(image(url=f"{server}/photo.png"),))
    )
    assert rule_ids(found) == ["twitter.media.reachable"]
    assert "not a public internet address" in found[0].message


def test_bytes_win_over_the_content_type_header(
    server: str, loopback_allowed: None
) -> None:
    # A PNG served as image/jpeg is a PNG: allowed on Bluesky, refused on Pinterest? no: allowed.
    assert deep("bluesky", draft(media=(image(url=f"{server}/mislabelled.png"),))) == []
    assert deep("bluesky", draft(media=(image(url=f"{server}/photo.bmp"),))) == [
        "bluesky.media.mime_allowed"
    ]


def test_pinterest_probes_the_destination_and_the_cover(
    server: str, loopback_allowed: None
) -> None:
    base = {"board_id": "1", "cover_image_url": f"{server}/cover.gif"}
    found = deep(
        "pinterest",
        draft(
            media=(video(url=f"{server}/clip.mp4"),),
            options={**base, "destination_url": f"{server}/missing-page"},
        ),
    )
    assert found == [
        "pinterest.destination_url.reachable",
        "pinterest.cover_image.mime_allowed",
    ]
    ok = {
        **base,
        "cover_image_url": f"{server}/cover.jpg",
        "destination_url": f"{server}/page",
    }
    assert (
        deep("pinterest", draft(media=(video(url=f"{server}/clip.mp4"),), options=ok))
        == []
    )


def test_tiktok_reads_duration_and_size_from_the_video(
    server: str, loopback_allowed: None
) -> None:
    production = {"privacy_level_options": ["PUBLIC_TO_EVERYONE", "SELF_ONLY"]}
    short = draft(media=(video(url=f"{server}/short.mp4"),), account_limits=production)
    assert deep("tiktok", short) == ["tiktok.video.too_short"]
    fine = draft(media=(video(url=f"{server}/clip.mp4"),), account_limits=production)
    assert deep("tiktok", fine) == []


def test_a_video_whose_facts_are_unknown_gets_the_probe_warning() -> None:
    found = catalog.deep_preflight("tiktok", draft(media=(video(media_id="med_1"),)))
    assert [(v.rule, v.severity) for v in found] == [
        ("tiktok.video.probe_unavailable", "warning")
    ]


def test_stored_files_are_sniffed_and_their_bytes_win(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    path.write_bytes(f.png(1080, 1350))
    item = image(media_id="med_1", content_type="image/jpeg", size_bytes=1)

    def open_media(media: MediaItem) -> BinaryIO | None:
        return path.open("rb") if media.media_id == "med_1" else None

    found = catalog.deep_preflight(
        "instagram", draft(media=(item,)), open_media=open_media
    )
    assert rule_ids(found) == ["instagram.media.mime_allowed"]
    assert "image/png" in found[0].message


def test_no_request_is_made_without_network_rules_or_urls() -> None:
    def no_network(url: str) -> UrlProbe:
        raise AssertionError(f"fetched {url}")

    with_url = draft(media=(image(url="https://cdn.example.com/a.jpg"),))
    assert (
        deep("facebook", with_url, fetch=no_network) == []
    )  # Facebook fetches URLs itself
    assert deep("bluesky", draft(media=(image(media_id="m"),)), fetch=no_network) == []


def test_a_network_error_is_reported_not_raised() -> None:
    class Refusing(requests.Session):
        def get(self, url: str | bytes, **kwargs: Any) -> requests.Response:  # type: ignore[override]
            raise requests.ConnectionError("connection refused")

    found = catalog.deep_preflight(
        "youtube",
        draft(media=(video(url="https://videos.example.com/v.mp4"),)),
        fetch=fetch_with(Refusing()),
    )
    assert rule_ids(found) == ["youtube.media.reachable"]
    assert "ConnectionError" in found[0].message


class FakeAdapter(PlatformAdapter):
    """A fake adapter (a plug-in boundary, not our code under test)."""

    slug = "bluesky"
    display_name = "Fake"
    version = "fake"
    rules = catalog.rules_for("bluesky")
    deep_rules = catalog.deep_rules_for("bluesky")

    def publish(self, d: Any) -> PublishResult:
        raise NotImplementedError


def test_the_adapter_hook_runs_the_deep_rules() -> None:
    adapter = FakeAdapter(account=None)  # type: ignore[arg-type]
    d = draft(media=(image(url="https://cdn.example.com/a.jpg"),), first_comment=" ")

    def gone(url: str) -> UrlProbe:
        return UrlProbe(url=url, status=410)

    assert rule_ids(adapter.deep_preflight(d, fetch=gone)) == [
        "bluesky.media.reachable",
        "bluesky.first_comment.non_empty",
    ]
    assert adapter.preflight(draft("")) and rule_ids(adapter.preflight(draft("")))[
        0
    ] == ("bluesky.text.non_empty")


def test_run_deep_with_no_rules_is_empty() -> None:
    assert run_deep((), draft()) == []

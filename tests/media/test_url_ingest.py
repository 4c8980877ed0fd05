"""`POST /v1/media` with `{"url": …}`: fetched through platforms.http from a real loopback server."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator

import pytest

from media.models import Media
from tests.conftest import Persona, error_of, post_json
from tests.media.conftest import HTML, png_bytes
from tests.media.loopback import (
    LoopbackServer,
    endless,
    loopback_server,
    redirect,
    reply,
)

PNG = png_bytes((9, 4))


@pytest.fixture
def origin() -> Iterator[LoopbackServer]:
    with loopback_server(
        {
            "/photo.png": reply(PNG, headers={"Content-Type": "text/plain"}),
            "/page.jpg": reply(HTML, headers={"Content-Type": "image/jpeg"}),
            "/moved": redirect("/photo.png"),
            "/missing.png": reply(b"gone", 404),
        }
    ) as srv:
        yield srv


def from_url(persona: Persona, url: str, query: str = ""):
    return post_json(persona.client, f"/v1/media{query}", {"url": url})


def local(srv: LoopbackServer, path: str) -> str:
    return srv.url(path, host="localhost")  # the API takes host names, not IP literals


def test_a_url_is_fetched_sniffed_and_stored(
    owner: Persona, origin: LoopbackServer, allow_private: None
) -> None:
    response = from_url(owner, local(origin, "/photo.png"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["contentType"], body["width"], body["height"]) == ("image/png", 9, 4)
    assert body["sha256"] == hashlib.sha256(PNG).hexdigest()
    media = Media.objects.get(pk=body["id"])
    assert media.source_url == local(origin, "/photo.png")
    seen = origin.seen[-1]
    assert seen.headers["User-Agent"].startswith("letmepost/")
    assert seen.headers["Accept-Encoding"] == "identity"


def test_redirects_are_followed(
    owner: Persona, origin: LoopbackServer, allow_private: None
) -> None:
    response = from_url(owner, local(origin, "/moved"))
    assert response.status_code == 201 and response.json()["width"] == 9


def test_a_private_address_is_refused_when_not_allowed(
    owner: Persona, origin: LoopbackServer
) -> None:
    response = from_url(owner, local(origin, "/photo.png"))
    assert response.status_code == 400
    assert error_of(response)["rule"] == "url.private_address"
    assert origin.seen == [] and not Media.objects.exists()


def test_html_behind_an_image_url_is_refused(
    owner: Persona, origin: LoopbackServer, allow_private: None
) -> None:
    response = from_url(owner, local(origin, "/page.jpg"))
    assert response.status_code == 400
    assert error_of(response)["rule"] == "media.type_unsupported"


def test_an_error_answer_is_a_fetch_failure(
    owner: Persona, origin: LoopbackServer, allow_private: None
) -> None:
    response = from_url(owner, local(origin, "/missing.png"))
    assert response.status_code == 400
    error = error_of(response)
    assert error["rule"] == "media.url_fetch_failed" and "404" in error["message"]


def test_an_unreachable_host_is_a_fetch_failure(
    owner: Persona, allow_private: None
) -> None:
    with loopback_server() as srv:
        url = local(srv, "/gone.png")
    response = from_url(owner, url)  # the server is closed now: connection refused
    assert response.status_code == 400
    assert error_of(response)["rule"] == "media.url_fetch_failed"


def test_a_declared_length_over_the_cap_is_refused_before_reading(
    owner: Persona, allow_private: None, settings
) -> None:
    settings.MEDIA_MAX_IMAGE_BYTES = settings.MEDIA_MAX_VIDEO_BYTES = 100_000
    settings.MEDIA_MAX_DOCUMENT_BYTES = 100_000
    with loopback_server() as srv:
        srv.routes["/big.png"] = endless(srv, "/big.png", declare=10**9)
        response = from_url(owner, local(srv, "/big.png"))
    assert response.status_code == 413
    assert error_of(response)["rule"] == "media.size_max"


def test_an_undeclared_endless_body_is_cut_at_the_cap(
    owner: Persona, allow_private: None, settings
) -> None:
    settings.MEDIA_MAX_IMAGE_BYTES = settings.MEDIA_MAX_VIDEO_BYTES = 100_000
    settings.MEDIA_MAX_DOCUMENT_BYTES = 100_000
    with loopback_server() as srv:
        srv.routes["/stream.png"] = endless(srv, "/stream.png")
        response = from_url(owner, local(srv, "/stream.png"))
    assert response.status_code == 413
    assert error_of(response)["rule"] == "media.size_max"
    # We stopped reading at the cap; the server only got ahead by what socket buffers hold.
    deadline = time.monotonic() + 10
    while "/stream.png" not in srv.bytes_sent and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.bytes_sent["/stream.png"] < 100 * 1024 * 1024


def test_a_profile_id_applies_to_url_uploads_too(
    owner: Persona, origin: LoopbackServer, allow_private: None
) -> None:
    response = from_url(owner, local(origin, "/photo.png"), "?profileId=nope")
    assert (
        response.status_code == 404 and error_of(response)["rule"] == "profile.unknown"
    )
    assert origin.seen == []

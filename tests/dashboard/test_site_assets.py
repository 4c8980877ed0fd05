"""What every page pulls besides itself: the icon, and static files served without Django's
"StreamingHttpResponse must consume synchronous iterators" warning (issue #21, 8)."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

from asgiref.testing import ApplicationCommunicator
from django.test import Client


def test_favicon_ico_leads_to_the_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("/favicon.svg")
    icon = client.get(response["Location"])
    assert icon.status_code == 200 and icon["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(icon.streaming_content)


def test_pages_link_the_icon(client: Client, db: None) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html


async def _get(app: Any, path: str) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    communicator = ApplicationCommunicator(app, scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(10)
    body = b""
    while True:
        message = await communicator.receive_output(10)
        body += message.get("body", b"")
        if not message.get("more_body"):
            return start["status"], body


def test_the_embedded_server_streams_static_files_without_the_warning() -> None:
    """`serve` runs Django as WSGI under a2wsgi: whitenoise's file responses are plain
    iterators there, which Django's own ASGI handler would warn about on every page."""
    from letmepost.asgi import django_application

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status, body = asyncio.run(_get(django_application, "/static/app.css"))
    assert status == 200 and b"letmepost dashboard" in body
    assert not [w for w in caught if "StreamingHttpResponse" in str(w.message)]

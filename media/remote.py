"""Fetch a media URL into a spool, through the SSRF-guarded session, never past the size cap."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import requests
import urllib3
from django.conf import settings

from letmepost.errors import ValidationFailed
from media.spool import CHUNK_BYTES, Spool, spool_chunks, too_large
from platforms import http

ACCEPT = "image/jpeg, image/png, image/gif, image/webp, video/*;q=0.9"


def fetch_failed(url: str, reason: str) -> ValidationFailed:
    return ValidationFailed(
        f"Could not fetch {url}: {reason}.",
        rule="media.url_fetch_failed",
        remediation="Use a public URL that answers 200 with the file to anonymous GET requests.",
    )


@contextmanager
def download(url: str, *, limit: int) -> Iterator[Spool]:
    """Spool the body of GET `url`; raises ValidationFailed (`media.url_fetch_failed`,
    `media.size_max`, `url.*`) instead of network exceptions."""
    deadline = time.monotonic() + settings.MEDIA_URL_FETCH_SECONDS
    with http.session() as session:
        try:
            # identity: a compressed body could expand far past the cap inside one read
            response = session.get(
                url,
                stream=True,
                headers={"Accept": ACCEPT, "Accept-Encoding": "identity"},
            )
        except requests.RequestException as exc:
            raise fetch_failed(url, _reason(exc)) from None
        with response:
            if not 200 <= response.status_code < 300:
                raise fetch_failed(url, f"it answered HTTP {response.status_code}")
            declared = _content_length(response)
            if declared is not None and declared > limit:
                raise too_large(limit, f"The file at {url}")
            chunks = _read_capped(response, url, limit=limit, deadline=deadline)
            with spool_chunks(chunks, limit=limit) as spool:
                yield spool


def _read_capped(
    response: requests.Response, url: str, *, limit: int, deadline: float
) -> Iterator[bytes]:
    """Yield the body, reading at most one byte past `limit` (enough to know it is too big)."""
    remaining = limit + 1
    while remaining > 0:
        if time.monotonic() > deadline:
            raise fetch_failed(
                url, f"it took longer than {settings.MEDIA_URL_FETCH_SECONDS} s"
            )
        try:
            chunk = response.raw.read(min(CHUNK_BYTES, remaining), decode_content=True)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise fetch_failed(url, f"the download broke off ({exc})") from None
        if not chunk:
            return
        remaining -= len(chunk)
        yield chunk


def _content_length(response: requests.Response) -> int | None:
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None


def _reason(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.Timeout):
        return "it did not answer in time"
    if isinstance(exc, requests.TooManyRedirects):
        return f"more than {http.MAX_REDIRECTS} redirects"
    if isinstance(exc, requests.ConnectionError):
        return "the host could not be reached"
    return str(exc)

"""The deep stage: learn what the draft's media and URLs really are, then run the deep rules.

The only IO in preflight lives here: reading stored files (`open_media`) and GETting URLs through
a `Fetcher` (by default the SSRF-guarded session of `platforms.http`, which refuses private
and loopback addresses unless LETMEPOST_ALLOW_PRIVATE_URLS is set). Rules stay pure: they read
the facts this module writes onto a copy of the draft.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import BinaryIO

import requests

from platforms.base import Draft, Fetcher, MediaItem, Rule, UrlProbe, Violation
from platforms.preflight.media import HEAD_BYTES, facts_from_file, facts_from_head
from platforms.preflight.spec import CheckedRule

PROBE_TIMEOUT_SECONDS = 10  # the reference's probe timeout (pinterest.*.reachable)
# Option keys (snake_case, as the API's parser leaves them) whose values are URLs to probe.
URL_OPTIONS = ("cover_image_url", "destination_url")

OpenMedia = Callable[[MediaItem], BinaryIO | None]


def run_deep(
    rules: Sequence[Rule],
    draft: Draft,
    *,
    fetch: Fetcher | None = None,
    open_media: OpenMedia | None = None,
) -> list[Violation]:
    """Probe what the rules need, then return every violation (warnings included)."""
    if open_media is not None:
        draft = with_file_facts(draft, open_media)
    if any(isinstance(r, CheckedRule) and r.spec.network for r in rules) and urls_of(
        draft
    ):
        if fetch is not None:
            draft = with_probes(draft, fetch)
        else:
            with default_fetcher() as guarded:
                draft = with_probes(draft, guarded)
    return [v for rule in rules if (v := rule(draft)) is not None]


def urls_of(draft: Draft) -> list[str]:
    """Media URLs, then URL-valued options, each once."""
    found = [item.url for item in draft.media if item.url]
    found += [
        value
        for key in URL_OPTIONS
        if isinstance(value := draft.options.get(key), str) and value
    ]
    return list(dict.fromkeys(found))


def with_probes(draft: Draft, fetch: Fetcher) -> Draft:
    probes = {
        url: fetch(url)
        for url in urls_of(draft)
        if url.startswith(("http://", "https://"))
    }
    media = tuple(
        _merge_probe(item, probes.get(item.url or "")) for item in draft.media
    )
    return replace(draft, media=media, probes={**draft.probes, **probes})


def _merge_probe(item: MediaItem, probe: UrlProbe | None) -> MediaItem:
    """Fill what the item does not know from what the URL answered (sniffed type first)."""
    if probe is None or not probe.ok:
        return item
    return replace(
        item,
        content_type=item.content_type or probe.sniffed_type or probe.content_type,
        size_bytes=item.size_bytes
        if item.size_bytes is not None
        else probe.content_length,
        width=item.width or probe.width,
        height=item.height or probe.height,
        duration_seconds=item.duration_seconds or probe.duration_seconds,
    )


def with_file_facts(draft: Draft, open_media: OpenMedia) -> Draft:
    """Replace declared facts by what stored files are: the sniffed type wins over the label."""
    media = []
    for item in draft.media:
        stream = open_media(item)
        if stream is None:
            media.append(item)
            continue
        with contextlib.closing(stream):
            facts = facts_from_file(stream)
        media.append(
            replace(
                item,
                content_type=facts.content_type or item.content_type,
                size_bytes=facts.size_bytes,
                width=facts.width or item.width,
                height=facts.height or item.height,
                duration_seconds=facts.duration_seconds or item.duration_seconds,
            )
        )
    return replace(draft, media=tuple(media))


def fetch_with(
    session: requests.Session, unsafe: Iterable[type[BaseException]] = ()
) -> Fetcher:
    """A fetcher over `session`: GET, read at most HEAD_BYTES, never raise."""
    refused = tuple(unsafe)

    def fetch(url: str) -> UrlProbe:
        try:
            with session.get(
                url, stream=True, timeout=PROBE_TIMEOUT_SECONDS
            ) as response:
                head = _read_head(response)
                facts = facts_from_head(head)
                return UrlProbe(
                    url=url,
                    status=response.status_code,
                    content_type=_media_type(response.headers.get("Content-Type")),
                    content_length=_int_or_none(response.headers.get("Content-Length")),
                    sniffed_type=facts.content_type,
                    width=facts.width,
                    height=facts.height,
                    duration_seconds=facts.duration_seconds,
                )
        except refused as exc:
            return UrlProbe(url=url, error=f"refused: {exc}")
        except requests.RequestException as exc:
            return UrlProbe(url=url, error=type(exc).__name__)

    return fetch


@contextlib.contextmanager
def default_fetcher() -> Iterator[Fetcher]:
    """A fetcher over a fresh SSRF-guarded `platforms.http` session, closed afterwards."""
    from platforms import http

    with http.session() as session:
        yield fetch_with(session, (http.UnsafeUrl,))


def _read_head(response: requests.Response) -> bytes:
    if not 200 <= response.status_code < 300:
        return b""
    head = b""
    for chunk in response.iter_content(chunk_size=16 * 1024):
        head += chunk
        if len(head) >= HEAD_BYTES:
            break
    return head[:HEAD_BYTES]


def _media_type(header: str | None) -> str | None:
    if not header:
        return None
    return header.split(";", 1)[0].strip().lower() or None


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None

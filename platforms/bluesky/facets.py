"""Rich-text facets for Bluesky posts: links, mentions and hashtags, indexed in UTF-8 bytes.

A port of the official client's `RichText.detectFacets` (@atproto/api `rich-text/detection.ts` and
`util.ts`): same patterns, same trailing-punctuation rules, same TLD check for scheme-less links
(`example.com` becomes `https://example.com`) and handles, so a post made here looks exactly like
one typed in the Bluesky app. Lexicon: `app.bsky.richtext.facet` (byteStart inclusive, byteEnd
exclusive, both in UTF-8 bytes of `text`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import regex

from platforms.preflight.tlds import IDN_TLDS, TLDS

# JavaScript's \b: a boundary between an ASCII word character and anything else.
_JS_WORD_BOUNDARY = (
    r"(?:(?<=[A-Za-z0-9_])(?![A-Za-z0-9_])|(?<![A-Za-z0-9_])(?=[A-Za-z0-9_]))"
)
MENTION = regex.compile(r"(^|\s|\()(@)([a-zA-Z0-9.-]+)" + _JS_WORD_BOUNDARY)
URL = regex.compile(
    r"(^|\s|\()((https?://[\S]+)|((?P<domain>[a-z][a-z0-9]*(\.[a-z0-9]+)+)[\S]*))",
    regex.IGNORECASE | regex.MULTILINE,
)
_INVISIBLE = (
    r"\u00AD\u2060\u200A\u200B\u200C\u200D\u20e2"  # zero-width joiners and spaces
)
TAG = regex.compile(  # the fullwidth number sign starts a tag too, as in the app
    rf"(^|\s)[#\uff03]((?!\ufe0f)[^\s{_INVISIBLE}]*[^0-9\s\p{{P}}{_INVISIBLE}]+[^\s{_INVISIBLE}]*)?"
)
TRAILING_PUNCTUATION = regex.compile(r"\p{P}+\Z")
MAX_TAG_LENGTH = 64  # UTF-16 code units, as the official client counts

LINK = "app.bsky.richtext.facet#link"
ALL_TLDS = TLDS | IDN_TLDS  # what the official app's tlds package lists
MENTION_FEATURE = "app.bsky.richtext.facet#mention"
TAG_FEATURE = "app.bsky.richtext.facet#tag"


@dataclass(frozen=True)
class Candidate:
    """A facet found in the text, before mentions are resolved to DIDs."""

    kind: str  # "mention" | "link" | "tag"
    start: int  # code-point offsets into the text
    end: int
    value: str  # handle, URI or tag


def is_valid_domain(name: str) -> bool:
    """True when `name` ends in `.<known TLD>` (case-sensitive, like the official check)."""
    return "." in name and name.rsplit(".", 1)[1] in ALL_TLDS


def _utf16_length(value: str) -> int:
    return len(value.encode("utf-16-le", "surrogatepass")) // 2


def detect(text: str) -> list[Candidate]:
    """Every mention, link and hashtag in `text`, in the official client's order."""
    found: list[Candidate] = []
    for match in MENTION.finditer(text):
        handle = match.group(3)
        if not is_valid_domain(handle) and not handle.endswith(".test"):
            continue  # probably not a handle
        found.append(Candidate("mention", match.start(2), match.end(3), handle))
    for match in URL.finditer(text):
        uri = match.group(2)
        start, end = match.start(2), match.end(2)
        if not uri.startswith("http"):
            domain = match.group("domain")
            if not domain or not is_valid_domain(domain):
                continue
            uri = f"https://{uri}"
        if uri[-1] in ".,;:!?":
            uri, end = uri[:-1], end - 1
        if uri.endswith(")") and "(" not in uri:
            uri, end = uri[:-1], end - 1
        found.append(Candidate("link", start, end, uri))
    for match in TAG.finditer(text):
        tag = match.group(2)
        if not tag:
            continue
        tag = TRAILING_PUNCTUATION.sub("", tag.strip())
        if not tag or _utf16_length(tag) > MAX_TAG_LENGTH:
            continue
        start = match.start(0) + len(match.group(1))
        found.append(Candidate("tag", start, start + 1 + len(tag), tag))
    return found


def byte_offsets(text: str) -> list[int]:
    """`offsets[i]` is the UTF-8 byte offset of code point `i` (and of the end, at len(text))."""
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + len(char.encode("utf-8", "surrogatepass")))
    return offsets


def build_facets(
    text: str, resolve_handle: Callable[[str], str | None]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The `facets` of a post, and the handles that could not be resolved (left as plain text).

    `resolve_handle` maps a handle to its DID, or None; each handle is asked once.
    """
    offsets = byte_offsets(text)
    facets: list[dict[str, Any]] = []
    resolved: dict[str, str | None] = {}
    unresolved: list[str] = []
    for candidate in detect(text):
        if candidate.kind == "mention":
            if candidate.value not in resolved:
                resolved[candidate.value] = resolve_handle(candidate.value)
                if resolved[candidate.value] is None:
                    unresolved.append(candidate.value)
            if (did := resolved[candidate.value]) is None:
                continue
            feature: dict[str, Any] = {"$type": MENTION_FEATURE, "did": did}
        elif candidate.kind == "link":
            feature = {"$type": LINK, "uri": candidate.value}
        else:
            feature = {"$type": TAG_FEATURE, "tag": candidate.value}
        facets.append(
            {
                "index": {
                    "byteStart": offsets[candidate.start],
                    "byteEnd": offsets[candidate.end],
                },
                "features": [feature],
            }
        )
    return facets, unresolved

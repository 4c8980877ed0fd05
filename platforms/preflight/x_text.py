"""X's weighted tweet length, from X's published counting configuration (twitter-text v3).

X normalises to NFC, counts every link as 23 whatever its length (with or without a scheme),
counts an emoji sequence as 2, and every other code point as 1 inside the ranges below and 2
outside them (so CJK, Hangul and most symbols weigh 2). The cap is 280 weighted characters.
Why our own counter and not the twitter-text-parser package: docs/preflight.md.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

from platforms.preflight.spec import Span
from platforms.preflight.tlds import CCTLDS, TLDS

# twitter-text config v3: {"scale": 100, "defaultWeight": 200, "transformedURLLength": 23,
# "ranges": [...weight 100]}, https://github.com/twitter/twitter-text/blob/master/config/v3.json
SCALE = 100
DEFAULT_WEIGHT = 200
EMOJI_WEIGHT = 200
URL_LENGTH = 23
LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
LIGHT_WEIGHT = 100

_LABEL = r"[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?"
# A link: an optional scheme, dotted labels ending in a TLD, an optional port, path and query.
_URL = regex.compile(
    rf"""
    (?P<scheme>https?://)?
    (?P<host>(?:{_LABEL}\.)+(?P<tld>[a-z]{{2,63}}))
    (?![a-z0-9@_-])
    (?P<port>:[0-9]{{1,5}})?
    (?P<path>[/?#][^\s]*)?
    """,
    regex.IGNORECASE | regex.VERBOSE,
)
# Characters that may not stand right before a link (X: `validUrlPrecedingChars`, and for
# scheme-less links also `-_./`).
_BAD_BEFORE = regex.compile(r"[\p{L}\p{N}@$#_\uFF20\uFF03]")  # with fullwidth @ and #
_BAD_BEFORE_SCHEMELESS = regex.compile(r"[-_./]")
# A path may not end with these (X: `validUrlPathEndingChars`); `)` only when unbalanced.
_TRAILING = ".,:;!?'\"*~|<>[]{}…"
_SPECIAL_SHORT = frozenset({"t.co"})
# A grapheme weighs as one emoji when it is presented as one: Emoji_Presentation code points,
# VS16 (U+FE0F), skin tones, keycaps (U+20E3), tag sequences and flags.
_EMOJI = regex.compile(
    r"\p{Emoji_Presentation}|\uFE0F|\p{Emoji_Modifier}|\u20E3|\p{Regional_Indicator}"
    r"|[\U000E0020-\U000E007F]"
)
_GRAPHEME = regex.compile(r"\X")


@dataclass(frozen=True)
class Link:
    start: int
    end: int
    text: str


def find_links(text: str) -> list[Link]:
    """Every span X turns into a t.co link, in order (text already NFC)."""
    links: list[Link] = []
    pos = 0
    while match := _URL.search(text, pos):
        start, end = match.span()
        pos = end
        before = text[start - 1] if start else ""
        scheme = match.group("scheme")
        tld = match.group("tld").lower()
        if before and _BAD_BEFORE.match(before):
            continue
        if not scheme and before and _BAD_BEFORE_SCHEMELESS.match(before):
            continue
        if tld not in TLDS:
            continue
        host = match.group("host").lower()
        path = _trim_path(match.group("path") or "")
        if (
            not scheme
            and not path
            and tld in CCTLDS
            and host.count(".") == 1
            and host not in _SPECIAL_SHORT
        ):
            continue  # X leaves `name.cc` alone unless it has a path
        end = match.start("path") + len(path) if match.group("path") else end
        links.append(Link(start, end, text[start:end]))
        pos = end
    return links


def link_spans(text: str) -> list[Span]:
    """What X links in `text` (each counted as 23), for previews; offsets into `text` as given
    when it is already NFC, as almost every typed text is."""
    nfc = unicodedata.normalize("NFC", text)
    return [Span(link.start, link.end) for link in find_links(nfc)]


def _trim_path(path: str) -> str:
    while path:
        last = path[-1]
        if last in _TRAILING or (last == ")" and path.count("(") < path.count(")")):
            path = path[:-1]
            continue
        break
    return path


def _segment_weight(segment: str) -> int:
    total = 0
    for cluster in _GRAPHEME.findall(segment):
        if _EMOJI.search(cluster):
            total += EMOJI_WEIGHT
            continue
        for char in cluster:
            point = ord(char)
            light = any(lo <= point <= hi for lo, hi in LIGHT_RANGES)
            total += LIGHT_WEIGHT if light else DEFAULT_WEIGHT
    return total


def weighted_length(text: str) -> int:
    """The length X's composer shows against the 280 cap."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    pos = 0
    for link in find_links(text):
        total += _segment_weight(text[pos : link.start]) + URL_LENGTH * SCALE
        pos = link.end
    total += _segment_weight(text[pos:])
    return total // SCALE

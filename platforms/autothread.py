"""`autoThread`: split a text too long for one post into a numbered thread (" 1/3" suffixes).

Each part must pass the platform's own text-length rules, so the counting (Bluesky graphemes and
bytes, X's weighted length, Mastodon's links as 23 with the instance's own limits, Threads
graphemes) and the numbers come from those rules, never restated here. A part ends at a
sentence boundary, else a word boundary, else a grapheme boundary; never inside a link or a
grapheme (an emoji ZWJ sequence stays whole). A single unit that cannot fit alone (a link longer
than the limit) becomes a part of its own, and preflight then names that thread item.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import regex

from platforms.base import Draft, Rule
from platforms.bluesky import preflight as bluesky
from platforms.mastodon import preflight as mastodon
from platforms.preflight.x_text import find_links
from platforms.threads import preflight as threads
from platforms.twitter import preflight as twitter

# The rules a part must pass, per platform whose threads are reply chains.
TEXT_RULES: dict[str, tuple[Rule, ...]] = {
    "bluesky": (bluesky.text_max_graphemes, bluesky.text_max_bytes),
    "twitter": (twitter.text_max_graphemes,),
    "threads": (threads.text_max_graphemes,),
    "mastodon": (mastodon.text_max_chars,),
}
SPLITTABLE = frozenset(TEXT_RULES)

# Sentence ends: terminal punctuation (closing quotes and brackets may follow) before spaces,
# or a line break. CJK full stops (U+3002, U+FF01, U+FF1F) need no space after them.
_SENTENCE_END = regex.compile(
    r"[.!?\u2026]+['\"\u2019\u201d)\]]*(?=\s)|[\u3002\uff01\uff1f]+|(?=\n)"
)
_SPACE = regex.compile(r"\s+")
_GRAPHEME = regex.compile(r"\X")

Fits = Callable[[str], bool]


@dataclass(frozen=True)
class Cuts:
    """Where `text` may end a part, by preference; each index is an end of a prefix."""

    sentences: Sequence[int]
    words: Sequence[int]
    graphemes: Sequence[int]


def split_text(
    slug: str, text: str, account_limits: Mapping[str, Any] | None = None
) -> list[str]:
    """The parts of a numbered thread, each within the platform's limits; `[text]` when it fits
    in one post or the platform has no reply chains (`SPLITTABLE`)."""
    rules = TEXT_RULES.get(slug)
    if rules is None:
        return [text]
    limits = dict(account_limits or {})

    def fits(candidate: str) -> bool:
        draft = Draft(text=candidate, idempotency_token="", account_limits=limits)
        return all(rule(draft) is None for rule in rules)

    if fits(text):
        return [text]
    digits = 1
    while True:
        # The widest suffix with this many digits: digits weigh the same in every count.
        widest = suffix(10**digits - 1, 10**digits - 1)
        parts = pack(text.strip(), with_tail(fits, widest))
        if len(parts) < 10**digits:
            return [f"{part}{suffix(i, len(parts))}" for i, part in enumerate(parts, 1)]
        digits += 1


def suffix(index: int, total: int) -> str:
    return f" {index}/{total}"


def with_tail(fits: Fits, tail: str) -> Fits:
    """`fits` for a part that will carry `tail` (its number)."""
    return lambda part: fits(part + tail)


def pack(text: str, fits: Fits) -> list[str]:
    """Greedy: the longest prefix that fits, at the most natural boundary, until none is left."""
    parts: list[str] = []
    rest = text
    while rest:
        if fits(rest):
            parts.append(rest)
            break
        end = best_end(rest, cuts(rest), fits)
        parts.append(rest[:end].rstrip())
        rest = rest[end:].lstrip()
    return parts


def best_end(text: str, where: Cuts, fits: Fits) -> int:
    """A sentence end, unless it would leave the part under half as long as a word end would;
    else a word end; else a grapheme end; else the first unit whole (it cannot fit at all)."""

    def ok(end: int) -> bool:
        return fits(text[:end].rstrip())

    sentence = longest(where.sentences, ok)
    word = longest(where.words, ok)
    if sentence and (not word or 2 * sentence >= word):
        return sentence
    if word:
        return word
    return longest(where.graphemes, ok) or where.graphemes[0]


def longest(ends: Sequence[int], ok: Callable[[int], bool]) -> int:
    """The largest end whose prefix fits (0 if none), by bisection: prefixes only grow."""
    low, high, found = 0, len(ends) - 1, 0
    while low <= high:
        middle = (low + high) // 2
        if ok(ends[middle]):
            found, low = ends[middle], middle + 1
        else:
            high = middle - 1
    return found


def cuts(text: str) -> Cuts:
    """Every index where a part may end: outside links, after a visible character."""
    links = [(link.start, link.end) for link in find_links(text)]
    starts = [start for start, _ in links]

    def outside_links(end: int) -> bool:
        i = (
            bisect.bisect_right(starts, end - 1) - 1
        )  # the last link starting before `end`
        return i < 0 or links[i][1] <= end

    def keep(ends: list[int]) -> list[int]:
        return sorted({e for e in ends if 0 < e < len(text) and outside_links(e)})

    graphemes = [m.end() for m in _GRAPHEME.finditer(text)]
    words = [m.start() for m in _SPACE.finditer(text)]
    sentences = [m.end() for m in _SENTENCE_END.finditer(text)]
    return Cuts(keep(sentences), keep(words), keep(graphemes) or [len(text)])

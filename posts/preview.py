"""Compose previews: how each platform will count, cut and link a text, read from its own rules.

Nothing is counted here: each platform's text-length rules carry a `Measure` (the counter and the
limit the rule itself checks, and what the platform links), so the preview shows the very count
preflight refuses on. The cut is the longest run of whole graphemes every measure still accepts.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace

from platforms.base import Draft, PlatformAdapter
from platforms.models import PlatformAccount
from platforms.preflight.spec import Measure, Span
from platforms.preflight.text import grapheme_count, graphemes
from platforms.registry import adapter_class

TEXT_LIMIT_KEYS = ("max_graphemes", "max_chars", "max_characters", "max_length")


@dataclass(frozen=True)
class Count:
    count: int
    limit: int | None
    unit: str

    @property
    def over(self) -> bool:
        return self.limit is not None and self.count > self.limit


@dataclass(frozen=True)
class Piece:
    text: str
    kind: str = ""  # "" plain, "link" | "mention" | "tag", or "cut": past the limit


@dataclass(frozen=True)
class Preview:
    counts: list[Count]
    pieces: list[Piece]

    @property
    def cut(self) -> bool:
        return any(p.kind == "cut" for p in self.pieces)

    @property
    def links(self) -> list[Piece]:
        return [p for p in self.pieces if p.kind not in ("", "cut")]


def text_limit(adapter: type[PlatformAdapter]) -> int | None:
    """The platform's text limit, read from its own `text.max_*` rule, for the live counter."""
    for rule in adapter.rules:
        spec = getattr(rule, "spec", None)
        if spec is not None and ".text.max" in spec.id:
            for key in TEXT_LIMIT_KEYS:
                if key in spec.limits:
                    return int(spec.limits[key])
        name = getattr(rule, "__name__", "")
        if name.startswith("text_max"):  # a plain rule function beside its constant
            limit = getattr(sys.modules.get(rule.__module__), "MAX_GRAPHEMES", None)
            if isinstance(limit, int):
                return limit
    return None


def text_measures(adapter: type[PlatformAdapter]) -> list[Measure]:
    """How the platform's rules measure the post text; graphemes against the text limit for a
    platform whose rules are plain functions (the sandbox)."""
    found = [
        measure
        for rule in adapter.rules
        if (measure := getattr(rule, "measure", None)) is not None
        and measure.field == "text"
    ]
    if found:
        return found
    limit = text_limit(adapter)
    return [
        Measure(
            "graphemes",
            "text",
            lambda draft: (grapheme_count(draft.text), limit or sys.maxsize),
        )
    ]


def preview(account: PlatformAccount, draft: Draft) -> Preview:
    """The draft's text as `account`'s platform counts, cuts and links it."""
    adapter = adapter_class(account.platform)(account)
    draft = replace(
        draft, account_limits={**adapter.account_limits(), **draft.account_limits}
    )
    measures = text_measures(type(adapter))
    counts = []
    for measure in measures:
        count, limit = measure.size(draft)
        counts.append(
            Count(count, None if limit == sys.maxsize else limit, measure.unit)
        )
    end = _fitting_end(draft, measures)
    spans = sorted(
        {s for m in measures if m.links for s in m.links(draft.text)},
        key=lambda s: (s.start, s.end),
    )
    return Preview(counts, _pieces(draft.text, end, spans))


def _fits(draft: Draft, measures: list[Measure]) -> bool:
    return all(count <= limit for count, limit in (m.size(draft) for m in measures))


def _fitting_end(draft: Draft, measures: list[Measure]) -> int:
    """Where the longest prefix of whole graphemes that every measure accepts ends."""
    text = draft.text
    if _fits(draft, measures):
        return len(text)
    ends = [0]
    for grapheme in graphemes(text):
        ends.append(ends[-1] + len(grapheme))
    low, high = (
        0,
        len(ends) - 1,
    )  # ends[low] fits (empty text does); ends[high] does not
    while high - low > 1:
        middle = (low + high) // 2
        if _fits(replace(draft, text=text[: ends[middle]]), measures):
            low = middle
        else:
            high = middle
    return ends[low]


def _pieces(text: str, end: int, spans: list[Span]) -> list[Piece]:
    pieces: list[Piece] = []
    pos = 0
    for span in spans:
        if span.start < pos or span.start >= end:
            continue  # overlapping, or past the cut
        if span.start > pos:
            pieces.append(Piece(text[pos : span.start]))
        stop = min(span.end, end)
        pieces.append(Piece(text[span.start : stop], span.kind))
        pos = stop
    if pos < end:
        pieces.append(Piece(text[pos:end]))
    if end < len(text):
        pieces.append(Piece(text[end:], "cut"))
    return pieces

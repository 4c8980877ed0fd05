"""The sandbox's own small preflight rules, so the whole preflight path can be tried."""

from __future__ import annotations

from platforms.base import Draft, Rule, Violation
from platforms.preflight.text import grapheme_count

MAX_GRAPHEMES = 500
MAX_MEDIA = 4


def text_max_graphemes(draft: Draft) -> Violation | None:
    if (count := grapheme_count(draft.text)) <= MAX_GRAPHEMES:
        return None
    return Violation(
        rule="sandbox.text.max_graphemes",
        message=f"Text is {count} graphemes; the sandbox allows {MAX_GRAPHEMES}.",
        remediation=f"Shorten the text to {MAX_GRAPHEMES} graphemes.",
        field="text",
    )


def text_non_empty(draft: Draft) -> Violation | None:
    if draft.text.strip() or draft.media:
        return None
    return Violation(
        rule="sandbox.text.non_empty",
        message="The post has no text and no media.",
        remediation="Add text or attach media.",
        field="text",
    )


def media_max_count(draft: Draft) -> Violation | None:
    if len(draft.media) <= MAX_MEDIA:
        return None
    return Violation(
        rule="sandbox.media.max_count",
        message=f"{len(draft.media)} attachments; the sandbox allows {MAX_MEDIA}.",
        remediation=f"Attach at most {MAX_MEDIA} items.",
        field="media",
    )


RULES: tuple[Rule, ...] = (text_non_empty, text_max_graphemes, media_max_count)

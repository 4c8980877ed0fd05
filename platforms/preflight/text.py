"""Text measures shared by platform rules."""

from __future__ import annotations

import regex

_GRAPHEME = regex.compile(r"\X")


def grapheme_count(text: str) -> int:
    """User-perceived characters (extended grapheme clusters): 👍🏽 and 🇩🇪 count as one."""
    return len(_GRAPHEME.findall(text))

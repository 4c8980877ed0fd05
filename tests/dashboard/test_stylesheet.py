"""static/app.css keeps focus visible and text readable (issue #21, 7): no outline removed for
keyboard users, and no text faded with opacity (it fell to 3.04:1 on the calendar)."""

from __future__ import annotations

import re
from pathlib import Path

CSS = (Path(__file__).resolve().parents[2] / "static" / "app.css").read_text()
RULES = re.findall(r"([^{}]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", CSS, flags=re.S))


def test_no_outline_is_removed_where_the_keyboard_lands() -> None:
    bare = [
        selector.strip()
        for selector, body in RULES
        if re.search(r"outline:\s*(none|0)\b", body)
        and ":not(:focus-visible)" not in selector
    ]
    assert bare == []


def test_dropdown_summaries_get_their_outline_back() -> None:
    assert any(
        "details.dropdown > summary:not([role]):focus-visible" in selector
        and "outline: 3px solid" in body
        for selector, body in RULES
    )


def test_no_text_is_faded_with_opacity() -> None:
    faded = [
        selector.strip()
        for selector, body in RULES
        if re.search(r"(^|;)\s*opacity:\s*0?\.\d", body)
    ]
    assert faded == []

"""Text measures shared by platform rules: graphemes, UTF-16 and UTF-8 lengths, blankness, tags."""

from __future__ import annotations

import regex

_GRAPHEME = regex.compile(r"\X")
# JavaScript's String.prototype.trim() set (WhiteSpace + LineTerminator), which the reference
# used: unlike str.strip() it removes U+FEFF and keeps U+001C..U+001F.
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_HASHTAG = regex.compile(r"#[\p{L}\p{N}_]+")
_HTTP_URL = regex.compile(r"https?://[^\s]+", regex.IGNORECASE)


def grapheme_count(text: str) -> int:
    """User-perceived characters (extended grapheme clusters): 👍🏽 and 🇩🇪 count as one."""
    return len(_GRAPHEME.findall(text))


def graphemes(text: str) -> list[str]:
    return _GRAPHEME.findall(text)


def utf16_length(text: str) -> int:
    """JavaScript's `String.length`: code points above U+FFFF count two."""
    return len(text.encode("utf-16-le")) // 2


def utf8_length(text: str) -> int:
    return len(text.encode("utf-8"))


def is_blank(text: str | None) -> bool:
    """True when nothing visible is left after a JavaScript-style trim."""
    return not (text or "").strip(JS_WHITESPACE)


def hashtag_count(text: str) -> int:
    """`#word` tags made of letters, digits and underscores, as TikTok counts them."""
    return len(_HASHTAG.findall(text))


def http_urls(text: str) -> list[str]:
    """Every `http(s)://` run up to the next whitespace (the reference's greedy match)."""
    return _HTTP_URL.findall(text)


def comma_list(value: object) -> list[str]:
    """A list option that may also come as one comma-separated string (tags): its non-blank
    items, stripped; anything else is no items."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        return []
    return [str(item).strip() for item in value if str(item).strip()]

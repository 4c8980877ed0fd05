"""Counting vectors: graphemes, X's weighted length, UTF-16 units, and the platforms' odd counts."""

from __future__ import annotations

import pytest

from platforms.mastodon.preflight import countable_length
from platforms.preflight.text import (
    grapheme_count,
    hashtag_count,
    is_blank,
    utf8_length,
    utf16_length,
)
from platforms.preflight.x_text import find_links, weighted_length
from platforms.youtube.preflight import tags_length

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👨‍👩‍👧‍👦
PHOENIX = "\U0001f426\u200d\U0001f525"  # 🐦‍🔥, Emoji 15.1
FLAG = "\U0001f1e9\U0001f1ea"  # 🇩🇪
THUMB = "\U0001f44d\U0001f3fd"  # 👍🏽
KEYCAP = "1\ufe0f\u20e3"  # 1️⃣
RAINBOW_FLAG = "\U0001f3f3\ufe0f\u200d\U0001f308"  # 🏳️‍🌈
ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FAMILY, 1),  # ZWJ sequence
        (PHOENIX, 1),
        (FLAG, 1),  # regional indicator pair
        (THUMB, 1),  # skin tone modifier
        (KEYCAP, 1),
        (RAINBOW_FLAG, 1),
        (ENGLAND, 1),  # tag sequence
        ("e\u0301", 1),  # combining acute
        ("a\u0308\u0304", 1),  # two combining marks
        ("नमस्ते", 3),  # Devanagari conjuncts
        ("Hello, 世界! 👋🏽 Привет", 19),  # mixed scripts
        ("한국어", 3),
        ("\r\n", 1),
        ("", 0),
    ],
)
def test_graphemes(text: str, expected: int) -> None:
    assert grapheme_count(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 280, 280),
        ("日本語", 6),  # CJK weighs 2
        ("한국어", 6),  # Hangul weighs 2
        ("ひらがな", 8),
        ("Привет", 6),  # Cyrillic is in the light range
        ("مرحبا", 5),
        ("नमस्ते", 6),  # counted per code point, not per grapheme
        ("\u2014\u201c\u201d\u2019", 4),  # em dash and curly quotes: light
        ("\u2026", 2),  # ellipsis is outside the light ranges
        (FAMILY, 2),  # one emoji sequence weighs 2
        (PHOENIX, 2),  # also new emoji (twitter-text-parser's table says 5)
        (FLAG, 2),
        (THUMB, 2),
        (KEYCAP, 2),
        (ENGLAND, 2),
        ("\u2764\ufe0f", 2),  # ❤️
        ("e\u0301", 1),  # NFC composes to é
        ("q\u0301", 2),  # no composed form: two code points
        ("© 2026", 6),
        ("https://example.com/a/very/long/path?with=query&and=more", 23),
        ("example.com", 23),  # no scheme, still a link
        ("www.example.co.uk", 23),
        ("see example.com.", 4 + 23 + 1),  # trailing period is not part of the link
        ("(see https://example.com/a)", 1 + 4 + 23 + 1),
        ("https://en.wikipedia.org/wiki/Foo_(bar)", 23),  # balanced parentheses stay
        ("example.de", 10),  # a bare ccTLD domain is not linked…
        ("example.de/page", 23),  # …unless it has a path
        ("t.co", 23),
        ("me@example.com", 14),  # an email address is not a link
        ("script.py", 9),
        ("archive.zip", 23),  # .zip is a real TLD
        ("http://localhost:8000", 21),  # no TLD: counted as typed
        ("a https://x.com b https://y.org", 2 + 23 + 3 + 23),
    ],
)
def test_x_weighted_length(text: str, expected: int) -> None:
    assert weighted_length(text) == expected


def test_x_cap_boundaries() -> None:
    assert weighted_length("日" * 140) == 280
    assert weighted_length("日" * 141) == 282
    assert weighted_length("a" * 256 + " example.com/" + "x" * 500) == 280


def test_x_finds_links_with_and_without_scheme() -> None:
    links = [
        link.text for link in find_links("Go to example.com and https://a.io/x, now.")
    ]
    assert links == ["example.com", "https://a.io/x"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a", 1),
        ("😀", 2),
        (FAMILY, 11),
        (FLAG, 4),
        ("日本", 2),
        ("e\u0301", 2),
        (ENGLAND, 14),
    ],
)
def test_utf16_units_for_tiktok(text: str, expected: int) -> None:
    assert utf16_length(text) == expected


def test_utf8_bytes() -> None:
    assert utf8_length("é") == 2 and utf8_length(FAMILY) == 25 and utf8_length("a") == 1


@pytest.mark.parametrize(
    ("text", "blank"),
    [
        ("", True),
        (" \t\n", True),
        ("\ufeff", True),  # JS trim removes the BOM; str.strip() does not
        ("\u3000\u00a0", True),
        ("\u200b", False),  # zero-width space is not whitespace to JS either
        (" x ", False),
    ],
)
def test_blank_follows_javascript_trim(text: str, blank: bool) -> None:
    assert is_blank(text) is blank


def test_tiktok_hashtags() -> None:
    assert hashtag_count("#tag #日本 #a_b #123 # #! x#y") == 5


def test_mastodon_counts_links_as_23_and_remote_mentions_as_local() -> None:
    assert countable_length("@alice@example.social hi") == len("@alice hi")
    assert countable_length("https://example.com/" + "a" * 100) == 23
    assert (
        countable_length("example.com") == 11
    )  # Mastodon only shortens links with a scheme
    assert countable_length(FAMILY + " ok") == 4
    assert countable_length("x https://a.io", url_length=10) == 12


def test_youtube_tags_count_commas_and_quotes() -> None:
    assert tags_length([]) == 0
    assert tags_length(["Foo-Baz"]) == 7
    assert tags_length(["Foo Baz"]) == 9
    assert tags_length(["a", "b c"]) == 1 + 1 + 5

"""autoThread's splitter: every part fits the platform's own count, numbering included, and the
text comes back whole (words, links, emoji sequences) once the suffixes are taken off."""

from __future__ import annotations

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from platforms.autothread import SPLITTABLE, split_text
from platforms.bluesky import preflight as bluesky
from platforms.mastodon.preflight import TEXT_MAX_CHARS, countable_length
from platforms.preflight.text import grapheme_count, graphemes, utf8_length
from platforms.preflight.x_text import weighted_length
from platforms.threads import preflight as threads
from platforms.twitter.preflight import TEXT_MAX

SUFFIX = regex.compile(r" (\d+)/(\d+)$")
FAMILY = "👨‍👩‍👧‍👦"  # one grapheme, seven code points, 25 bytes
SEQUENCES = (FAMILY, "🏳️‍🌈", "👍🏽", "🇩🇪", "1️⃣")
URLS = (
    "https://example.com/launch",
    "https://docs.example.org/a/very/long/path/that/x/counts/as/twenty-three?q=1&lang=en",
    "example.net/path",
)


# Each platform's count and cap, written from the counters and specs the rules use.
MEASURE = {
    "bluesky": (grapheme_count, bluesky.text_max_graphemes.spec.limit("max_graphemes")),
    "twitter": (weighted_length, TEXT_MAX.limit("max_weighted")),
    "threads": (grapheme_count, threads.text_max_graphemes.spec.limit("max_graphemes")),
    "mastodon": (countable_length, TEXT_MAX_CHARS.limit("max_characters")),
}
BLUESKY_MAX_BYTES = bluesky.text_max_bytes.spec.limit("max_bytes")


def unnumbered(parts: list[str]) -> list[str]:
    """The parts without their ` i/n` suffixes, checking the numbering on the way."""
    out = []
    for index, part in enumerate(parts, 1):
        match = SUFFIX.search(part)
        assert match, part
        assert (int(match.group(1)), int(match.group(2))) == (index, len(parts))
        out.append(part[: match.start()])
    return out


def assert_fits(slug: str, parts: list[str]) -> None:
    count, cap = MEASURE[slug]
    for part in parts:
        assert count(part) <= cap, (slug, count(part), part)
        if slug == "bluesky":
            assert utf8_length(part) <= BLUESKY_MAX_BYTES


words = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzéüß日本語한국"),
    min_size=1,
    max_size=12,
)
tokens = st.one_of(
    words,
    words.map(lambda w: w + "."),
    words.map(lambda w: w + "!"),
    st.sampled_from(SEQUENCES),
    st.sampled_from(URLS),
)
texts = st.lists(tokens, min_size=100, max_size=600).flatmap(
    lambda ts: st.lists(
        st.sampled_from([" ", " ", " ", "\n", "  "]), min_size=len(ts), max_size=len(ts)
    ).map(lambda seps: "".join(t + s for t, s in zip(ts, seps, strict=True)).strip())
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, slug=st.sampled_from(sorted(SPLITTABLE)))
def test_every_part_fits_and_the_text_comes_back_whole(text: str, slug: str) -> None:
    parts = split_text(slug, text)
    count, cap = MEASURE[slug]
    if len(parts) == 1 and count(text) <= cap:
        assert parts == [text]  # fits: untouched, not numbered
        return
    assert_fits(slug, parts)
    plain = unnumbered(parts)
    assert " ".join(plain).split() == text.split()  # no word was cut: each is short
    for url in URLS:
        assert sum(p.count(url) for p in plain) == text.count(url)
    for sequence in SEQUENCES:
        assert sum(p.count(sequence) for p in plain) == text.count(sequence)


def test_a_text_that_fits_is_returned_as_it_is() -> None:
    text = "  Short, with a link https://example.com and spaces  "
    for slug in SPLITTABLE:
        assert split_text(slug, text) == [text]


def test_platforms_without_reply_chains_keep_the_text_whole() -> None:
    text = "word " * 2000
    assert split_text("linkedin", text) == [text]
    assert split_text("pinterest", text) == [text]


def test_sentences_are_kept_together_when_they_fit() -> None:
    sentence = "Our bakery opens at seven and the first loaves come out at eight."
    text = " ".join([sentence] * 12)
    parts = split_text("bluesky", text)
    assert len(parts) > 1
    assert all(p.endswith(".") for p in unnumbered(parts))
    assert_fits("bluesky", parts)


def test_a_word_longer_than_a_post_is_cut_between_graphemes_never_inside_one() -> None:
    text = "a" * 250 + FAMILY * 200
    parts = split_text("bluesky", text)
    plain = unnumbered(parts)
    assert "".join(plain) == text
    assert sum(p.count(FAMILY) for p in plain) == 200
    assert_fits("bluesky", parts)  # the byte cap binds before the grapheme cap here


def test_a_link_longer_than_a_post_stays_whole_in_a_part_of_its_own() -> None:
    url = "https://example.com/" + "x" * 320
    parts = split_text("bluesky", f"Read this first. {url} And then this.")
    plain = unnumbered(parts)
    assert url in plain  # preflight then names this item as too long
    assert " ".join(plain).split() == f"Read this first. {url} And then this.".split()


def test_x_counts_links_as_23_and_cjk_as_2() -> None:
    long_links = " ".join(URLS[1] for _ in range(11))  # 11 x 23 + 10 spaces = 263
    assert split_text("twitter", long_links) == [long_links]
    cjk = "日本語の文章です" * 30  # 240 characters, 480 weighted
    parts = split_text("twitter", cjk)
    assert len(parts) == 2
    assert_fits("twitter", parts)
    assert "".join(unnumbered(parts)) == cjk


def test_mastodon_uses_the_instance_limits() -> None:
    text = "toot " * 150  # 749 characters
    assert len(split_text("mastodon", text)) == 2
    small = split_text("mastodon", text, {"max_characters": 100})
    assert len(small) == 8
    assert all(countable_length(p) <= 100 for p in small)
    links = " ".join(
        [URLS[1]] * 30
    )  # each link counts 23 by default, 5 on this instance
    assert len(split_text("mastodon", links)) == 2
    assert split_text("mastodon", links, {"characters_reserved_per_url": 5}) == [links]


def test_ten_parts_or_more_reserve_room_for_two_digit_numbers() -> None:
    text = " ".join(f"w{i:03d}" for i in range(700))  # 3,499 graphemes
    parts = split_text("bluesky", text)
    assert len(parts) >= 10
    assert parts[0].endswith(f" 1/{len(parts)}")
    assert_fits("bluesky", parts)
    assert " ".join(unnumbered(parts)).split() == text.split()


def test_graphemes_of_the_parts_are_the_texts() -> None:
    text = ("🇩🇪🇫🇷 " + "👍🏽" * 40 + " ") * 12
    plain = unnumbered(split_text("threads", text))
    joined = [g for p in plain for g in graphemes(p) if not g.isspace()]
    assert joined == [g for g in graphemes(text) if not g.isspace()]

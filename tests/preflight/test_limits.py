"""The whole catalog, table-driven: every numeric limit at the limit passes and one unit past it
fails with that rule id; every allow-list accepts each of its types and refuses one outside it.

A new limit without a row here fails `test_every_enforced_limit_has_a_boundary_case`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from platforms.base import Draft, UrlProbe
from platforms.preflight import catalog
from platforms.preflight.spec import CheckedRule
from tests.preflight.support import document, draft, image, images, video, videos

RULES: dict[str, CheckedRule] = {rule.spec.id: rule for rule in catalog.checked_rules()}
LONG_URL = " https://example.com/" + "p" * 200  # one link, whatever its length
AUDIT = {"audit_state": "audit"}


@dataclass(frozen=True)
class Case:
    build: Callable[[Any], Draft]
    direction: str = "max"  # "max": over = limit + unit; "min": over = limit - unit
    unit: float = 1


def vid_draft(**fields: Any) -> Callable[[Any], Draft]:
    """A one-video draft whose `field` is the value under test."""
    (field,) = fields
    return lambda n: draft(media=(video(**{field: n}, **fields[field]),))


def tiktok_video(**extra: Any) -> Callable[[Any], Draft]:
    return lambda n: draft(media=(video(duration_seconds=n),), **extra)


def poll(options: list[str], expires_in: int = 3600) -> dict[str, Any]:
    return {"poll": {"options": options, "expires_in": expires_in}}


def yt(**fields: Any) -> Draft:
    fields.setdefault("media", (video(),))
    options = {"title": "A title", **fields.pop("options", {})}
    return draft(options=options, **fields)


CASES: dict[tuple[str, str], Case] = {
    # Bluesky: flags are one grapheme but two code points and eight bytes.
    ("bluesky.text.max_graphemes", "max_graphemes"): Case(lambda n: draft("🇩🇪" * n)),
    ("bluesky.text.max_bytes", "max_bytes"): Case(lambda n: draft("a" * n)),
    ("bluesky.media.count_max", "max_images"): Case(lambda n: draft(media=images(n))),
    ("bluesky.media.count_max", "max_videos"): Case(lambda n: draft(media=videos(n))),
    ("bluesky.media.alt_text_max_graphemes", "max_graphemes"): Case(
        lambda n: draft(media=(image(alt_text="e\u0301" * n),))
    ),
    ("bluesky.media.image_size_max", "max_bytes"): Case(
        lambda n: draft(media=(image(size_bytes=n),))
    ),
    ("bluesky.media.video_size_max", "max_bytes"): Case(
        lambda n: draft(media=(video(size_bytes=n),))
    ),
    ("bluesky.first_comment.max_graphemes", "max_graphemes"): Case(
        lambda n: draft(first_comment="👍🏽" * n)
    ),
    # X: weighted length; a link of any length weighs url_weight.
    ("twitter.text.max_graphemes", "max_weighted"): Case(lambda n: draft("a" * n)),
    ("twitter.text.max_graphemes", "url_weight"): Case(
        lambda n: draft("a" * (280 - 1 - 23 + (n - 23)) + LONG_URL)
    ),
    ("twitter.media.count_max", "max_images"): Case(lambda n: draft(media=images(n))),
    ("twitter.media.count_max", "max_videos"): Case(lambda n: draft(media=videos(n))),
    ("twitter.media.gif_count_max", "max_gifs"): Case(
        lambda n: draft(media=images(n, content_type="image/gif"))
    ),
    ("twitter.media.alt_text_max_graphemes", "max_graphemes"): Case(
        lambda n: draft(media=(image(alt_text="ü" * n),))
    ),
    ("twitter.media.image_size_max", "max_bytes"): Case(
        lambda n: draft(media=(image(content_type="image/png", size_bytes=n),))
    ),
    ("twitter.media.gif_size_max", "max_bytes"): Case(
        lambda n: draft(media=(image(content_type="image/gif", size_bytes=n),))
    ),
    ("twitter.media.video_size_max", "max_bytes"): Case(
        lambda n: draft(media=(video(size_bytes=n),))
    ),
    ("linkedin.text.max_graphemes", "max_graphemes"): Case(lambda n: draft("ñ" * n)),
    ("facebook.text.max_graphemes", "max_graphemes"): Case(lambda n: draft("a" * n)),
    ("facebook.media.count_max", "max_videos"): Case(lambda n: draft(media=videos(n))),
    ("facebook.media.image_size_max", "max_bytes"): Case(
        lambda n: draft(media=(image(size_bytes=n),))
    ),
    ("facebook.media.video_size_max", "max_bytes"): Case(
        lambda n: draft(media=(video(size_bytes=n),))
    ),
    ("instagram.media.required", "min_items"): Case(
        lambda n: draft(media=images(n)), "min"
    ),
    ("instagram.text.max_graphemes", "max_graphemes"): Case(lambda n: draft("a" * n)),
    ("instagram.media.count_max", "max_items"): Case(lambda n: draft(media=images(n))),
    ("instagram.media.alt_text_max_graphemes", "max_graphemes"): Case(
        lambda n: draft(media=(image(alt_text="a" * n),))
    ),
    ("instagram.media.image_size_max", "max_bytes"): Case(
        lambda n: draft(media=(image(size_bytes=n),))
    ),
    ("instagram.media.video_size_max", "max_bytes"): Case(
        lambda n: draft(media=(video(size_bytes=n),))
    ),
    ("instagram.media.aspect_ratio", "feed_ratio_min"): Case(
        lambda r: draft(media=(image(width=round(r * 1000), height=1000),)),
        "min",
        0.001,
    ),
    ("instagram.media.aspect_ratio", "feed_ratio_max"): Case(
        lambda r: draft(media=(image(width=round(r * 1000), height=1000),)),
        "max",
        0.001,
    ),
    ("threads.text.max_graphemes", "max_graphemes"): Case(lambda n: draft("ß" * n)),
    ("threads.media.count_max", "max_items"): Case(lambda n: draft(media=images(n))),
    ("threads.media.alt_text_max_graphemes", "max_graphemes"): Case(
        lambda n: draft(media=(image(alt_text="a" * n),))
    ),
    ("threads.media.image_size_max", "max_bytes"): Case(
        lambda n: draft(media=(image(size_bytes=n),))
    ),
    ("threads.media.video_size_max", "max_bytes"): Case(
        lambda n: draft(media=(video(size_bytes=n),))
    ),
    ("pinterest.media.required", "min_items"): Case(
        lambda n: draft(media=images(n)), "min"
    ),
    ("pinterest.title.max_chars", "max_chars"): Case(
        lambda n: draft(options={"title": "a" * n})
    ),
    ("pinterest.text.max_chars", "max_chars"): Case(lambda n: draft("a" * n)),
    ("pinterest.media.alt_text_max_chars", "max_chars"): Case(
        lambda n: draft(media=(image(alt_text="a" * n),))
    ),
    ("pinterest.destination_url.max_chars", "max_chars"): Case(
        lambda n: draft(options={"destination_url": "https://e.com/" + "a" * (n - 14)})
    ),
    ("pinterest.media.single_only", "max_items"): Case(
        lambda n: draft(media=images(n))
    ),
    ("pinterest.image.size_max", "max_bytes"): Case(
        lambda n: draft(media=(image(size_bytes=n),))
    ),
    ("pinterest.video.size_max", "max_bytes"): Case(
        lambda n: draft(media=(video(size_bytes=n),))
    ),
    # TikTok: an emoji is two UTF-16 units.
    ("tiktok.text.max_chars", "max_utf16_units"): Case(
        lambda n: draft("😀" * (n // 2) + "a" * (n % 2))
    ),
    ("tiktok.text.hashtag_max", "max_hashtags"): Case(
        lambda n: draft(" ".join(f"#t{i}" for i in range(n)))
    ),
    ("tiktok.media.required", "min_items"): Case(
        lambda n: draft(media=videos(n)), "min"
    ),
    ("tiktok.media.single_only", "max_items"): Case(lambda n: draft(media=videos(n))),
    ("tiktok.video.size_max", "max_bytes"): Case(
        lambda n: draft(media=(video(size_bytes=n),))
    ),
    ("tiktok.video.too_short", "min_seconds"): Case(tiktok_video(), "min"),
    ("tiktok.video.too_long", "max_seconds"): Case(tiktok_video()),
    ("tiktok.video.sandbox_duration", "warn_above_seconds"): Case(
        tiktok_video(account_limits=AUDIT)
    ),
    ("tiktok.resolution.unsupported", "min_short_edge_px"): Case(
        lambda n: draft(media=(video(width=n, height=1920),)), "min"
    ),
    ("tiktok.video.aspect_unusual", "tolerance"): Case(
        lambda t: draft(media=(video(width=round(90_000 * (1 + t)), height=160_000),)),
        "max",
        0.001,
    ),
    # Mastodon: the instance defaults (an account without account_limits).
    ("mastodon.text.max_chars", "max_characters"): Case(lambda n: draft("é" * n)),
    ("mastodon.text.max_chars", "characters_reserved_per_url"): Case(
        lambda n: draft("a" * (500 - 1 - 23 + (n - 23)) + LONG_URL)
    ),
    ("mastodon.media.count_max", "max_media_attachments"): Case(
        lambda n: draft(media=images(n))
    ),
    ("mastodon.media.alt_text_max_chars", "description_limit"): Case(
        lambda n: draft(media=(image(alt_text="a" * n),))
    ),
    ("mastodon.poll.options_min", "min_options"): Case(
        lambda n: draft(options=poll([f"o{i}" for i in range(n)])), "min"
    ),
    ("mastodon.poll.options_max", "max_options"): Case(
        lambda n: draft(options=poll([f"o{i}" for i in range(n)]))
    ),
    ("mastodon.poll.option_max_chars", "max_characters_per_option"): Case(
        lambda n: draft(options=poll(["a" * n, "b"]))
    ),
    ("mastodon.poll.expires_in_range", "min_expiration"): Case(
        lambda n: draft(options=poll(["a", "b"], expires_in=n)), "min"
    ),
    ("mastodon.poll.expires_in_range", "max_expiration"): Case(
        lambda n: draft(options=poll(["a", "b"], expires_in=n))
    ),
    ("mastodon.media.image_size_max", "image_size_limit"): Case(
        lambda n: draft(media=(image(size_bytes=n),))
    ),
    ("mastodon.media.video_size_max", "video_size_limit"): Case(
        lambda n: draft(media=(video(size_bytes=n),))
    ),
    ("mastodon.media.image_matrix_max", "image_matrix_limit"): Case(
        lambda n: draft(media=(image(width=n, height=1),))
    ),
    ("mastodon.media.video_matrix_max", "video_matrix_limit"): Case(
        lambda n: draft(media=(video(width=n, height=1),))
    ),
    ("youtube.media.video_required", "min_items"): Case(
        lambda n: yt(media=videos(n)), "min"
    ),
    ("youtube.media.single_only", "max_items"): Case(lambda n: yt(media=videos(n))),
    ("youtube.title.max_chars", "max_chars"): Case(
        lambda n: yt(options={"title": "a" * n})
    ),
    ("youtube.description.max_bytes", "max_bytes"): Case(
        lambda n: yt(text="é" * (n // 2) + "a" * (n % 2))
    ),
    ("youtube.tags.max_chars", "max_chars"): Case(
        lambda n: yt(options={"tags": ["a" * (n - 6), "b c"]})
    ),
    ("youtube.video.size_max", "max_bytes"): Case(
        lambda n: yt(media=(video(size_bytes=n),))
    ),
    ("youtube.video.duration_max", "max_seconds"): Case(
        lambda n: yt(media=(video(duration_seconds=n),))
    ),
    # Comment rules (#20: thread items, first comments); the draft is one comment.
    ("linkedin.comment.max_graphemes", "max_graphemes"): Case(
        lambda n: draft("🇩🇪" * n)
    ),
    ("facebook.comment.max_graphemes", "max_graphemes"): Case(lambda n: draft("a" * n)),
    ("facebook.comment.media_count_max", "max_images"): Case(
        lambda n: draft(media=images(n))
    ),
    ("facebook.comment.media_count_max", "max_videos"): Case(
        lambda n: draft(media=videos(n))
    ),
    ("instagram.comment.max_graphemes", "max_graphemes"): Case(
        lambda n: draft("e\u0301" * n)
    ),
    ("youtube.comment.max_graphemes", "max_graphemes"): Case(lambda n: draft("a" * n)),
    # Discord: content in characters; embeds counted over their text fields.
    ("discord.text.max_chars", "max_chars"): Case(lambda n: draft("a" * n)),
    ("discord.media.max_items", "max_items"): Case(lambda n: draft(media=images(n))),
    ("discord.embeds.max_items", "max_items"): Case(
        lambda n: draft(options={"embeds": [{"title": "t"}] * n})
    ),
    ("discord.embeds.max_chars", "max_chars"): Case(
        lambda n: draft(
            options={
                "embeds": [
                    {"title": "a" * (n - 2), "fields": [{"name": "b", "value": "c"}]}
                ]
            }
        )
    ),
    ("discord.username.max_chars", "max_chars"): Case(
        lambda n: draft(options={"username": "a" * n})
    ),
    ("discord.media.image_size_max", "max_bytes"): Case(
        lambda n: draft(media=(image(size_bytes=n),))
    ),
    ("discord.media.video_size_max", "max_bytes"): Case(
        lambda n: draft(media=(video(size_bytes=n),))
    ),
    # Slack: a channel is needed by every case; blocks up to the cap.
    ("slack.text.max_chars", "max_chars"): Case(
        lambda n: draft("a" * n, options={"channel": "C1"})
    ),
    ("slack.blocks.max_items", "max_items"): Case(
        lambda n: draft(options={"channel": "C1", "blocks": [{"type": "divider"}] * n})
    ),
    ("slack.media.max_items", "max_items"): Case(lambda n: draft(media=images(n))),
    ("slack.media.image_size_max", "max_bytes"): Case(
        lambda n: draft(media=(image(size_bytes=n),))
    ),
    ("slack.media.video_size_max", "max_bytes"): Case(
        lambda n: draft(media=(video(size_bytes=n),))
    ),
    # Telegram: UTF-16 code units, so an emoji outside the BMP counts two.
    ("telegram.text.max_chars", "max_chars"): Case(
        lambda n: draft("😀" * (n // 2) + "a" * (n % 2))
    ),
    ("telegram.caption.max_chars", "max_chars"): Case(
        lambda n: draft("😀" * (n // 2) + "a" * (n % 2), media=images(1))
    ),
    ("telegram.media.max_items", "max_items"): Case(lambda n: draft(media=images(n))),
    ("telegram.media.image_size_max", "max_bytes"): Case(
        lambda n: draft(media=(image(size_bytes=n),))
    ),
    ("telegram.media.video_size_max", "max_bytes"): Case(
        lambda n: draft(media=(video(size_bytes=n),))
    ),
    ("reddit.title.max_chars", "max_chars"): Case(
        lambda n: draft(options={"title": "😀" * n})
    ),
    ("reddit.text.max_chars", "max_chars"): Case(lambda n: draft("😀" * n)),
    ("reddit.flair_text.max_chars", "max_chars"): Case(
        lambda n: draft(options={"flair_text": "a" * n})
    ),
    ("reddit.kind.shape", "image_items"): Case(
        lambda n: draft(options={"kind": "image"}, media=images(n))
    ),
    ("lemmy.title.max_chars", "max_chars"): Case(
        lambda n: draft(options={"title": "é" * n})
    ),
    ("lemmy.text.max_chars", "max_chars"): Case(lambda n: draft("é" * n)),
    ("lemmy.media.max_items", "max_items"): Case(lambda n: draft(media=images(n))),
    ("lemmy.comment.max_graphemes", "max_graphemes"): Case(lambda n: draft("a" * n)),
    ("reddit.comment.max_graphemes", "max_graphemes"): Case(lambda n: draft("a" * n)),
    ("nostr.text.max_chars", "max_chars"): Case(lambda n: draft("😀" * n)),
    ("nostr.content.max_chars", "max_chars"): Case(
        lambda n: draft(
            "a" * (n - 30), media=(image(url="https://cdn.example.com/a.png"),)
        )
    ),
    ("nostr.media.alt_text_max_chars", "max_chars"): Case(
        lambda n: draft(media=(image(alt_text="a" * n),))
    ),
    ("nostr.relays.required", "min_items"): Case(
        lambda n: draft(account_limits={"relay_count": n}), direction="min"
    ),
    ("linkedin_page.text.max_graphemes", "max_graphemes"): Case(
        lambda n: draft("ñ" * n)
    ),
    ("linkedin_page.comment.max_graphemes", "max_graphemes"): Case(
        lambda n: draft("🇩🇪" * n)
    ),
    ("google_business.summary.max_chars", "max_chars"): Case(lambda n: draft("é" * n)),
    ("google_business.media.max_items", "max_items"): Case(
        lambda n: draft(media=images(n))
    ),
    ("wordpress.media.max_items", "max_items"): Case(lambda n: draft(media=images(n))),
    ("devto.title.max_chars", "max_chars"): Case(
        lambda n: draft(options={"title": "é" * n})
    ),
    ("devto.tags.max_items", "max_items"): Case(
        lambda n: draft(options={"tags": [f"t{i}" for i in range(n)]})
    ),
    ("devto.tags.format", "max_chars"): Case(
        lambda n: draft(options={"tags": "a" * n})
    ),
    # Tumblr: one NPF text block per line, an image block per image.
    ("tumblr.content.max_blocks", "max_blocks"): Case(
        lambda n: draft("a\n" * (n - 1), media=images(1))
    ),
    ("tumblr.text.block_max_chars", "max_chars"): Case(
        lambda n: draft("short\n" + "😀" * n)
    ),
    ("tumblr.media.max_items", "max_items"): Case(lambda n: draft(media=images(n))),
    ("tumblr.media.image_size_max", "max_bytes"): Case(
        lambda n: draft(media=(image(size_bytes=n),))
    ),
    # LinkedIn documents (#19), personal and Pages.
    **{
        (f"{slug}.media.document_size_max", "max_bytes"): Case(
            lambda n: draft(media=(document(size_bytes=n),))
        )
        for slug in ("linkedin", "linkedin_page")
    },
}


def enforced_numeric_limits() -> list[tuple[str, str]]:
    return [
        (rule.spec.id, key)
        for rule in catalog.checked_rules()
        for key, value in rule.spec.limits.items()
        if isinstance(value, int | float)
        and not isinstance(value, bool)
        and key not in rule.spec.informational
    ]


def test_every_enforced_limit_has_a_boundary_case() -> None:
    missing = set(enforced_numeric_limits()) - set(CASES)
    assert not missing, sorted(missing)
    assert set(CASES) <= set(enforced_numeric_limits()), set(CASES) - set(
        enforced_numeric_limits()
    )


@pytest.mark.parametrize(("rule_id", "key"), sorted(CASES), ids="{0[0]}:{0[1]}".format)
def test_at_the_limit_passes_and_one_unit_past_fails(rule_id: str, key: str) -> None:
    rule, case = RULES[rule_id], CASES[rule_id, key]
    limit = rule.spec.limits[key]
    past = limit + case.unit if case.direction == "max" else limit - case.unit

    assert rule(case.build(limit)) is None
    violation = rule(case.build(past))
    assert violation is not None and violation.rule == rule_id
    assert violation.severity == rule.spec.severity
    assert violation.remediation


# ─── allow-lists ───────────────────────────────────────────────────────────────────────────
REFUSED_CANDIDATES = (
    "image/bmp",
    "image/x-icon",
    "video/x-matroska",
    "video/h265",
    "text/plain",
)


def mime_lists() -> list[tuple[str, str]]:
    return [
        (rule.spec.id, key)
        for rule in catalog.checked_rules()
        for key, value in rule.spec.limits.items()
        if (key.endswith("_mimes") or key == "supported_mime_types")
        and key not in rule.spec.informational
        and isinstance(value, list)
    ]


def with_type(rule_id: str, key: str, mime: str) -> Draft:
    if rule_id == "pinterest.cover_image.mime_allowed":
        url = "https://cdn.example.com/cover"
        probe = UrlProbe(url=url, status=200, content_type=mime)
        return draft(options={"cover_image_url": url}, probes={url: probe})
    kind = (
        "video"
        if key == "video_mimes" or mime.startswith(("video/", "audio/"))
        else "image"
    )
    return draft(
        media=(
            video(content_type=mime) if kind == "video" else image(content_type=mime),
        )
    )


def test_mime_lists_are_found() -> None:
    assert len(mime_lists()) >= 17


@pytest.mark.parametrize(("rule_id", "key"), mime_lists(), ids="{0[0]}:{0[1]}".format)
def test_every_listed_type_is_accepted_and_an_unlisted_one_refused(
    rule_id: str, key: str
) -> None:
    rule = RULES[rule_id]
    allowed = rule.spec.limits[key]
    for mime in allowed:
        assert rule(with_type(rule_id, key, mime)) is None, mime
    refused = next(m for m in REFUSED_CANDIDATES if m not in allowed)
    violation = rule(with_type(rule_id, key, refused))
    assert violation is not None and violation.rule == rule_id
    assert refused in violation.message

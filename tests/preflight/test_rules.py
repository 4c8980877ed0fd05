"""What the rules say and when: messages with the numbers, fields, and the rules with logic beyond
a single limit (account state, options, instance limits)."""

from __future__ import annotations

import pytest

from platforms.base import Draft, UrlProbe
from platforms.mastodon.preflight import limits_from_instance
from platforms.preflight import catalog
from tests.preflight.support import draft, image, images, rule_ids, video, videos

PRODUCTION = {
    "privacy_level_options": [
        "PUBLIC_TO_EVERYONE",
        "MUTUAL_FOLLOW_FRIENDS",
        "SELF_ONLY",
    ]
}

# One draft per platform that every shape and deep rule accepts.
VALID: dict[str, Draft] = {
    "bluesky": draft(
        "Hello 🌍", media=images(2, alt_text="A cat", content_type="image/png")
    ),
    "twitter": draft("Hello example.com", media=(video(content_type="video/mp4"),)),
    "linkedin": draft("Hello", account_limits={"author_urn": "urn:li:person:abc-123"}),
    "facebook": draft("", media=images(3, content_type="image/jpeg")),
    "instagram": draft(
        "", media=images(2, content_type="image/jpeg", width=1080, height=1350)
    ),
    "threads": draft("Hi", media=(*images(3), *videos(2))),
    "pinterest": draft(
        "Pin it",
        media=(image(url="https://cdn.example.com/a.jpg"),),
        options={
            "board_id": "123",
            "title": "A pin",
            "destination_url": "https://example.com/",
        },
    ),
    "tiktok": draft(
        "#fyp",
        media=(
            video(
                content_type="video/mp4", duration_seconds=30, width=1080, height=1920
            ),
        ),
        options={"privacy": "public_to_everyone"},
        account_limits=PRODUCTION,
    ),
    "mastodon": draft(
        "Which?",
        options={
            "poll": {"options": ["a", "b"], "expires_in": 3600},
            "visibility": "unlisted",
        },
    ),
    "youtube": draft(
        "About this video",
        media=(video(content_type="video/mp4", duration_seconds=600),),
        options={"title": "My video", "tags": ["a", "b c"], "privacy": "unlisted"},
    ),
    "discord": draft(
        "Shipped",
        media=images(10, content_type="image/png", size_bytes=10 * 1024 * 1024),
        options={"embeds": [{"title": "v2.1"}], "username": "Changelog"},
    ),
    "slack": draft("Shipped", media=images(10), options={"channel": "C0123456789"}),
    "telegram": draft("😀" * 512, media=(*images(9), video(content_type="video/mp4"))),
    "reddit": draft(
        "",
        media=images(1, content_type="image/png"),
        options={"subreddit": "r/test", "title": "A title", "flair_id": "f1"},
    ),
    "lemmy": draft(
        "Body", media=images(1), options={"community": "technology", "title": "Hi"}
    ),
    "nostr": draft(
        "Hello 🌍",
        media=(image(url="https://cdn.example.com/a.png", alt_text="A cat"),),
        account_limits={"relay_count": 2},
    ),
    "wordpress": draft(
        "Hello https://example.com",
        media=images(1, content_type="image/webp"),
        options={
            "title": "Hello",
            "status": "future",
            "date": "2030-01-01T09:00:00+01:00",
            "categories": ["News", 7],
            "tags": ["release"],
        },
    ),
    "devto": draft(
        "# Hello\n\n![A cat](https://cdn.example.com/cat.png)",
        options={
            "title": "Hello",
            "tags": ["python", "WebDev", "100daysofcode", "a1"],
            "canonical_url": "https://blog.example.com/hello",
            "main_image": "https://cdn.example.com/cover.png",
        },
    ),
    "tumblr": draft(
        "First paragraph\n\nSecond",
        media=images(30),
        options={"tags": ["a tag", "b"], "state": "queue", "link": "https://x.example"},
    ),
    "linkedin_page": draft(
        "Hello", account_limits={"author_urn": "urn:li:organization:2414183"}
    ),
    "google_business": draft(
        "Winter sale",
        media=images(1),
        options={
            "topic_type": "OFFER",
            "event_title": "Sale",
            "event_start": "2026-12-20",
            "event_end": "2026-12-24T18:00",
            "coupon_code": "SCONES",
            "cta_type": "CALL",
        },
    ),
    "cross": draft(),
}


@pytest.mark.parametrize("platform", catalog.PLATFORMS)
def test_a_valid_draft_passes_every_rule(platform: str) -> None:
    def no_network(url: str) -> UrlProbe:
        return UrlProbe(url=url, status=200)

    d = VALID[platform]
    assert catalog.shape_preflight(platform, d) == []
    assert catalog.deep_preflight(platform, d, fetch=no_network) == []


def test_messages_carry_the_numbers_and_the_field() -> None:
    (v,) = catalog.shape_preflight("bluesky", draft("a" * 312))
    assert v.message == "Text is 312 graphemes; Bluesky allows 300."
    assert v.field == "text" and v.remediation.startswith("Trim to 300")
    (v,) = catalog.shape_preflight("twitter", draft("日" * 141))
    assert v.message == "Text is 282 weighted characters; X allows 280."
    alt = draft("x", media=(image(), image(alt_text="a" * 2001)))
    (v,) = catalog.shape_preflight("bluesky", alt)
    assert v.field == "media.1.altText" and "2,001 graphemes" in v.message


def test_bluesky_collects_every_violation() -> None:
    d = draft(" ", media=(*images(5), video()))
    assert rule_ids(catalog.shape_preflight("bluesky", d)) == [
        "bluesky.text.non_empty",
        "bluesky.media.image_video_exclusive",
        "bluesky.media.count_max",
    ]


def test_bluesky_refuses_text_over_the_lexicon_byte_cap() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    assert rule_ids(catalog.shape_preflight("bluesky", draft(family * 200))) == [
        "bluesky.text.max_bytes"
    ]


def test_x_counts_a_gif_alone() -> None:
    gif = image(content_type="image/gif")
    assert rule_ids(catalog.deep_preflight("twitter", draft(media=(gif,)))) == []
    mixed = draft(media=(gif, image(content_type="image/png")))
    assert rule_ids(catalog.deep_preflight("twitter", mixed)) == [
        "twitter.media.gif_count_max"
    ]


def test_tiktok_privacy_against_the_account() -> None:
    friends = {"privacy": "mutual_follow_friend"}
    only_public = {"privacy_level_options": ["PUBLIC_TO_EVERYONE", "SELF_ONLY"]}
    d = draft("x", media=videos(1), options=friends, account_limits=only_public)
    (v,) = catalog.shape_preflight("tiktok", d)
    assert v.rule == "tiktok.privacy.not_allowed" and v.field == "options.privacy"
    assert "public_to_everyone, self_only" in v.message
    unknown = draft(
        "x", media=videos(1), options={"privacy": "friends"}, account_limits=PRODUCTION
    )
    assert rule_ids(catalog.shape_preflight("tiktok", unknown)) == [
        "tiktok.privacy.not_allowed"
    ]


def test_tiktok_audit_accounts_post_privately_with_a_warning() -> None:
    public = {"privacy": "public_to_everyone"}
    for limits in (
        {},
        {"privacy_level_options": ["SELF_ONLY"]},
        {"audit_state": "audit"},
    ):
        (v,) = catalog.shape_preflight(
            "tiktok", draft("x", media=videos(1), options=public, account_limits=limits)
        )
        assert (v.rule, v.severity) == ("tiktok.audit.self_only", "warning")
    private = draft("x", media=videos(1), account_limits={"audit_state": "audit"})
    assert catalog.shape_preflight("tiktok", private) == []


def test_tiktok_wants_one_video_and_one_brand_toggle() -> None:
    both = {"brand_content_toggle": True, "brand_organic_toggle": True}
    d = draft("x", media=(image(),), options=both, account_limits=PRODUCTION)
    assert rule_ids(catalog.shape_preflight("tiktok", d)) == [
        "tiktok.media.video_required",
        "tiktok.branded_content.mutual_exclusive",
    ]


def test_tiktok_aspect_warnings() -> None:
    def aspect(w: int, h: int) -> list[str]:
        item = video(width=w, height=h, duration_seconds=10)
        return rule_ids(catalog.deep_preflight("tiktok", draft(media=(item,))))

    assert aspect(1080, 1920) == []
    assert aspect(1920, 1080) == ["tiktok.video.aspect_non_vertical"]
    assert aspect(1080, 1080) == ["tiktok.video.aspect_non_vertical"]
    assert aspect(1000, 1300) == ["tiktok.video.aspect_unusual"]
    assert aspect(400, 711) == ["tiktok.resolution.unsupported"]


MASTODON_INSTANCE = {
    "configuration": {
        "statuses": {
            "max_characters": 5000,
            "max_media_attachments": 8,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": ["image/jpeg"],
            "image_size_limit": 1000,
            "description_limit": 10,
        },
        "polls": {"max_options": 10, "max_characters_per_option": 100},
    }
}


def test_mastodon_reads_the_instance_limits() -> None:
    limits = limits_from_instance(MASTODON_INSTANCE)
    assert limits["max_characters"] == 5000 and limits["max_options"] == 10
    assert "video_size_limit" not in limits  # absent: the default applies
    long = draft("a" * 4000, media=images(6), account_limits=limits)
    assert catalog.shape_preflight("mastodon", long) == []
    assert rule_ids(catalog.shape_preflight("mastodon", draft("a" * 4000))) == [
        "mastodon.text.max_chars"
    ]
    png = draft(
        media=(image(content_type="image/png", size_bytes=2000),), account_limits=limits
    )
    assert rule_ids(catalog.deep_preflight("mastodon", png)) == [
        "mastodon.media.mime_allowed",
        "mastodon.media.image_size_max",
    ]
    alt = draft(media=(image(alt_text="a" * 11),), account_limits=limits)
    (v,) = catalog.shape_preflight("mastodon", alt)
    assert v.rule == "mastodon.media.alt_text_max_chars" and "allows 10" in v.message


def test_mastodon_counts_the_content_warning_and_keeps_polls_and_media_apart() -> None:
    warned = draft("a" * 450, options={"spoiler_text": "b" * 51})
    assert rule_ids(catalog.shape_preflight("mastodon", warned)) == [
        "mastodon.text.max_chars"
    ]
    both = draft(
        "Vote",
        media=images(1),
        options={"poll": {"options": ["a", "b"], "expires_in": 600}},
    )
    assert rule_ids(catalog.shape_preflight("mastodon", both)) == [
        "mastodon.poll.media_exclusive"
    ]
    assert rule_ids(
        catalog.shape_preflight("mastodon", draft("", options={"visibility": "world"}))
    ) == [
        "mastodon.text.required",
        "mastodon.visibility.enum",
    ]


def test_pinterest_needs_a_board_and_a_cover_for_video() -> None:
    d = draft("x", media=(video(),), options={"cover_image_url": "ftp://x/y.jpg"})
    assert rule_ids(catalog.deep_preflight("pinterest", d)) == [
        "pinterest.board.required",
        "pinterest.cover_image_url.http",
    ]
    default_board = draft(
        "x", media=(video(),), account_limits={"default_board_id": "9"}
    )
    assert rule_ids(catalog.deep_preflight("pinterest", default_board)) == [
        "pinterest.video.cover_required"
    ]
    two = draft(
        "x", media=images(2), options={"board_id": "1", "destination_url": "/relative"}
    )
    assert rule_ids(catalog.deep_preflight("pinterest", two)) == [
        "pinterest.media.single_only",
        "pinterest.destination_url.http",
    ]


def test_instagram_checks_every_carousel_image_ratio() -> None:
    square, wide = image(width=1080, height=1080), image(width=3000, height=1000)
    (v,) = catalog.deep_preflight("instagram", draft(media=(square, wide)))
    assert v.rule == "instagram.media.aspect_ratio" and v.field == "media.1"
    assert "3000x1000" in v.message
    assert (
        catalog.deep_preflight(
            "instagram", draft(media=(video(width=3000, height=1000),))
        )
        == []
    )


def test_instagram_skips_a_blank_caption_and_needs_media() -> None:
    assert rule_ids(catalog.shape_preflight("instagram", draft(" " * 3000))) == [
        "instagram.media.required"
    ]


def test_linkedin_author_and_visibility() -> None:
    org = draft(
        account_limits={"author_urn": "urn:li:organization:42"},
        options={"visibility": "LOGGED_IN"},
    )
    assert rule_ids(catalog.deep_preflight("linkedin", org)) == [
        "linkedin.author.org_not_supported",
        "linkedin.visibility.enum",
    ]
    bad = draft(account_limits={"author_urn": "urn:li:member:42"})
    assert rule_ids(catalog.deep_preflight("linkedin", bad)) == [
        "linkedin.author.urn_format"
    ]


def test_youtube_title_description_and_privacy() -> None:
    d = draft(
        "Use <b>", media=(image(),), options={"title": "a > b", "privacy": "friends"}
    )
    assert rule_ids(catalog.shape_preflight("youtube", d)) == [
        "youtube.media.video_required",
        "youtube.title.angle_brackets",
        "youtube.description.angle_brackets",
        "youtube.privacy.enum",
    ]
    untitled = draft("x", media=videos(1))
    assert rule_ids(catalog.shape_preflight("youtube", untitled)) == [
        "youtube.title.required"
    ]


def test_youtube_unverified_channels_have_a_shorter_cap() -> None:
    d = draft(
        media=(video(duration_seconds=901),),
        account_limits={"max_duration_seconds": 900},
    )
    (v,) = catalog.deep_preflight("youtube", d)
    assert v.rule == "youtube.video.duration_max" and "900" in v.message


def test_threads_and_facebook_want_text_or_media() -> None:
    for platform in ("threads", "facebook"):
        assert rule_ids(catalog.shape_preflight(platform, draft("\ufeff"))) == [
            f"{platform}.text.required"
        ]
        assert catalog.shape_preflight(platform, draft("", media=images(1))) == []


def test_first_comment_rules_are_deep() -> None:
    d = draft("x", first_comment="a" * 301)
    assert catalog.shape_preflight("bluesky", d) == []
    (v,) = catalog.deep_preflight("bluesky", d)
    assert (
        v.rule == "bluesky.first_comment.max_graphemes"
        and v.field == "firstComment.text"
    )

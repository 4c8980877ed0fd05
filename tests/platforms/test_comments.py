"""The comment rules of the platforms whose threads are comments (platforms/comments.py).

Each thread item and first comment on LinkedIn, Facebook, Instagram and YouTube is checked by
`preflight_reply` against the platform's comment rules only (the REPLY phase), and the post
itself never meets them. Publishing and reconciling comments: tests/platforms/<slug>/
test_comments.py.
"""

from __future__ import annotations

import pytest
import responses

from letmepost.errors import PlatformRejected
from letmepost.ids import uuid7
from platforms.base import Draft, MediaItem, PublishResult, ReplyTo
from platforms.models import PlatformAccount
from platforms.preflight import catalog
from platforms.registry import adapter_class

COMMENTING = ("linkedin", "facebook", "instagram", "youtube")
PHOTO = MediaItem(kind="image", url="https://cdn.example.com/a.jpg")
CLIP = MediaItem(kind="video", url="https://cdn.example.com/a.mp4")
# What each platform answers to a comment of one photo, and to a blank one.
MEDIA_RULE = {
    "linkedin": "linkedin.comment.media_unsupported",
    "facebook": None,  # one photo is allowed (`attachment_url`)
    "instagram": "instagram.comment.media_unsupported",
    "youtube": "youtube.comment.media_unsupported",
}
BLANK_RULE = {
    "linkedin": "linkedin.comment.non_empty",
    "facebook": "facebook.comment.text_required",
    "instagram": "instagram.comment.non_empty",
    "youtube": "youtube.comment.non_empty",
}


def comment(text: str = "More below", *media: MediaItem) -> Draft:
    return Draft(text=text, idempotency_token=f"{uuid7()}.1", media=media)


def violations(slug: str, draft: Draft) -> list[str]:
    account = PlatformAccount(platform=slug, external_id="1", metadata={})
    return [v.rule for v in adapter_class(slug)(account).preflight_reply(draft)]


@pytest.mark.parametrize("slug", COMMENTING)
def test_threads_are_comments_checked_by_comment_rules_only(slug: str) -> None:
    cls = adapter_class(slug)
    assert cls.thread_style == "comments"
    replies = {r.spec.id for r in catalog.reply_rules_for(slug)}
    assert replies and all(i.startswith(f"{slug}.comment.") for i in replies)
    post_rules = {r.spec.id for r in (*cls.rules, *cls.deep_rules)}
    assert not replies & post_rules
    # A plain text comment passes, though the post rules would refuse it as a post
    # (Instagram needs media, YouTube a video and a title).
    assert violations(slug, comment()) == []


@pytest.mark.parametrize("slug", COMMENTING)
def test_a_blank_comment_and_a_photo_comment_meet_the_platform_s_rules(
    slug: str,
) -> None:
    assert violations(slug, comment(" ")) == [BLANK_RULE[slug]]
    expected = [MEDIA_RULE[slug]] if MEDIA_RULE[slug] else []
    assert violations(slug, comment("Look", PHOTO)) == expected


def test_a_facebook_comment_takes_one_photo_and_no_video() -> None:
    assert violations("facebook", comment("", PHOTO)) == []
    assert violations("facebook", comment("Look", PHOTO, PHOTO)) == [
        "facebook.comment.media_count_max"
    ]
    assert violations("facebook", comment("Look", CLIP)) == [
        "facebook.comment.media_count_max"
    ]


@pytest.mark.parametrize(
    ("slug", "limit"),
    [("linkedin", 1250), ("facebook", 8000), ("instagram", 2200), ("youtube", 10_000)],
)
def test_a_comment_is_as_long_as_the_platform_allows(slug: str, limit: int) -> None:
    assert violations(slug, comment("a" * limit)) == []
    assert violations(slug, comment("a" * (limit + 1))) == [
        f"{slug}.comment.max_graphemes"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", COMMENTING)
def test_a_post_confirmed_without_its_id_takes_no_comments(slug: str) -> None:
    account = PlatformAccount(platform=slug, external_id="1", metadata={})
    unnamed = PublishResult(uri=None, cid=None)
    # Inside RequestsMock with no route, any request would fail the test.
    with responses.RequestsMock(), pytest.raises(PlatformRejected) as caught:
        adapter_class(slug)(account).publish_reply(
            comment(), ReplyTo(parent=unnamed, root=unnamed)
        )
    assert caught.value.fields["platform"] == slug

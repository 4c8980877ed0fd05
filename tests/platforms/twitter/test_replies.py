"""X thread items and first comments: replies to the previous item, published and reconciled at
the HTTP boundary; every request and canned answer is checked against X's OpenAPI file."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from letmepost.errors import PlatformRejected
from letmepost.ids import uuid7
from platforms.base import Draft, MediaItem, PublishResult, ReplyTo
from platforms.models import PlatformAccount
from platforms.twitter.adapter import TwitterAdapter
from tests.platforms.bluesky.conftest import png
from tests.platforms.twitter.conftest import USER_ID, api, payload, sent_json
from tests.platforms.twitter.test_publish import IMAGE_ID, image_upload

TWEETS = api("/2/tweets")
TIMELINE = api(f"/2/users/{USER_ID}/tweets")
ROOT_ID = "1880000000000000001"
PARENT_ID = "1880000000000000002"
CREATED_ID = payload("create_post")["data"]["id"]
ROOT = PublishResult(uri=f"https://x.com/letmepost_demo/status/{ROOT_ID}", cid=ROOT_ID)
PARENT = PublishResult(
    uri=f"https://x.com/letmepost_demo/status/{PARENT_ID}", cid=PARENT_ID
)
UNDER_PARENT = ReplyTo(parent=PARENT, root=ROOT)


def item(text: str = "Part two of the story", **kwargs) -> Draft:
    return Draft(text=text, idempotency_token=str(uuid7()), **kwargs)


def test_x_threads_are_reply_chains() -> None:
    assert TwitterAdapter.thread_style == "replies"


def test_an_item_replies_to_the_previous_one(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(TWEETS, status=201, json=payload("create_post"))
    result = TwitterAdapter(account).publish_reply(item(), UNDER_PARENT)
    assert sent_json(upstream.calls[0]) == {
        "text": "Part two of the story",
        "reply": {"in_reply_to_tweet_id": PARENT_ID},
    }
    assert (result.cid, result.uri) == (
        CREATED_ID,
        f"https://x.com/letmepost_demo/status/{CREATED_ID}",
    )


def test_an_item_with_an_image_uploads_it_then_replies(
    account: PlatformAccount, upstream
) -> None:
    upstream.get("https://cdn.example.com/a.png", body=png(), content_type="image/png")
    image_upload(upstream)
    upstream.post(TWEETS, status=201, json=payload("create_post"))
    image = MediaItem(kind="image", url="https://cdn.example.com/a.png")
    TwitterAdapter(account).publish_reply(item(media=(image,)), UNDER_PARENT)
    assert sent_json(upstream.calls[-1]) == {
        "text": "Part two of the story",
        "media": {"media_ids": [IMAGE_ID]},
        "reply": {"in_reply_to_tweet_id": PARENT_ID},
    }


def test_the_targets_reply_and_quote_options_stay_on_the_first_post(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(TWEETS, status=201, json=payload("create_post"))
    options = {"replyToTweetId": "1770000000000000009", "quoteTweetId": "17"}
    TwitterAdapter(account).publish_reply(item(options=options), UNDER_PARENT)
    assert sent_json(upstream.calls[0])["reply"] == {"in_reply_to_tweet_id": PARENT_ID}
    assert "quote_tweet_id" not in sent_json(upstream.calls[0])


@pytest.mark.parametrize("cid", [None, "", "at://not-an-x-id"])
def test_a_parent_without_an_x_id_sends_nothing(
    account: PlatformAccount, upstream, cid
) -> None:
    orphan = ReplyTo(parent=PublishResult(uri=None, cid=cid), root=ROOT)
    with pytest.raises(PlatformRejected):
        TwitterAdapter(account).publish_reply(item(), orphan)
    assert len(upstream.calls) == 0


def test_a_first_comment_is_left_to_the_engine(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(TWEETS, status=201, json=payload("create_post"))
    result = TwitterAdapter(account).publish(item(first_comment="more below"))
    assert len(upstream.calls) == 1  # the post only; the comment is a reply of its own
    assert sent_json(upstream.calls[0]) == {"text": "Part two of the story"}
    assert result.warnings == ()


def timeline_with(text: str) -> dict:
    page = payload("user_posts")
    page["data"][0]["text"] = text
    return page


def test_a_lost_reply_is_found_among_the_posts_newer_than_its_parent(
    account: PlatformAccount, upstream
) -> None:
    found_id = payload("user_posts")["data"][0]["id"]
    upstream.get(TIMELINE, json=timeline_with("Part two of the story"))
    result = TwitterAdapter(account).reconcile_reply(item(), UNDER_PARENT)
    assert result is not None and result.cid == found_id
    query = parse_qs(urlsplit(upstream.calls[0].request.url).query)
    assert query["since_id"] == [PARENT_ID]
    assert "start_time" not in query  # the parent's id bounds the window, not a clock
    assert query["exclude"] == ["retweets"]  # replies are read too


def test_a_reply_that_never_landed_is_reported_absent(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(TIMELINE, json=timeline_with("Something else"))
    assert TwitterAdapter(account).reconcile_reply(item(), UNDER_PARENT) is None

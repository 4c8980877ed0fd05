"""Thread items and first comments on YouTube: top-level comments by the channel on the video.

Google's discovery document checks every request (`commentThreads.insert` / `.list`: method,
path, query parameters and the CommentThread body) and every canned answer (its schemas).
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from letmepost.errors import (
    PlatformAuthFailed,
    PlatformRateLimited,
    PlatformRejected,
    PublishOutcomeUnknown,
)
from letmepost.ids import uuid7
from platforms.base import Draft, PublishResult, ReconcileUnsupported, ReplyTo
from platforms.models import PlatformAccount
from platforms.youtube.adapter import YouTubeAdapter
from tests.platforms.youtube.conftest import (
    CHANNEL_ID,
    api,
    google_error,
    method_errors,
    schema_errors,
)

pytestmark = pytest.mark.django_db

VIDEO_ID = "Ks-_Mh1QhMc"
THREADS = api("/youtube/v3/commentThreads")
ROOT = PublishResult(uri=f"https://www.youtube.com/watch?v={VIDEO_ID}", cid=VIDEO_ID)
FIRST = ReplyTo(parent=ROOT, root=ROOT)
TEXT = "Chapters: 0:00 intro, 1:30 build"
OURS = "UgzDE2tasfmrYLyNkGt4AaABAg"


def comment(text: str = TEXT) -> Draft:
    return Draft(text=text, idempotency_token=f"{uuid7()}.1")


def thread(thread_id: str = OURS, text: str = TEXT, author: str = CHANNEL_ID) -> dict:
    snippet = {
        "channelId": CHANNEL_ID,
        "videoId": VIDEO_ID,
        "textDisplay": text,
        "textOriginal": text,
        "authorDisplayName": "Maker Studio",
        "authorChannelId": {"value": author},
        "publishedAt": "2026-12-07T10:00:00Z",
    }
    body = {
        "kind": "youtube#commentThread",
        "etag": "c1",
        "id": thread_id,
        "snippet": {
            "channelId": CHANNEL_ID,
            "videoId": VIDEO_ID,
            "topLevelComment": {
                "kind": "youtube#comment",
                "etag": "c2",
                "id": thread_id,
                "snippet": snippet,
            },
            "canReply": True,
            "totalReplyCount": 0,
            "isPublic": True,
        },
    }
    assert schema_errors("CommentThread", body) == []
    return body


def listing(*threads: dict, next_page: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "youtube#commentThreadListResponse",
        "etag": "l1",
        "pageInfo": {"totalResults": len(threads), "resultsPerPage": 100},
        "items": list(threads),
    }
    if next_page:
        body["nextPageToken"] = next_page
    assert schema_errors("CommentThreadListResponse", body) == []
    return body


def test_youtube_threads_are_comments() -> None:
    assert YouTubeAdapter.thread_style == "comments"


def test_a_comment_is_a_comment_thread_on_the_video(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(THREADS, json=thread())
    result = YouTubeAdapter(account).publish_reply(comment(), FIRST)
    (call,) = upstream.calls
    assert method_errors("commentThreads", "insert", call) == []
    assert call.request.headers["Authorization"] == "Bearer ya29.current"
    assert result.cid == OURS
    assert result.uri == f"https://www.youtube.com/watch?v={VIDEO_ID}&lc={OURS}"


@pytest.mark.parametrize(
    ("status", "reason", "error", "rule"),
    [
        (403, "commentsDisabled", PlatformRejected, "youtube.comment.disabled"),
        (400, "commentTextTooLong", PlatformRejected, "youtube.comment.max_graphemes"),
        (403, "forbidden", PlatformAuthFailed, None),
    ],
)
def test_google_refusals_map_to_comment_rules(
    account: PlatformAccount, upstream, status, reason, error, rule
) -> None:
    refusal = google_error(status, reason, f"{reason} happened")
    upstream.post(THREADS, status=status, json=refusal)
    with pytest.raises(error) as caught:
        YouTubeAdapter(account).publish_reply(comment(), FIRST)
    assert caught.value.fields.get("rule") == rule
    assert caught.value.fields["platform_response"] == refusal


def test_a_spent_quota_waits_an_hour(account: PlatformAccount, upstream) -> None:
    upstream.post(
        THREADS, status=403, json=google_error(403, "quotaExceeded", "Quota exceeded")
    )
    with pytest.raises(PlatformRateLimited) as caught:
        YouTubeAdapter(account).publish_reply(comment(), FIRST)
    assert caught.value.retry_after == 3600


def test_a_429_waits_as_google_says(account: PlatformAccount, upstream) -> None:
    upstream.post(
        THREADS,
        status=429,
        json=google_error(429, "rateLimitExceeded", "Slow down"),
        headers={"Retry-After": "30"},
    )
    with pytest.raises(PlatformRateLimited) as caught:
        YouTubeAdapter(account).publish_reply(comment(), FIRST)
    assert caught.value.fields["rule"] == "youtube.quota_exceeded"
    assert caught.value.retry_after == 30


def test_a_5xx_or_a_lost_answer_to_the_insert_is_an_unknown_outcome(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(
        THREADS, status=503, json=google_error(503, "backendError", "Backend Error")
    )
    upstream.post(THREADS, body=requests.exceptions.ReadTimeout("slow"))
    for _ in range(2):
        with pytest.raises(PublishOutcomeUnknown):
            YouTubeAdapter(account).publish_reply(comment(), FIRST)


def test_reconcile_finds_the_channel_s_comment_with_our_text(
    account: PlatformAccount, upstream
) -> None:
    someone = thread("UgxOther", author="UCsomeoneElse00000000000")
    upstream.get(THREADS, json=listing(someone, thread()))
    found = YouTubeAdapter(account).reconcile_reply(comment(), FIRST)
    assert found is not None and found.cid == OURS
    assert method_errors("commentThreads", "list", upstream.calls[0]) == []


def test_reconcile_says_absent_or_cannot_tell(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(THREADS, json=listing(thread()))
    assert YouTubeAdapter(account).reconcile_reply(comment("Not sent"), FIRST) is None
    upstream.get(THREADS, json=listing(thread(), next_page="QURTSl9p"))
    with pytest.raises(ReconcileUnsupported):
        YouTubeAdapter(account).reconcile_reply(comment("Not sent"), FIRST)
    upstream.get(THREADS, json=listing(thread(), thread("UgzSecond")))
    with pytest.raises(ReconcileUnsupported):  # the same text twice
        YouTubeAdapter(account).reconcile_reply(comment(), FIRST)

"""Publishing to X at the HTTP boundary: chunked media, posts, options, errors, the launch cap."""

from __future__ import annotations

import time

import pytest
import requests

from letmepost.errors import (
    PlatformAuthFailed,
    PlatformRateLimited,
    PlatformRejected,
    PlatformUnavailable,
    PreflightFailed,
    PublishOutcomeUnknown,
    ValidationFailed,
)
from letmepost.ids import uuid7
from platforms.base import Draft, MediaItem
from platforms.models import PlatformAccount
from platforms.twitter.adapter import TwitterAdapter
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.bluesky.conftest import png
from tests.platforms.test_attachments import file_part, stored_video, video_bytes
from tests.platforms.twitter.conftest import PROBLEM, api, payload, sent_json
from tests.platforms.twitter.openapi import multipart_fields

TWEETS = api("/2/tweets")
INIT = api("/2/media/upload/initialize")
IMAGE_ID = "1880028106020515840"
VIDEO_ID = "1880028106020515841"
POST_ID = payload("create_post")["data"]["id"]
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (4 * 1024 * 1024)  # two 4 MiB chunks


def draft(text: str = "Hello from letmepost", **kwargs) -> Draft:
    return Draft(text=text, idempotency_token=str(uuid7()), **kwargs)


def image_upload(upstream, media_id: str = IMAGE_ID, *, alt: bool = False) -> None:
    init = payload("initialize_image")
    init["data"]["id"] = media_id
    done = payload("finalize_image")
    done["data"]["id"] = media_id
    upstream.post(INIT, json=init)
    upstream.post(api(f"/2/media/upload/{media_id}/append"), json=payload("append"))
    upstream.post(api(f"/2/media/upload/{media_id}/finalize"), json=done)
    if alt:
        upstream.post(api("/2/media/metadata"), json=payload("metadata"))


def publish_now(persona: Persona, account: PlatformAccount, **body) -> PostTarget:
    """POST /v1/posts (immediate) through the real publish service; the target afterwards."""
    response = post_json(
        persona.client,
        "/v1/posts",
        {"targets": [{"accountId": str(account.pk)}], "publishNow": True, **body},
    )
    assert response.status_code in (200, 201, 202), response.json()
    return PostTarget.objects.latest("created_at")


def test_a_text_post_through_the_publish_service(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(TWEETS, status=201, json=payload("create_post"))
    target = publish_now(owner, account, text="Hello from letmepost")
    assert target.status == PostTarget.Status.PUBLISHED, target.error
    assert target.platform_uri == f"https://x.com/letmepost_demo/status/{POST_ID}"
    assert target.platform_cid == POST_ID
    (call,) = upstream.calls
    assert call.request.headers["Authorization"] == "Bearer x-access"
    assert sent_json(call) == {"text": "Hello from letmepost"}


def test_images_are_uploaded_in_chunks_with_alt_text(
    account: PlatformAccount, upstream
) -> None:
    upstream.get("https://cdn.example.com/a.png", body=png(), content_type="image/png")
    image_upload(upstream, alt=True)
    upstream.get(
        "https://cdn.example.com/b.png", body=png(2, 2), content_type="image/png"
    )
    image_upload(upstream, "1880028106020515842")
    upstream.post(TWEETS, status=201, json=payload("create_post"))
    post = draft(
        media=(
            MediaItem(
                kind="image",
                url="https://cdn.example.com/a.png",
                alt_text="a bar chart",
            ),
            MediaItem(kind="image", url="https://cdn.example.com/b.png"),
        )
    )
    result = TwitterAdapter(account).publish(post)
    assert (result.cid, result.warnings) == (POST_ID, ())
    assert sent_json(upstream.calls[1]) == {
        "media_type": "image/png",
        "total_bytes": len(png()),
        "media_category": "tweet_image",
    }
    append = upstream.calls[2].request
    assert multipart_fields(append) == {"segment_index": 0, "media": "<binary>"}
    assert png() in append.body
    assert upstream.calls[3].request.body in (None, b"", "")  # FINALIZE has no body
    assert sent_json(upstream.calls[4]) == {
        "id": IMAGE_ID,
        "metadata": {"alt_text": {"text": "a bar chart"}},
    }
    assert sent_json(upstream.calls[-1]) == {
        "text": "Hello from letmepost",
        "media": {"media_ids": [IMAGE_ID, "1880028106020515842"]},
    }


def test_a_video_is_appended_in_4_mib_segments_and_polled_until_processed(
    account: PlatformAccount, upstream
) -> None:
    upstream.get("https://cdn.example.com/v.mp4", body=MP4, content_type="video/mp4")
    upstream.post(INIT, json=payload("initialize_video"))
    append = api(f"/2/media/upload/{VIDEO_ID}/append")
    upstream.post(append, json=payload("append"))
    upstream.post(append, json=payload("append"))
    upstream.post(
        api(f"/2/media/upload/{VIDEO_ID}/finalize"), json=payload("finalize_video")
    )
    upstream.get(api("/2/media/upload"), json=payload("status_in_progress"))
    upstream.get(api("/2/media/upload"), json=payload("status_succeeded"))
    upstream.post(TWEETS, status=201, json=payload("create_post"))
    started = time.monotonic()
    TwitterAdapter(account).publish(
        draft(media=(MediaItem(kind="video", url="https://cdn.example.com/v.mp4"),))
    )
    assert time.monotonic() - started >= 2  # check_after_secs honoured, twice
    assert sent_json(upstream.calls[1]) == {
        "media_type": "video/mp4",
        "total_bytes": len(MP4),
        "media_category": "tweet_video",
    }
    segments = [multipart_fields(upstream.calls[i].request) for i in (2, 3)]
    assert [s["segment_index"] for s in segments] == [0, 1]
    assert (
        len(upstream.calls[2].request.body)
        > 4 * 1024 * 1024
        > len(upstream.calls[3].request.body)
    )
    status = upstream.calls[5].request.url
    assert status.endswith(f"?media_id={VIDEO_ID}&command=STATUS")
    assert sent_json(upstream.calls[-1])["media"] == {"media_ids": [VIDEO_ID]}


def test_a_gif_goes_as_tweet_gif(account: PlatformAccount, upstream) -> None:
    gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
    upstream.get("https://cdn.example.com/a.gif", body=gif, content_type="image/gif")
    image_upload(upstream)
    upstream.post(TWEETS, status=201, json=payload("create_post"))
    TwitterAdapter(account).publish(
        draft(media=(MediaItem(kind="image", url="https://cdn.example.com/a.gif"),))
    )
    assert sent_json(upstream.calls[1])["media_category"] == "tweet_gif"


def test_a_type_x_does_not_take_is_refused_before_any_upload(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(
        "https://cdn.example.com/a.bmp",
        body=b"BM" + b"\x00" * 60,
        content_type="image/bmp",
    )
    with pytest.raises(PreflightFailed) as caught:
        TwitterAdapter(account).publish(
            draft(media=(MediaItem(kind="image", url="https://cdn.example.com/a.bmp"),))
        )
    assert caught.value.rule == "twitter.media.mime_allowed"


@pytest.mark.parametrize(
    ("options", "sent"),
    [
        (
            {"replyToTweetId": "1880000000000000001"},
            {"reply": {"in_reply_to_tweet_id": "1880000000000000001"}},
        ),
        (
            {"quoteTweetId": "1880000000000000002"},
            {"quote_tweet_id": "1880000000000000002"},
        ),
    ],
)
def test_reply_and_quote(account: PlatformAccount, upstream, options, sent) -> None:
    upstream.post(TWEETS, status=201, json=payload("create_post"))
    TwitterAdapter(account).publish(draft(options={"platform": "twitter", **options}))
    assert sent_json(upstream.calls[0]) == {"text": "Hello from letmepost", **sent}


@pytest.mark.parametrize(
    ("options", "rule"),
    [
        ({"replyToTweetId": "1", "quoteTweetId": "2"}, "options.quoteTweetId"),
        ({"replyToTweetId": "https://x.com/a/status/1"}, "options.replyToTweetId"),
    ],
)
def test_bad_options_are_refused_before_calling_x(
    account: PlatformAccount, upstream, options, rule
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        TwitterAdapter(account).publish(draft(options=options))
    assert caught.value.rule == rule


@pytest.mark.parametrize(
    ("status", "name", "error", "rule"),
    [
        (401, "problem_401", PlatformAuthFailed, None),
        (403, "problem_403_client", PlatformAuthFailed, None),
        (403, "problem_403_duplicate", PlatformRejected, "twitter.text.duplicate"),
        (403, "problem_403_reply", PlatformRejected, "twitter.post.not_permitted"),
        (400, "problem_400_too_long", PlatformRejected, "twitter.text.max_graphemes"),
    ],
)
def test_x_problems_map_to_codes_and_rules(
    account: PlatformAccount, upstream, status, name, error, rule
) -> None:
    upstream.post(TWEETS, status=status, json=payload(name), content_type=PROBLEM)
    with pytest.raises(error) as caught:
        TwitterAdapter(account).publish(draft())
    assert type(caught.value) is error
    assert caught.value.rule == rule
    assert caught.value.fields["platform_response"] == payload(name)
    assert caught.value.fields["platform_version"] == "x-v2"


def test_401_through_the_service_rejects_the_target(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(TWEETS, status=401, json=payload("problem_401"), content_type=PROBLEM)
    target = publish_now(owner, account, text="hi")
    assert target.status == PostTarget.Status.REJECTED
    assert (target.error["code"], target.error["platform"]) == (
        "platform_auth_failed",
        "twitter",
    )


def test_429_retries_after_the_window_resets(
    account: PlatformAccount, upstream
) -> None:
    reset = int(time.time()) + 600
    upstream.post(
        TWEETS,
        status=429,
        json=payload("problem_429"),
        content_type=PROBLEM,
        headers={
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(reset),
        },
    )
    with pytest.raises(PlatformRateLimited) as caught:
        TwitterAdapter(account).publish(draft())
    assert 595 <= caught.value.retry_after <= 600 and caught.value.retryable


def test_429_on_the_24_hour_user_cap_waits_for_that_cap(
    account: PlatformAccount, upstream
) -> None:
    now = int(time.time())
    upstream.post(
        TWEETS,
        status=429,
        json=payload("problem_429"),
        content_type=PROBLEM,
        headers={
            "x-rate-limit-reset": str(now + 60),
            "x-user-limit-24hour-limit": "17",
            "x-user-limit-24hour-remaining": "0",
            "x-user-limit-24hour-reset": str(now + 7200),
        },
    )
    with pytest.raises(PlatformRateLimited) as caught:
        TwitterAdapter(account).publish(draft())
    assert 7195 <= caught.value.retry_after <= 7200


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 503, "json": payload("problem_503"), "content_type": PROBLEM},
        {"body": requests.ReadTimeout("read timed out")},
    ],
)
def test_a_5xx_or_lost_answer_on_the_post_is_an_unknown_outcome(
    account: PlatformAccount, upstream, answer
) -> None:
    upstream.post(TWEETS, **answer)
    with pytest.raises(PublishOutcomeUnknown) as caught:
        TwitterAdapter(account).publish(draft())
    assert caught.value.rule == "publish.outcome_unknown"


def test_a_post_that_never_left_is_retryable(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(TWEETS, body=requests.ConnectTimeout("connect timed out"))
    with pytest.raises(PlatformUnavailable) as caught:
        TwitterAdapter(account).publish(draft())
    assert type(caught.value) is PlatformUnavailable and caught.value.retryable


def test_a_5xx_on_media_is_retryable_and_nothing_was_posted(
    account: PlatformAccount, upstream
) -> None:
    upstream.get("https://cdn.example.com/a.png", body=png(), content_type="image/png")
    upstream.post(INIT, status=503, json=payload("problem_503"), content_type=PROBLEM)
    with pytest.raises(PlatformUnavailable) as caught:
        TwitterAdapter(account).publish(
            draft(media=(MediaItem(kind="image", url="https://cdn.example.com/a.png"),))
        )
    assert type(caught.value) is PlatformUnavailable
    assert not any(c.request.url == TWEETS for c in upstream.calls)


def test_an_append_that_cannot_reach_x_names_the_rule(
    account: PlatformAccount, upstream
) -> None:
    upstream.get("https://cdn.example.com/a.png", body=png(), content_type="image/png")
    upstream.post(INIT, json=payload("initialize_image"))
    upstream.post(
        api(f"/2/media/upload/{IMAGE_ID}/append"),
        body=requests.ConnectionError("connection reset"),
    )
    with pytest.raises(PlatformUnavailable) as caught:
        TwitterAdapter(account).publish(
            draft(media=(MediaItem(kind="image", url="https://cdn.example.com/a.png"),))
        )
    assert caught.value.rule == "twitter.media.upload_unreachable"


def video_until_finalize(upstream) -> None:
    upstream.get(
        "https://cdn.example.com/v.mp4", body=MP4[:64], content_type="video/mp4"
    )
    upstream.post(INIT, json=payload("initialize_video"))
    upstream.post(api(f"/2/media/upload/{VIDEO_ID}/append"), json=payload("append"))
    upstream.post(
        api(f"/2/media/upload/{VIDEO_ID}/finalize"), json=payload("finalize_video")
    )


def test_failed_processing_is_rejected_with_the_rule(
    account: PlatformAccount, upstream
) -> None:
    video_until_finalize(upstream)
    upstream.get(api("/2/media/upload"), json=payload("status_failed"))
    with pytest.raises(PlatformRejected) as caught:
        TwitterAdapter(account).publish(
            draft(media=(MediaItem(kind="video", url="https://cdn.example.com/v.mp4"),))
        )
    assert caught.value.rule == "twitter.media.video_processing_failed"
    assert caught.value.fields["platform_response"] == payload("status_failed")["data"]


def test_processing_past_the_deadline_is_retryable(
    account: PlatformAccount, upstream, settings
) -> None:
    settings.TWITTER_MEDIA_TIMEOUT_SECONDS = 0
    video_until_finalize(upstream)
    with pytest.raises(PlatformUnavailable) as caught:
        TwitterAdapter(account).publish(
            draft(media=(MediaItem(kind="video", url="https://cdn.example.com/v.mp4"),))
        )
    assert (caught.value.rule, caught.value.status) == (
        "twitter.media.processing_timeout",
        504,
    )
    assert caught.value.retryable


def test_alt_text_x_refuses_is_a_warning(account: PlatformAccount, upstream) -> None:
    upstream.get("https://cdn.example.com/a.png", body=png(), content_type="image/png")
    image_upload(upstream)
    upstream.post(
        api("/2/media/metadata"),
        status=400,
        json={
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.x.com/2/problems/invalid-request",
        },
        content_type=PROBLEM,
    )
    upstream.post(TWEETS, status=201, json=payload("create_post"))
    result = TwitterAdapter(account).publish(
        draft(
            media=(
                MediaItem(
                    kind="image", url="https://cdn.example.com/a.png", alt_text="x"
                ),
            )
        )
    )
    assert result.cid == POST_ID
    assert [w["code"] for w in result.warnings] == ["alt_text_failed"]


def test_the_launch_cap_stops_the_account_at_its_limit(
    owner: Persona, account: PlatformAccount, upstream, settings
) -> None:
    settings.TWITTER_LAUNCH_CAP_PER_ACCOUNT = 1
    upstream.post(TWEETS, status=201, json=payload("create_post"))
    first = publish_now(owner, account, text="one")
    assert first.status == PostTarget.Status.PUBLISHED
    second = publish_now(owner, account, text="two")
    assert len(upstream.calls) == 1  # the second never reached X
    assert second.status != PostTarget.Status.PUBLISHED
    assert (second.error["code"], second.error["rule"]) == (
        "rate_limited",
        "twitter.launch_cap.per_account",
    )
    blocked = second.error["platformResponse"]
    assert (blocked["cap"], blocked["windowDays"]) == (1, 30)
    assert 29 * 86400 < blocked["retryAfterSeconds"] <= 30 * 86400
    settings.TWITTER_LAUNCH_CAP_PER_ACCOUNT = 0  # off
    third = publish_now(owner, account, text="three")
    assert third.status == PostTarget.Status.PUBLISHED


def test_a_stored_video_reaches_x_whole_and_in_order(
    owner: Persona, account: PlatformAccount, upstream, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    video = video_bytes(2 * 4 * 1024 * 1024 + 1000)  # three segments, the last short
    media = stored_video(owner, video)
    upstream.post(INIT, json=payload("initialize_video"))
    append = api(f"/2/media/upload/{VIDEO_ID}/append")
    for _ in range(3):
        upstream.post(append, json=payload("append"))
    done = payload("finalize_video")
    done["data"].pop("processing_info", None)  # processed at once: no STATUS polls
    upstream.post(api(f"/2/media/upload/{VIDEO_ID}/finalize"), json=done)
    upstream.post(TWEETS, status=201, json=payload("create_post"))
    TwitterAdapter(account).publish(
        draft(media=(MediaItem(kind="video", media_id=str(media.pk)),))
    )
    assert sent_json(upstream.calls[0])["total_bytes"] == len(video)
    appends = [c.request for c in upstream.calls if c.request.url == append]
    assert [multipart_fields(r)["segment_index"] for r in appends] == [0, 1, 2]
    assert [len(file_part(r)) for r in appends] == [4194304, 4194304, 1000]
    assert b"".join(file_part(r) for r in appends) == video

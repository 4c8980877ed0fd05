"""Uploading to YouTube through the real publish service: resumable sessions, errors, reconcile."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.utils import timezone

from platforms.models import PlatformAccount
from platforms.youtube import adapter as youtube
from platforms.youtube import sessions
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.test_attachments import video_bytes
from tests.platforms.youtube.conftest import (
    SESSION,
    api,
    channel,
    channel_list,
    google_error,
    schema_errors,
    video,
)

CLIP = "https://cdn.example.com/clip.mp4"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x02" * 200
START = api("/upload/youtube/v3/videos")
OPTIONS = {
    "title": "Launch day",
    "tags": ["launch", "maker studio"],
    "privacy": "unlisted",
    "categoryId": "28",
    "madeForKids": False,
}


def create(persona: Persona, account: PlatformAccount, options=None, **body):
    return post_json(
        persona.client,
        "/v1/posts",
        {
            "targets": [
                {
                    "accountId": str(account.pk),
                    "options": {"platform": "youtube", **(options or OPTIONS)},
                }
            ],
            "text": "Everything we shipped today.",
            "media": [{"kind": "video", "url": CLIP}],
            **body,
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


def schedule(persona: Persona, account: PlatformAccount) -> PostTarget:
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    response = create(persona, account, scheduledAt=later)
    assert response.status_code == 202, response.json()
    return PostTarget.objects.get()


def run_due(target: PostTarget) -> str:
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    (claim,) = claim_due()
    outcome = publish_claimed(claim)
    target.refresh_from_db()
    return outcome


def serve(upstream) -> None:
    upstream.get(CLIP, body=MP4, content_type="video/mp4")


def open_session(upstream) -> None:
    upstream.post(START, status=200, headers={"Location": SESSION})


def incomplete(upstream, last: int | None) -> None:
    headers = {"Range": f"bytes=0-{last}"} if last is not None else {}
    upstream.put(SESSION, status=308, headers=headers)


def done(upstream) -> None:
    upstream.put(SESSION, status=200, json=video())


def puts(upstream) -> list:
    return [c.request for c in upstream.calls if c.request.method == "PUT"]


def test_an_upload_sends_the_video_json_and_the_bytes(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    serve(upstream)
    open_session(upstream)
    done(upstream)
    response = create(owner, account)
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    assert result["uri"] == "https://www.youtube.com/watch?v=Ks-_Mh1QhMc"
    start = next(c.request for c in upstream.calls if c.request.url.startswith(START))
    assert {k: v[0] for k, v in parse_qs(urlsplit(start.url).query).items()} == {
        "uploadType": "resumable",
        "part": "snippet,status",
    }
    assert start.headers["X-Upload-Content-Length"] == str(len(MP4))
    assert start.headers["X-Upload-Content-Type"] == "video/mp4"
    assert start.headers["Authorization"] == "Bearer ya29.current"
    body = json.loads(start.body)
    assert schema_errors("Video", body) == []
    assert body == {
        "snippet": {
            "title": "Launch day",
            "description": "Everything we shipped today.",
            "categoryId": "28",
            "tags": ["launch", "maker studio"],
        },
        "status": {"privacyStatus": "unlisted", "selfDeclaredMadeForKids": False},
    }
    (put,) = puts(upstream)
    assert put.headers["Content-Range"] == f"bytes 0-{len(MP4) - 1}/{len(MP4)}"
    assert put.body == MP4


def test_a_chunked_upload_follows_308_range(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    big = MP4 + b"\x03" * youtube.CHUNK  # one full chunk and a remainder
    target = schedule(owner, account)
    upstream.get(CLIP, body=big, content_type="video/mp4")
    open_session(upstream)
    incomplete(upstream, youtube.CHUNK - 51)  # YouTube kept less than was sent
    done(upstream)
    assert run_due(target) == "published"
    ranges = [p.headers["Content-Range"] for p in puts(upstream)]
    total, chunk = len(big), youtube.CHUNK
    assert ranges == [
        f"bytes 0-{chunk - 1}/{total}",
        f"bytes {chunk - 50}-{total - 1}/{total}",
    ]
    assert puts(upstream)[1].body == big[chunk - 50 :]


def test_a_dropped_connection_resumes_from_what_youtube_received(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    serve(upstream)
    open_session(upstream)
    upstream.put(SESSION, body=requests.ConnectionError("connection reset"))
    incomplete(upstream, 119)  # the status query
    done(upstream)
    assert run_due(target) == "published"
    ranges = [p.headers["Content-Range"] for p in puts(upstream)]
    total = len(MP4)
    assert ranges == [
        f"bytes 0-{total - 1}/{total}",
        f"bytes */{total}",
        f"bytes 120-{total - 1}/{total}",
    ]


@pytest.mark.parametrize(
    ("status", "reason", "code", "rule"),
    [
        (403, "quotaExceeded", "platform_rejected", "youtube.quota_exceeded"),
        (
            400,
            "uploadLimitExceeded",
            "platform_rejected",
            "youtube.upload_limit_exceeded",
        ),
        (400, "invalidTitle", "platform_rejected", "youtube.title.max_chars"),
        (400, "invalidTags", "platform_rejected", "youtube.tags.max_chars"),
    ],
)
def test_google_errors_map_to_rules(
    owner: Persona, account: PlatformAccount, upstream, status, reason, code, rule
) -> None:
    target = schedule(owner, account)
    serve(upstream)
    refusal = google_error(status, reason, f"{reason} happened")
    upstream.post(START, status=status, json=refusal)
    outcome = run_due(target)
    assert (target.error["code"], target.error["rule"]) == (code, rule)
    assert target.error["platformResponse"] == refusal
    if reason == "quotaExceeded":
        assert outcome == "retry" and target.due_at >= timezone.now() + timedelta(
            minutes=59
        )
    else:
        assert outcome == "rejected"


def test_401_is_auth_failed_and_the_channel_needs_reconnecting(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    serve(upstream)
    upstream.post(
        START, status=401, json=google_error(401, "authError", "Invalid Credentials")
    )
    assert run_due(target) == "rejected"
    assert target.error["code"] == "platform_auth_failed"
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH


def test_no_session_is_unavailable_and_retried(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    serve(upstream)
    upstream.post(
        START, status=503, json=google_error(503, "backendError", "Backend Error")
    )
    assert run_due(target) == "retry"
    assert target.error["code"] == "platform_unavailable"


def test_a_lost_last_chunk_is_reconciled_from_the_stored_session(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    serve(upstream)
    open_session(upstream)
    upstream.put(SESSION, status=503, body="")
    upstream.put(SESSION, body=requests.ReadTimeout("timed out"))  # every status query
    assert run_due(target) == "unknown"
    assert len(puts(upstream)) == 1 + youtube.MAX_RESUMES
    upstream.reset()
    assert sessions.recall(account, str(target.pk)) == (SESSION, len(MP4))
    done(upstream)  # asked by reconcile: the session had completed
    assert run_due(target) == "published"
    assert [c.request.method for c in upstream.calls] == ["PUT"]  # no new session
    assert target.platform_cid == "Ks-_Mh1QhMc"
    assert [a.outcome for a in target.attempts.order_by("number")] == [
        "unknown",
        "reconciled",
    ]


def test_an_incomplete_session_is_resumed_not_uploaded_again(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    serve(upstream)
    open_session(upstream)
    upstream.put(SESSION, body=requests.ReadTimeout("timed out"))  # chunk and queries
    assert run_due(target) == "unknown"
    upstream.reset()
    incomplete(upstream, 99)  # reconcile: not a video yet
    serve(upstream)
    incomplete(upstream, 99)  # publish asks again, then resumes
    done(upstream)
    assert run_due(target) == "published"
    assert "POST" not in [c.request.method for c in upstream.calls]  # no new session
    assert puts(upstream)[-1].headers["Content-Range"].startswith("bytes 100-")


def test_an_expired_session_is_found_among_the_uploads_by_title(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    sessions.remember(account, str(target.pk), SESSION, len(MP4))
    PostTarget.objects.filter(pk=target.pk).update(status=PostTarget.Status.QUEUED)
    target.attempts.create(
        number=1, worker="w", started_at=timezone.now(), outcome="unknown"
    )
    PostTarget.objects.filter(pk=target.pk).update(attempt_count=1)
    upstream.put(
        SESSION,
        status=404,
        json=google_error(404, "notFound", "Upload session expired"),
    )
    upstream.get(api("/youtube/v3/channels"), json=channel_list(channel()))
    items = {
        "kind": "youtube#playlistItemListResponse",
        "etag": "p1",
        "items": [
            {
                "kind": "youtube#playlistItem",
                "etag": "i1",
                "id": "VVVfeDVY",
                "snippet": {
                    "title": "Launch day",
                    "resourceId": {"kind": "youtube#video", "videoId": "Ks-_Mh1QhMc"},
                },
            }
        ],
    }
    assert schema_errors("PlaylistItemListResponse", items) == []
    upstream.get(api("/youtube/v3/playlistItems"), json=items)
    assert run_due(target) == "published"
    assert target.platform_uri == "https://www.youtube.com/watch?v=Ks-_Mh1QhMc"
    assert parse_qs(urlsplit(upstream.calls[-1].request.url).query)["playlistId"] == [
        "UU_x5XG1OV2P6uZZ5FSM9Ttw"
    ]


def test_the_title_is_required_by_preflight(
    owner: Persona, account: PlatformAccount
) -> None:
    response = create(owner, account, {"privacy": "public"})
    assert response.status_code == 400
    assert response.json()["error"]["rule"] == "youtube.title.required"


def test_a_video_of_several_chunks_reaches_youtube_whole_and_in_order(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    chunk = youtube.CHUNK
    big = video_bytes(2 * chunk + 1000)
    upstream.get(CLIP, body=big, content_type="video/mp4")
    open_session(upstream)
    incomplete(upstream, chunk - 1)
    incomplete(upstream, 2 * chunk - 1)
    done(upstream)
    response = create(owner, account)
    assert response.status_code == 200, response.json()
    total = len(big)
    assert [p.headers["Content-Range"] for p in puts(upstream)] == [
        f"bytes 0-{chunk - 1}/{total}",
        f"bytes {chunk}-{2 * chunk - 1}/{total}",
        f"bytes {2 * chunk}-{total - 1}/{total}",
    ]
    assert b"".join(p.body for p in puts(upstream)) == big

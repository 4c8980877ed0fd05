"""Publishing to TikTok through the real publish service; only TikTok's HTTP endpoints are faked."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from platforms.models import PlatformAccount
from platforms.tiktok import publish_ids
from platforms.tiktok.adapter import CHUNK, SINGLE_PUT_MAX, chunk_plan
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.test_attachments import video_bytes
from tests.platforms.tiktok.conftest import (
    UPLOAD_URL,
    api,
    checked_init,
    connect_tiktok,
    payload,
)

VIDEO = "https://cdn.example.com/clip.mp4"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x01" * 100
DIRECT = api("/v2/post/publish/video/init/")
INBOX = api("/v2/post/publish/inbox/video/init/")
STATUS = api("/v2/post/publish/status/fetch/")
PUBLISH_ID = payload("init")["data"]["publish_id"]
POST_ID = "7296434569347024938"


def create(persona: Persona, account: PlatformAccount, options=None, **body):
    target: dict = {"accountId": str(account.pk)}
    if options:
        target["options"] = {"platform": "tiktok", **options}
    return post_json(
        persona.client,
        "/v1/posts",
        {
            "targets": [target],
            "text": "Behind the scenes #maker",
            "media": [{"kind": "video", "url": VIDEO}],
            **body,
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


def schedule(persona: Persona, account: PlatformAccount, options=None) -> PostTarget:
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    response = create(persona, account, options, scheduledAt=later)
    assert response.status_code == 202, response.json()
    return PostTarget.objects.get()


def run_due(target: PostTarget) -> str:
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    (claim,) = claim_due()
    outcome = publish_claimed(claim)
    target.refresh_from_db()
    return outcome


def serve_video(upstream) -> None:
    upstream.get(VIDEO, body=MP4, content_type="video/mp4")


def init_ok(upstream, url: str = DIRECT) -> None:
    upstream.post(url, json=payload("init"))


def statuses(upstream, *names: str) -> None:
    for name in names:
        upstream.post(STATUS, json=payload(f"status_{name}"))


def test_a_direct_post_sends_the_caption_and_options_and_polls_to_complete(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    serve_video(upstream)
    init_ok(upstream)
    stored_before_upload = []

    def put(request):
        stored_before_upload.append(
            publish_ids.recall(account, str(PostTarget.objects.get().pk))
        )
        return (201, {}, "")

    upstream.add_callback("PUT", UPLOAD_URL, callback=put)
    statuses(upstream, "processing", "complete")
    response = create(
        owner,
        account,
        {
            "privacy": "public_to_everyone",
            "disableComment": True,
            "brandOrganicToggle": True,
        },
    )
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    assert result["status"] == "published"
    assert result["uri"] == f"https://www.tiktok.com/@makerstudio/video/{POST_ID}"
    calls = [c for c in upstream.calls if c.request.url != VIDEO]
    assert checked_init(calls[0], direct=True) == {
        "post_info": {
            "title": "Behind the scenes #maker",
            "privacy_level": "PUBLIC_TO_EVERYONE",
            "disable_comment": True,
            "disable_duet": False,
            "disable_stitch": False,
            "brand_content_toggle": False,
            "brand_organic_toggle": True,
        },
        "source_info": {
            "source": "FILE_UPLOAD",
            "video_size": len(MP4),
            "chunk_size": len(MP4),
            "total_chunk_count": 1,
        },
    }
    assert calls[0].request.headers["Authorization"] == "Bearer act.current"
    upload = calls[1].request
    assert upload.headers["Content-Range"] == f"bytes 0-{len(MP4) - 1}/{len(MP4)}"
    assert upload.headers["Content-Type"] == "video/mp4"
    assert "Authorization" not in upload.headers
    assert upload.body == MP4
    assert stored_before_upload == [PUBLISH_ID]
    assert [json.loads(c.request.body) for c in calls[2:]] == [
        {"publish_id": PUBLISH_ID}
    ] * 2
    assert PostTarget.objects.get().platform_cid == POST_ID


def test_a_scheduled_audit_account_uploads_to_the_inbox_with_a_warning(
    owner: Persona, upstream
) -> None:
    account = connect_tiktok(owner, audit=True)
    target = schedule(owner, account, {"privacy": "self_only"})
    serve_video(upstream)
    init_ok(upstream, INBOX)
    upstream.put(UPLOAD_URL, status=201)
    statuses(upstream, "processing", "inbox")
    assert run_due(target) == "published"
    init = next(c for c in upstream.calls if c.request.url == INBOX)
    assert set(checked_init(init, direct=False)) == {"source_info"}
    assert target.platform_uri == "" and target.platform_cid == PUBLISH_ID
    assert [w["code"] for w in target.warnings].count("tiktok.inbox.confirm") == 1


def test_without_video_publish_the_upload_goes_to_the_inbox(
    owner: Persona, upstream
) -> None:
    account = connect_tiktok(owner, scopes=("user.info.basic", "video.upload"))
    target = schedule(owner, account)
    serve_video(upstream)
    init_ok(upstream, INBOX)
    upstream.put(UPLOAD_URL, status=201)
    statuses(upstream, "inbox")
    assert run_due(target) == "published"


def test_a_failed_status_is_rejected_with_the_mapped_rule(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    serve_video(upstream)
    init_ok(upstream)
    upstream.put(UPLOAD_URL, status=201)
    statuses(upstream, "failed")
    assert run_due(target) == "rejected"
    assert target.error["rule"] == "tiktok.resolution.unsupported"
    assert (
        target.error["platformResponse"]["fail_reason"] == "picture_size_check_failed"
    )


@pytest.mark.parametrize(
    ("name", "status", "rule"),
    [
        ("error_privacy", 400, "tiktok.privacy.not_allowed"),
        ("error_unaudited", 403, "tiktok.privacy.not_allowed"),
        ("error_spam", 403, "tiktok.publish.failed"),
    ],
)
def test_documented_refusals_are_rejected_with_rules(
    owner: Persona, account: PlatformAccount, upstream, name, status, rule
) -> None:
    target = schedule(owner, account)
    serve_video(upstream)
    upstream.post(DIRECT, status=status, json=payload(name))
    assert run_due(target) == "rejected"
    assert (target.error["code"], target.error["rule"]) == ("platform_rejected", rule)
    assert target.error["platformResponse"] == payload(name)


def test_an_invalid_token_is_auth_failed_and_flags_the_account(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    serve_video(upstream)
    upstream.post(DIRECT, status=401, json=payload("error_token_invalid"))
    assert run_due(target) == "rejected"
    assert target.error["code"] == "platform_auth_failed"
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH


def test_rate_limited_is_retried_no_sooner_than_retry_after(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    serve_video(upstream)
    upstream.post(
        DIRECT, status=429, json=payload("error_rate"), headers={"Retry-After": "600"}
    )
    before = timezone.now()
    assert run_due(target) == "retry"
    assert target.error["rule"] == "tiktok.rate_limited"
    assert target.due_at >= before + timedelta(seconds=600)


def test_no_answer_to_init_is_unavailable_and_retried(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    serve_video(upstream)
    upstream.post(DIRECT, body=requests.ReadTimeout("read timed out"))
    assert run_due(target) == "retry"
    assert target.error["code"] == "platform_unavailable"
    assert publish_ids.recall(account, str(target.pk)) is None


def test_a_lost_last_chunk_is_reconciled_by_the_stored_publish_id(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    serve_video(upstream)
    init_ok(upstream)
    upstream.put(UPLOAD_URL, body=requests.ReadTimeout("read timed out"))
    assert run_due(target) == "unknown"
    statuses(upstream, "complete")
    assert run_due(target) == "published"
    assert [c.request.url for c in upstream.calls].count(DIRECT) == 1
    assert target.platform_cid == POST_ID
    assert [a.outcome for a in target.attempts.order_by("number")] == [
        "unknown",
        "reconciled",
    ]


def test_a_status_still_pending_at_the_deadline_is_reconciled_later(
    owner: Persona, account: PlatformAccount, upstream, settings
) -> None:
    settings.TIKTOK_PUBLISH_TIMEOUT_SECONDS = 0
    target = schedule(owner, account)
    serve_video(upstream)
    init_ok(upstream)
    upstream.put(UPLOAD_URL, status=201)
    statuses(upstream, "processing")
    assert run_due(target) == "unknown"
    assert target.error["rule"] == "tiktok.publish.pending"
    upstream.reset()
    statuses(upstream, "complete")
    assert run_due(target) == "published"


def test_a_status_that_cannot_be_read_after_the_upload_is_unknown(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    serve_video(upstream)
    init_ok(upstream)
    upstream.put(UPLOAD_URL, status=201)
    upstream.post(STATUS, status=503, body="Service Unavailable")
    assert run_due(target) == "unknown"
    assert (target.status, target.error["rule"]) == (
        PostTarget.Status.QUEUED,
        "tiktok.status.unavailable",
    )


def test_a_publish_id_that_failed_is_published_again(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    serve_video(upstream)
    init_ok(upstream)
    upstream.put(UPLOAD_URL, status=502, body="Bad Gateway")
    assert run_due(target) == "unknown"
    upstream.reset()
    serve_video(upstream)
    statuses(upstream, "failed")  # reconcile: the first upload never landed
    init_ok(upstream)
    upstream.put(UPLOAD_URL, status=201)
    statuses(upstream, "complete")
    assert run_due(target) == "published"
    assert [a.outcome for a in target.attempts.order_by("number")] == [
        "unknown",
        "published",
    ]


def test_preflight_reads_the_privacy_options_stored_at_connect(
    owner: Persona, upstream
) -> None:
    account = connect_tiktok(owner)
    account.metadata["privacyLevelOptions"] = ["MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]
    account.save()
    response = create(owner, account, {"privacy": "public_to_everyone"})
    assert response.status_code == 400
    assert response.json()["error"]["rule"] == "tiktok.privacy.not_allowed"


def test_chunks_follow_tiktoks_size_rules() -> None:
    assert chunk_plan(1000).ranges() == [(0, 1000)]
    assert chunk_plan(SINGLE_PUT_MAX).count == 1
    size = 200 * 1024 * 1024 + 123
    plan = chunk_plan(size)
    assert (plan.chunk_size, plan.count) == (CHUNK, size // CHUNK)
    ranges = plan.ranges()
    assert ranges[0] == (0, CHUNK) and ranges[-1][1] == size
    assert all(b[0] == a[1] for a, b in itertools.pairwise(ranges))
    assert all(5 * 2**20 <= end - start <= 64 * 2**20 for start, end in ranges[:-1])
    assert ranges[-1][1] - ranges[-1][0] <= 128 * 2**20


def test_a_video_over_one_put_reaches_tiktok_whole_and_in_order(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    video = video_bytes(SINGLE_PUT_MAX + 1)  # six chunks, the last one longer
    upstream.get(VIDEO, body=video, content_type="video/mp4")
    init_ok(upstream)
    for _ in range(6):
        upstream.put(UPLOAD_URL, status=206)
    statuses(upstream, "complete")
    response = create(owner, account, {"privacy": "public_to_everyone"})
    assert response.status_code == 200, response.json()
    init = next(c for c in upstream.calls if c.request.url == DIRECT)
    assert checked_init(init, direct=True)["source_info"] == {
        "source": "FILE_UPLOAD",
        "video_size": len(video),
        "chunk_size": CHUNK,
        "total_chunk_count": 6,
    }
    puts = [c.request for c in upstream.calls if c.request.method == "PUT"]
    starts = [i * CHUNK for i in range(6)]
    ends = [*(start + CHUNK for start in starts[:-1]), len(video)]
    assert [p.headers["Content-Range"] for p in puts] == [
        f"bytes {start}-{end - 1}/{len(video)}"
        for start, end in zip(starts, ends, strict=True)
    ]
    assert [int(p.headers["Content-Length"]) for p in puts] == [CHUNK] * 5 + [
        len(video) - 5 * CHUNK
    ]
    assert b"".join(p.body for p in puts) == video

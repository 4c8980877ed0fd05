"""Publishing to a Facebook Page through the real publish service; only Graph is faked."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import requests
from django.utils import timezone

from platforms.models import PlatformAccount
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.facebook.conftest import PAGE_ID, api, graph_calls, payload, sent

FEED = api(f"{PAGE_ID}/feed")
PHOTOS = api(f"{PAGE_ID}/photos")
VIDEOS = api(f"{PAGE_ID}/videos")
IMAGE_A = "https://cdn.example.com/a.jpg"
IMAGE_B = "https://cdn.example.com/b.png"
VIDEO = "https://cdn.example.com/tour.mp4"
TEXT = "Open late tonight!"


def create(persona: Persona, account: PlatformAccount, media=None, **body):
    return post_json(
        persona.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": TEXT,
            **({"media": media} if media else {}),
            **body,
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


def published(persona: Persona, account: PlatformAccount, media=None) -> dict:
    response = create(persona, account, media)
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    return result


def test_text_goes_to_the_feed(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(FEED, json=payload("feed_post"))
    result = published(owner, account)
    assert result["status"] == "published"
    assert result["uri"] == (
        f"https://www.facebook.com/{PAGE_ID}/posts/122105432109876543"
    )
    (call,) = graph_calls(upstream)
    assert sent(call) == {"message": TEXT}
    assert PostTarget.objects.get().platform_cid == payload("feed_post")["id"]


def test_one_photo_is_a_photos_post_with_its_caption(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(PHOTOS, json=payload("photo"))
    result = published(
        owner, account, [{"kind": "image", "url": IMAGE_A, "altText": "Bread"}]
    )
    assert result["status"] == "published"
    assert result["uri"].endswith(f"/{PAGE_ID}/posts/122105440000000001")
    (call,) = graph_calls(upstream)
    assert sent(call) == {"url": IMAGE_A, "caption": TEXT, "alt_text_custom": "Bread"}


def test_several_photos_are_uploaded_unpublished_then_attached_to_one_feed_post(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(PHOTOS, json={"id": "9001"})
    upstream.post(PHOTOS, json={"id": "9002"})
    upstream.post(FEED, json=payload("feed_post"))
    result = published(
        owner,
        account,
        [{"kind": "image", "url": IMAGE_A}, {"kind": "image", "url": IMAGE_B}],
    )
    assert result["status"] == "published"
    first, second, feed = graph_calls(upstream)
    assert sent(first) == {"url": IMAGE_A, "published": "false"}
    assert sent(second) == {"url": IMAGE_B, "published": "false"}
    feed_params = sent(feed)
    assert feed_params["message"] == TEXT
    assert json.loads(feed_params["attached_media"]) == [
        {"media_fbid": "9001"},
        {"media_fbid": "9002"},
    ]


def test_a_video_goes_to_videos_by_url(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(VIDEOS, json=payload("video"))
    result = published(owner, account, [{"kind": "video", "url": VIDEO}])
    assert result["status"] == "published"
    assert (
        result["uri"] == f"https://www.facebook.com/{PAGE_ID}/videos/1234567890123456"
    )
    (call,) = graph_calls(upstream)
    assert sent(call) == {"file_url": VIDEO, "description": TEXT}


def test_a_revoked_page_token_fails_for_good_and_flags_the_account(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(FEED, status=400, json=payload("error_token"))
    result = published(owner, account)
    assert (result["status"], result["error"]["code"]) == (
        "rejected",
        "platform_auth_failed",
    )
    assert result["error"]["platformResponse"] == payload("error_token")
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH


def test_a_missing_permission_is_an_auth_failure_but_the_token_stays(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(FEED, status=403, json=payload("error_permission"))
    result = published(owner, account)
    assert result["error"]["code"] == "platform_auth_failed"
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.ACTIVE


def test_a_bad_media_url_is_rejected_with_a_url_remediation(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(PHOTOS, status=400, json=payload("error_url"))
    result = published(owner, account, [{"kind": "image", "url": IMAGE_A}])
    error = result["error"]
    assert (result["status"], error["code"]) == ("rejected", "platform_rejected")
    assert "mediaId" in error["remediation"]


def test_a_duplicate_status_is_rejected(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(FEED, status=400, json=payload("error_duplicate"))
    assert published(owner, account)["error"]["code"] == "platform_rejected"


# --- scheduled: retries and reconciliation ----------------------------------------------------


def schedule(persona: Persona, account: PlatformAccount, media=None) -> PostTarget:
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    response = create(persona, account, media, scheduledAt=later)
    assert response.status_code == 202, response.json()
    return PostTarget.objects.get()


def run_due(target: PostTarget) -> str:
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    (claim,) = claim_due()
    outcome = publish_claimed(claim)
    target.refresh_from_db()
    return outcome


def test_a_page_rate_limit_is_retried_after_the_business_use_case_estimate(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    upstream.post(
        FEED,
        status=400,
        json=payload("error_page_rate"),
        headers={
            "X-Business-Use-Case-Usage": json.dumps(
                {
                    PAGE_ID: [
                        {
                            "type": "pages",
                            "call_count": 100,
                            "total_cputime": 25,
                            "total_time": 25,
                            "estimated_time_to_regain_access": 30,
                        }
                    ]
                }
            )
        },
    )
    before = timezone.now()
    assert run_due(target) == "retry"
    assert target.due_at >= before + timedelta(minutes=30)


def test_an_unreachable_graph_before_sending_is_retried(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    upstream.post(FEED, body=requests.exceptions.ConnectTimeout("no route"))
    assert run_due(target) == "retry"  # no connection was made: nothing can have posted
    assert target.status == PostTarget.Status.QUEUED
    assert target.error["code"] == "platform_unavailable"


def test_a_lost_feed_answer_is_reconciled_from_the_page_feed(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    upstream.post(FEED, body=requests.exceptions.ReadTimeout("slow"))
    assert run_due(target) == "unknown"
    upstream.get(FEED, json=payload("feed"))
    assert run_due(target) == "published"
    assert target.attempts.order_by("-number").first().outcome == "reconciled"
    assert target.platform_cid == payload("feed_post")["id"]
    lookup = graph_calls(upstream)[-1]
    params = sent(lookup)
    assert params["fields"] == "id,message,created_time"
    assert int(params["since"]) <= int(timezone.now().timestamp())
    assert len([c for c in graph_calls(upstream) if c.request.method == "POST"]) == 1


def test_a_lost_feed_answer_that_did_not_land_is_sent_again(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    upstream.post(FEED, body=requests.exceptions.ReadTimeout("slow"))
    assert run_due(target) == "unknown"
    upstream.get(FEED, json={"data": []})
    upstream.post(FEED, json=payload("feed_post"))
    assert run_due(target) == "published"
    assert target.attempts.order_by("-number").first().outcome == "published"


def test_a_lost_video_answer_is_reported_not_resent(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account, [{"kind": "video", "url": VIDEO}])
    upstream.post(VIDEOS, body=requests.exceptions.ReadTimeout("slow"))
    assert run_due(target) == "unknown"
    assert run_due(target) == "failed"
    assert target.status == PostTarget.Status.FAILED
    assert target.error["rule"] == "publish.outcome_unknown"
    assert len(graph_calls(upstream)) == 1

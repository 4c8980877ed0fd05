"""Publishing to Instagram through the real publish service; only Graph's HTTP endpoints are faked."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from media.models import Media
from media.services import public_url
from platforms.instagram.adapter import InstagramAdapter
from platforms.meta import containers
from platforms.models import PlatformAccount
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.media.conftest import jpeg_bytes, upload
from tests.platforms.instagram.conftest import (
    IG_USER,
    TOKEN,
    api,
    graph_calls,
    payload,
    sent,
)

IMAGE = "https://cdn.example.com/bread.jpg"
VIDEO = "https://cdn.example.com/reel.mp4"
CONTAINER = payload("container")["id"]
MEDIA_ID = payload("published")["id"]
PERMALINK = payload("permalink")["permalink"]
CAPTION = "Fresh sourdough this morning"


def create(persona: Persona, account: PlatformAccount, media: list, **body):
    return post_json(
        persona.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": CAPTION,
            "media": media,
            **body,
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


def published(persona: Persona, account: PlatformAccount, media: list) -> dict:
    response = create(persona, account, media)
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    return result


def container_created(upstream, container: str = CONTAINER) -> None:
    upstream.post(api(f"{IG_USER}/media"), json={"id": container})


def states(upstream, container: str, *names: str) -> None:
    for name in names:
        upstream.get(api(container), json=payload(f"container_{name}", id=container))


def publish_ok(upstream) -> None:
    upstream.post(api(f"{IG_USER}/media_publish"), json=payload("published"))
    upstream.get(api(MEDIA_ID), json=payload("permalink"))


def test_one_image_is_one_container_polled_then_published(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    container_created(upstream)
    states(upstream, CONTAINER, "in_progress", "finished")
    publish_ok(upstream)
    result = published(
        owner, account, [{"kind": "image", "url": IMAGE, "altText": "A loaf"}]
    )
    assert (result["status"], result["uri"]) == ("published", PERMALINK)
    create_call, poll1, _poll2, publish, link = graph_calls(upstream)
    assert sent(create_call) == {
        "image_url": IMAGE,
        "caption": CAPTION,
        "alt_text": "A loaf",
    }
    assert sent(poll1) == {"fields": "status_code,status"}
    assert sent(publish) == {"creation_id": CONTAINER}
    assert sent(link) == {"fields": "id,permalink"}
    assert TOKEN in publish.request.body  # the token travels in the form, not the URL
    assert TOKEN not in publish.request.url
    target = PostTarget.objects.get()
    assert target.platform_cid == MEDIA_ID


def test_one_video_is_published_as_a_reel(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    container_created(upstream)
    states(upstream, CONTAINER, "finished")
    publish_ok(upstream)
    result = published(owner, account, [{"kind": "video", "url": VIDEO}])
    assert result["status"] == "published"
    assert sent(graph_calls(upstream)[0]) == {
        "media_type": "REELS",
        "video_url": VIDEO,
        "caption": CAPTION,
    }


def test_a_mixed_carousel_creates_polled_children_then_the_parent(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    container_created(upstream, "1801")
    states(upstream, "1801", "finished")
    container_created(upstream, "1802")
    states(upstream, "1802", "in_progress", "finished")
    container_created(upstream, CONTAINER)
    states(upstream, CONTAINER, "finished")
    publish_ok(upstream)
    result = published(
        owner,
        account,
        [
            {"kind": "image", "url": IMAGE, "altText": "A loaf"},
            {"kind": "video", "url": VIDEO},
        ],
    )
    assert result["status"] == "published"
    creates = [c for c in graph_calls(upstream) if c.request.url.endswith("/media")]
    assert [sent(c) for c in creates] == [
        {"image_url": IMAGE, "alt_text": "A loaf", "is_carousel_item": "true"},
        {"media_type": "VIDEO", "video_url": VIDEO, "is_carousel_item": "true"},
        {"media_type": "CAROUSEL", "children": "1801,1802", "caption": CAPTION},
    ]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_stored_upload_is_sent_as_its_public_url(
    owner: Persona, account: PlatformAccount, upstream, media_root
) -> None:
    uploaded = upload(owner.client, jpeg_bytes((4, 5)), "bread.jpg", "image/jpeg")
    assert uploaded.status_code == 201, uploaded.json()
    media = Media.objects.get(pk=uploaded.json()["id"])
    container_created(upstream)
    states(upstream, CONTAINER, "finished")
    publish_ok(upstream)
    result = published(owner, account, [{"kind": "image", "mediaId": media.pk}])
    assert result["status"] == "published"
    assert sent(graph_calls(upstream)[0])["image_url"] == public_url(media)


def test_an_unreachable_url_is_rejected_with_the_reachable_rule(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(
        api(f"{IG_USER}/media"), status=400, json=payload("error_unreachable")
    )
    result = published(owner, account, [{"kind": "image", "url": IMAGE}])
    assert result["status"] == "rejected"
    error = result["error"]
    assert (error["code"], error["rule"]) == (
        "platform_rejected",
        "instagram.media.reachable",
    )
    assert error["platformResponse"] == payload("error_unreachable")


def test_an_aspect_ratio_refusal_carries_the_aspect_rule(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(api(f"{IG_USER}/media"), status=400, json=payload("error_aspect"))
    error = published(owner, account, [{"kind": "image", "url": IMAGE}])["error"]
    assert error["rule"] == "instagram.media.aspect_ratio"


def test_a_refusal_that_only_names_the_aspect_ratio_carries_the_aspect_rule(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    body = payload("error_aspect")
    body["error"]["error_subcode"] = 2207001  # a subcode with no rule of its own
    upstream.post(api(f"{IG_USER}/media"), status=400, json=body)
    error = published(owner, account, [{"kind": "image", "url": IMAGE}])["error"]
    assert (error["code"], error["rule"]) == (
        "platform_rejected",
        "instagram.media.aspect_ratio",
    )


@pytest.mark.parametrize(
    ("state", "rule"),
    [
        ("error", "instagram.container.error"),
        ("expired", "instagram.container.expired"),
    ],
)
def test_a_container_that_fails_processing_is_rejected(
    owner: Persona, account: PlatformAccount, upstream, state: str, rule: str
) -> None:
    container_created(upstream)
    states(upstream, CONTAINER, state)
    result = published(owner, account, [{"kind": "video", "url": VIDEO}])
    assert (result["status"], result["error"]["rule"]) == ("rejected", rule)
    assert result["error"]["platformResponse"]["status_code"] == state.upper()


def test_a_revoked_token_fails_for_good_and_flags_the_account(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(api(f"{IG_USER}/media"), status=400, json=payload("error_token"))
    result = published(owner, account, [{"kind": "image", "url": IMAGE}])
    assert (result["status"], result["error"]["code"]) == (
        "rejected",
        "platform_auth_failed",
    )
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH


# --- scheduled: retries and reconciliation ----------------------------------------------------


def schedule(persona: Persona, account: PlatformAccount, media: list) -> PostTarget:
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


def test_a_rate_limit_is_retried_after_metas_estimate(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account, [{"kind": "image", "url": IMAGE}])
    upstream.post(
        api(f"{IG_USER}/media"),
        status=400,
        json=payload("error_rate"),
        headers={
            "X-Business-Use-Case-Usage": '{"17841405793187218": [{"type": "instagram",'
            ' "call_count": 100, "total_cputime": 12, "total_time": 30,'
            ' "estimated_time_to_regain_access": 12}]}'
        },
    )
    before = timezone.now()
    assert run_due(target) == "retry"
    assert target.status == PostTarget.Status.QUEUED
    assert target.due_at >= before + timedelta(minutes=12)
    assert target.error["code"] == "platform_rejected"


def test_the_daily_publishing_limit_is_a_rate_limit(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account, [{"kind": "image", "url": IMAGE}])
    container_created(upstream)
    states(upstream, CONTAINER, "finished")
    upstream.post(
        api(f"{IG_USER}/media_publish"),
        status=400,
        json=payload("error_publishing_limit"),
    )
    assert run_due(target) == "retry"
    assert target.due_at >= timezone.now() + timedelta(minutes=55)
    # the retry publishes the container it already has: no second container
    states(upstream, CONTAINER, "finished")
    publish_ok(upstream)
    assert run_due(target) == "published"
    creates = [c for c in graph_calls(upstream) if c.request.url.endswith("/media")]
    assert len(creates) == 1


def test_a_transient_graph_error_before_publishing_is_retried(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account, [{"kind": "image", "url": IMAGE}])
    upstream.post(api(f"{IG_USER}/media"), status=500, json=payload("error_transient"))
    assert run_due(target) == "retry"
    assert target.error["code"] == "platform_unavailable"


def test_a_container_still_processing_at_the_deadline_is_retried_not_recreated(
    owner: Persona, account: PlatformAccount, upstream, monkeypatch
) -> None:
    monkeypatch.setattr(InstagramAdapter, "video_deadline_seconds", 0)
    target = schedule(owner, account, [{"kind": "video", "url": VIDEO}])
    container_created(upstream)
    states(upstream, CONTAINER, "in_progress")
    assert run_due(target) == "retry"
    assert target.error["code"] == "platform_unavailable"
    states(upstream, CONTAINER, "finished")
    publish_ok(upstream)
    assert run_due(target) == "published"


def test_a_lost_answer_from_media_publish_is_reconciled_from_the_container(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account, [{"kind": "image", "url": IMAGE}])
    container_created(upstream)
    states(upstream, CONTAINER, "finished")
    upstream.post(
        api(f"{IG_USER}/media_publish"), body=requests.exceptions.ReadTimeout("slow")
    )
    assert run_due(target) == "unknown"
    assert target.error["code"] == "platform_unavailable"
    assert containers.recall(account, str(target.pk))["container"] == CONTAINER
    # it had landed: the next attempt finds it instead of publishing again
    states(upstream, CONTAINER, "published")
    upstream.get(api(f"{IG_USER}/media"), json=payload("recent_media"))
    assert run_due(target) == "published"
    assert target.attempts.order_by("-number").first().outcome == "reconciled"
    assert (target.platform_cid, target.platform_uri) == (MEDIA_ID, PERMALINK)
    publishes = [c for c in graph_calls(upstream) if "media_publish" in c.request.url]
    assert len(publishes) == 1
    recent = [c for c in graph_calls(upstream) if c.request.method == "GET"][-1]
    assert sent(recent) == {"fields": "id,caption,permalink,timestamp", "limit": "25"}


def test_a_lost_answer_that_did_not_land_publishes_the_same_container(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account, [{"kind": "image", "url": IMAGE}])
    container_created(upstream)
    states(upstream, CONTAINER, "finished")
    upstream.post(
        api(f"{IG_USER}/media_publish"), body=requests.exceptions.ReadTimeout("slow")
    )
    assert run_due(target) == "unknown"
    states(
        upstream, CONTAINER, "finished", "finished", "finished"
    )  # reconcile, resume, poll
    publish_ok(upstream)
    assert run_due(target) == "published"
    creates = [c for c in graph_calls(upstream) if c.request.url.endswith("/media")]
    assert len(creates) == 1

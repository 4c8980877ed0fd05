"""Publishing to Threads through the real publish service; only graph.threads.net is faked."""

from __future__ import annotations

import uuid
from datetime import timedelta

import requests
from django.utils import timezone

from platforms.meta import containers
from platforms.models import PlatformAccount
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.threads.conftest import USER_ID, api, graph_calls, payload, sent

CONTAINER = payload("container")["id"]
POST_ID = payload("published")["id"]
PERMALINK = payload("permalink")["permalink"]
TEXT = "Fresh bread, short thread"
IMAGE = "https://cdn.example.com/loaf.webp"
VIDEO = "https://cdn.example.com/oven.mp4"


def create(
    persona: Persona, account: PlatformAccount, media=None, options=None, **body
):
    target: dict = {"accountId": str(account.pk)}
    if options:
        target["options"] = {"platform": "threads", **options}
    return post_json(
        persona.client,
        "/v1/posts",
        {
            "targets": [target],
            "text": TEXT,
            **({"media": media} if media else {}),
            **body,
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


def published(persona, account, media=None, options=None) -> dict:
    response = create(persona, account, media, options)
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    return result


def container(upstream, cid: str = CONTAINER, *states: str) -> None:
    upstream.post(api(f"{USER_ID}/threads"), json={"id": cid})
    for state in states:
        upstream.get(api(cid), json=payload(f"status_{state}", id=cid))


def publish_ok(upstream) -> None:
    upstream.post(api(f"{USER_ID}/threads_publish"), json=payload("published"))
    upstream.get(api(POST_ID), json=payload("permalink"))


def test_text_is_a_text_container_then_published(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    container(upstream, CONTAINER, "in_progress", "finished")
    publish_ok(upstream)
    result = published(owner, account)
    assert (result["status"], result["uri"]) == ("published", PERMALINK)
    create_call, poll, _, publish, _ = graph_calls(upstream)
    assert sent(create_call) == {"media_type": "TEXT", "text": TEXT}
    assert sent(poll) == {"fields": "status,error_message"}
    assert sent(publish) == {"creation_id": CONTAINER}
    assert PostTarget.objects.get().platform_cid == POST_ID


def test_a_reply_with_an_image_and_alt_text(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    container(upstream, CONTAINER, "finished")
    publish_ok(upstream)
    result = published(
        owner,
        account,
        [{"kind": "image", "url": IMAGE, "altText": "A loaf"}],
        {"replyToId": "18011223344556677"},
    )
    assert result["status"] == "published"
    assert sent(graph_calls(upstream)[0]) == {
        "media_type": "IMAGE",
        "image_url": IMAGE,
        "alt_text": "A loaf",
        "text": TEXT,
        "reply_to_id": "18011223344556677",
    }


def test_a_video_post(owner: Persona, account: PlatformAccount, upstream) -> None:
    container(upstream, CONTAINER, "in_progress", "finished")
    publish_ok(upstream)
    assert published(owner, account, [{"kind": "video", "url": VIDEO}])["status"] == (
        "published"
    )
    assert sent(graph_calls(upstream)[0])["media_type"] == "VIDEO"


def test_a_carousel_creates_polled_children_then_the_parent(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    container(upstream, "1801", "finished")
    container(upstream, "1802", "in_progress", "finished")
    container(upstream, CONTAINER, "finished")
    publish_ok(upstream)
    result = published(
        owner,
        account,
        [{"kind": "image", "url": IMAGE}, {"kind": "video", "url": VIDEO}],
    )
    assert result["status"] == "published"
    creates = [c for c in graph_calls(upstream) if c.request.url.endswith("/threads")]
    assert [sent(c) for c in creates] == [
        {"media_type": "IMAGE", "image_url": IMAGE, "is_carousel_item": "true"},
        {"media_type": "VIDEO", "video_url": VIDEO, "is_carousel_item": "true"},
        {"media_type": "CAROUSEL", "children": "1801,1802", "text": TEXT},
    ]


def test_a_container_error_is_rejected_with_its_message(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    container(upstream, CONTAINER, "error")
    result = published(owner, account, [{"kind": "video", "url": VIDEO}])
    error = result["error"]
    assert (result["status"], error["rule"]) == ("rejected", "threads.container.error")
    assert "FAILED_DOWNLOADING_VIDEO" in error["message"]


def test_an_expired_container_has_the_expired_rule(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    container(upstream, CONTAINER, "expired")
    assert published(owner, account)["error"]["rule"] == "threads.container.expired"


def test_a_bad_reply_id_is_refused_before_anything_is_sent(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    result = published(owner, account, options={"replyToId": "not-an-id"})
    assert (result["status"], result["error"]["rule"]) == (
        "rejected",
        "options.replyToId",
    )
    assert graph_calls(upstream) == []


def test_a_documented_parameter_error_is_rejected_with_metas_answer(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(api(f"{USER_ID}/threads"), status=400, json=payload("error_param"))
    result = published(owner, account)
    assert result["error"]["code"] == "platform_rejected"
    assert result["error"]["platformResponse"] == payload("error_param")


def test_an_expired_token_flags_the_account(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(api(f"{USER_ID}/threads"), status=400, json=payload("error_token"))
    assert published(owner, account)["error"]["code"] == "platform_auth_failed"
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH


def schedule(persona, account, media=None) -> PostTarget:
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


def test_a_rate_limit_is_retried_later(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    upstream.post(
        api(f"{USER_ID}/threads"),
        status=400,
        json=payload("error_rate"),
        headers={"Retry-After": "120"},
    )
    before = timezone.now()
    assert run_due(target) == "retry"
    assert target.due_at >= before + timedelta(seconds=120)


def test_a_lost_publish_answer_is_reconciled_from_the_stored_container(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    container(upstream, CONTAINER, "finished")
    upstream.post(
        api(f"{USER_ID}/threads_publish"), body=requests.exceptions.ReadTimeout("slow")
    )
    assert run_due(target) == "unknown"
    assert containers.recall(account, str(target.pk))["container"] == CONTAINER
    upstream.get(api(CONTAINER), json=payload("status_published"))
    upstream.get(api(f"{USER_ID}/threads"), json=payload("recent"))
    assert run_due(target) == "published"
    assert target.attempts.order_by("-number").first().outcome == "reconciled"
    assert (target.platform_cid, target.platform_uri) == (POST_ID, PERMALINK)
    publishes = [c for c in graph_calls(upstream) if "threads_publish" in c.request.url]
    assert len(publishes) == 1


def test_a_publish_that_did_not_land_reuses_its_container(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account)
    container(upstream, CONTAINER, "finished")
    upstream.post(
        api(f"{USER_ID}/threads_publish"), status=500, body="upstream timeout"
    )
    assert run_due(target) == "unknown"
    for _ in range(3):  # reconcile, resume, poll
        upstream.get(api(CONTAINER), json=payload("status_finished"))
    publish_ok(upstream)
    assert run_due(target) == "published"
    creates = [c for c in graph_calls(upstream) if c.request.url.endswith("/threads")]
    assert len(creates) == 1

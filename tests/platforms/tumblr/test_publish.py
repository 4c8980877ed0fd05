"""Publishing Tumblr NPF posts through the real publish path; only Tumblr's HTTP API (and the
image host) is faked. No machine-readable description exists: every request is checked by
`npf_errors`, which follows the official prose docs (api.md, npf-spec.md)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from letmepost.errors import (
    PlatformRateLimited,
    PlatformRejected,
    PublishOutcomeUnknown,
)
from platforms.base import Draft, MediaItem, ReconcileUnsupported
from platforms.models import PlatformAccount
from platforms.tumblr.adapter import TumblrAdapter
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.bluesky.conftest import png
from tests.platforms.tumblr.conftest import api, payload, sent_post

POSTS = api("/blog/derekg/posts")
IMAGE = "https://cdn.example.com/cat.png"


def create(persona: Persona, account: PlatformAccount, **body: Any):
    target: dict[str, Any] = {"accountId": str(account.pk)}
    if options := body.pop("options", None):
        target["options"] = {"platform": "tumblr", **options}
    return post_json(
        persona.client,
        "/v1/posts",
        {"targets": [target], "text": "First line\n\nSecond line", **body},
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


def draft(text: str = "Hello, Tumblr", **fields: Any) -> Draft:
    return Draft(text=text, idempotency_token=str(uuid.uuid4()), **fields)


def test_a_text_post_is_published_now_with_tags_state_and_link(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(POSTS, status=201, json=payload("post_created"))
    response = create(
        owner,
        account,
        options={
            "tags": ["cats", "good news"],
            "state": "queue",
            "link": "https://example.com/story",
        },
    )
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    assert result["status"] == "published"
    assert result["uri"] == "https://derekg.org/post/1234567891234567"
    body, uploads = sent_post(upstream.calls[0])
    assert body == {
        "content": [
            {"type": "text", "text": "First line"},
            {"type": "text", "text": "Second line"},
            {"type": "link", "url": "https://example.com/story"},
        ],
        "tags": "cats,good news",
        "state": "queue",
    }
    assert uploads == {}
    assert upstream.calls[0].request.headers["Authorization"] == "Bearer tumblr-access"
    assert PostTarget.objects.get().platform_cid == "1234567891234567"


def test_images_are_uploaded_in_the_same_multipart_request(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(IMAGE, body=png(), content_type="image/png")
    upstream.post(POSTS, status=201, json=payload("post_created"))
    image = MediaItem(kind="image", url=IMAGE, alt_text="A cat", width=8, height=6)
    TumblrAdapter(account).publish(draft(media=(image,)))
    body, uploads = sent_post(upstream.calls[1])
    assert body["content"] == [
        {"type": "text", "text": "Hello, Tumblr"},
        {
            "type": "image",
            "media": [
                {"type": "image/png", "identifier": "media0", "width": 8, "height": 6}
            ],
            "alt_text": "A cat",
        },
    ]
    assert uploads == {"media0": png()}


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ({"text": " "}, "tumblr.content.required"),
        ({"options": {"state": "later"}}, "tumblr.state.allowed"),
        ({"options": {"tags": ["a,b"]}}, "tumblr.tags.no_commas"),
        ({"options": {"link": "example.com"}}, "tumblr.link.http"),
        (
            {"media": [{"url": "https://cdn.example.com/a.mp4", "kind": "video"}]},
            "tumblr.media.images_only",
        ),
        ({"text": "a" * 4097}, "tumblr.text.block_max_chars"),
        ({"firstComment": {"text": "More"}}, "tumblr.thread.unsupported"),
    ],
)
def test_preflight_refuses_before_any_call(
    owner: Persona, account: PlatformAccount, upstream, body: dict, rule: str
) -> None:
    response = create(owner, account, **body)
    assert response.status_code == 400, response.json()
    assert rule in str(response.json())
    assert len(upstream.calls) == 0


@pytest.mark.parametrize(
    ("status", "code", "rule"),
    [
        (400, 8001, "tumblr.post.invalid"),
        (400, 8005, "tumblr.media.refused"),
        (403, 8023, "tumblr.limit.posts_per_day"),
        (403, 8004, "tumblr.limit.media_per_day"),
        (403, 8022, "tumblr.limit.queue_full"),
    ],
)
def test_documented_error_subcodes_map_to_rules(
    account: PlatformAccount, upstream, status: int, code: int, rule: str
) -> None:
    body = {
        "meta": {
            "status": status,
            "msg": "Forbidden" if status == 403 else "Bad Request",
        },
        "errors": [{"title": "Refused", "code": code}],
    }
    upstream.post(POSTS, status=status, json=body)
    with pytest.raises(PlatformRejected) as raised:
        TumblrAdapter(account).publish(draft())
    assert raised.value.fields["rule"] == rule
    assert raised.value.fields["platform_response"] == body


def test_a_429_carries_retry_after(account: PlatformAccount, upstream) -> None:
    upstream.post(
        POSTS,
        status=429,
        json={"meta": {"status": 429, "msg": "Limit Exceeded"}, "response": []},
        headers={"Retry-After": "120"},
    )
    with pytest.raises(PlatformRateLimited) as raised:
        TumblrAdapter(account).publish(draft())
    assert raised.value.retry_after == 120


def test_a_401_flags_the_account_for_reconnecting(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(
        POSTS,
        status=401,
        json={"meta": {"status": 401, "msg": "Unauthorized"}, "response": []},
    )
    (result,) = create(owner, account).json()["results"]
    assert result["error"]["code"] == "platform_auth_failed"
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH


def test_a_5xx_is_unknown_and_never_sent_again(
    owner: Persona, account: PlatformAccount, upstream, settings
) -> None:
    settings.PUBLISH_RETRY_BASE_SECONDS = 0
    upstream.post(
        POSTS,
        status=500,
        json={"meta": {"status": 500, "msg": "Server Error"}, "response": []},
    )
    with pytest.raises(PublishOutcomeUnknown):
        TumblrAdapter(account).publish(draft())
    with pytest.raises(ReconcileUnsupported):  # no hidden field to look the post up by
        TumblrAdapter(account).reconcile(draft())

    response = create(
        owner, account, scheduledAt=(timezone.now() + timedelta(hours=1)).isoformat()
    )
    assert response.status_code == 202, response.json()
    target = PostTarget.objects.get()
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    upstream.post(POSTS, status=504, body="Gateway Timeout")
    (claim,) = claim_due()
    # Reconcile is not offered: the lost answer is a final failure, never sent again.
    assert publish_claimed(claim) == "failed"
    target.refresh_from_db()
    assert target.status == PostTarget.Status.FAILED
    assert "answered 504" in target.error["message"]
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    assert claim_due() == []
    assert [c.request.method for c in upstream.calls].count(
        "POST"
    ) == 2  # one per publish

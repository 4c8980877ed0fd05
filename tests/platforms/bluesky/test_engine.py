"""Bluesky through the publishing engine: immediate publish, error snapshots, dead workers."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from platforms.bluesky.adapter import record_key
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget, PublishAttempt
from tests.conftest import Persona, post_json
from tests.platforms.bluesky.conftest import DID, POST_CID, connect_bluesky, xrpc

CREATE = xrpc("com.atproto.repo.createRecord")
GET = xrpc("com.atproto.repo.getRecord")


def test_an_immediate_post_is_published_with_the_at_uri(
    owner: Persona, upstream
) -> None:
    account = connect_bluesky(owner)

    def answer(request):
        import json

        rkey = json.loads(request.body)["rkey"]
        return (
            200,
            {},
            json.dumps(
                {"uri": f"at://{DID}/app.bsky.feed.post/{rkey}", "cid": POST_CID}
            ),
        )

    upstream.add_callback(
        "POST", CREATE, callback=answer, content_type="application/json"
    )
    response = post_json(
        owner.client,
        "/v1/posts",
        {"targets": [{"accountId": str(account.pk)}], "text": "hello #world"},
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    target = PostTarget.objects.get()
    assert result["status"] == "published"
    assert (
        result["uri"] == f"at://{DID}/app.bsky.feed.post/{record_key(str(target.pk))}"
    )


def test_a_rejected_post_keeps_the_platform_answer_and_version(
    owner: Persona, upstream
) -> None:
    account = connect_bluesky(owner)
    refusal = {
        "error": "InvalidRequest",
        "message": "Invalid app.bsky.feed.post record",
    }
    upstream.post(CREATE, status=400, json=refusal)
    response = post_json(
        owner.client,
        "/v1/posts",
        {"targets": [{"accountId": str(account.pk)}], "text": "hello"},
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    target = PostTarget.objects.get()
    assert target.status == PostTarget.Status.REJECTED, response.json()
    assert target.error["platformResponse"] == refusal
    assert (target.error["platform"], target.error["platformVersion"]) == (
        "bluesky",
        "atproto",
    )


def test_a_worker_that_died_after_creating_the_record_is_reconciled_not_republished(
    owner: Persona, upstream
) -> None:
    account = connect_bluesky(owner)
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": "scheduled",
            "scheduledAt": (timezone.now() + timedelta(hours=1)).isoformat(),
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 202, response.json()
    target = PostTarget.objects.get()
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    (dead,) = claim_due()
    # The worker recorded its attempt, created the record upstream, and died.
    PublishAttempt.objects.create(
        target=target, number=1, worker=dead.token, started_at=timezone.now()
    )
    PostTarget.objects.filter(pk=target.pk).update(
        attempt_count=1, lease_until=timezone.now() - timedelta(seconds=1)
    )
    rkey = record_key(str(target.pk))
    upstream.get(
        GET,
        json={
            "uri": f"at://{DID}/app.bsky.feed.post/{rkey}",
            "cid": POST_CID,
            "value": {
                "$type": "app.bsky.feed.post",
                "text": "scheduled",
                "createdAt": "2026-11-28T10:00:00.000Z",
            },
        },
    )
    (second,) = claim_due()
    assert publish_claimed(second) == "published"
    target.refresh_from_db()
    assert target.platform_uri.endswith(rkey)
    assert [a.outcome for a in target.attempts.order_by("number")] == [
        "unknown",
        "reconciled",
    ]
    assert not any(
        c.request.url == CREATE for c in upstream.calls
    )  # nothing sent twice

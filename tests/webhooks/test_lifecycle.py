"""A post's whole lifecycle through the API produces its events, in order, per post.

Runs once posts/services.py and posts/dispatch.py call webhooks.events.emit_post_event (the
wiring the posts owner adds); until then it is skipped, not failed.
"""

from __future__ import annotations

import inspect
import json
from datetime import timedelta

import pytest
from django.utils import timezone

import posts.dispatch
import posts.services
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, connect_sandbox, post_json
from tests.webhooks.conftest import Receiver, drain, make_endpoint

WIRED = all(
    "emit_post_event" in inspect.getsource(module)
    for module in (posts.services, posts.dispatch)
)
pytestmark = [
    pytest.mark.usefixtures("hooks"),
    pytest.mark.skipif(not WIRED, reason="posts does not emit webhook events yet"),
]


LIFECYCLE = [
    "post.queued",
    "post.rescheduled",
    "post.published",
    "post.canceled",
    "post.rejected",
    "post.failed",
]


def test_queued_rescheduled_published_arrive_in_order(
    owner: Persona, receiver: Receiver
) -> None:
    make_endpoint(
        owner, receiver.url, LIFECYCLE
    )  # post.validated is covered in tests/posts
    account = connect_sandbox(owner, "lifecycle")
    created = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": "lifecycle",
            "scheduledAt": (timezone.now() + timedelta(hours=1)).isoformat(),
        },
        HTTP_X_REQUEST_ID="req_create",
    )
    assert created.status_code == 202, created.content
    post_id = created.json()["results"][0]["postId"]
    moved = owner.client.patch(
        f"/v1/posts/{post_id}",
        {"scheduledAt": (timezone.now() + timedelta(hours=2)).isoformat()},
        content_type="application/json",
        HTTP_X_REQUEST_ID="req_move",
    )
    assert moved.status_code == 200, moved.content
    PostTarget.objects.filter(pk=post_id).update(due_at=timezone.now())
    (claim,) = claim_due()
    assert publish_claimed(claim) == "published"

    receiver.answer(503)  # the first delivery fails once; nothing overtakes it
    drain()

    assert receiver.types() == [
        "post.queued",
        "post.queued",
        "post.rescheduled",
        "post.published",
    ]
    bodies = [json.loads(r.body) for r in receiver.received[1:]]
    assert {b["data"]["id"] for b in bodies} == {post_id}
    assert [r.header("X-Letmepost-Request-Id") for r in receiver.received[1:3]] == [
        "req_create",
        "req_move",
    ]


def test_cancel_and_terminal_failures_emit_their_events(
    owner: Persona, receiver: Receiver
) -> None:
    make_endpoint(
        owner, receiver.url, LIFECYCLE
    )  # post.validated is covered in tests/posts
    account = connect_sandbox(owner, "lifecycle")
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    scheduled = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": "x",
            "scheduledAt": later,
        },
    ).json()["results"][0]["postId"]
    assert owner.client.delete(f"/v1/posts/{scheduled}").status_code == 200
    rejected = post_json(
        owner.client,
        "/v1/posts",
        {"targets": [{"accountId": str(account.pk)}], "text": "y"},
        HTTP_LETMEPOST_SANDBOX_OUTCOME="platform_rejected",
    )
    assert rejected.status_code == 200, rejected.content

    drain()

    by_post: dict[str, list[str]] = {}
    for got in receiver.received:
        body = json.loads(got.body)
        by_post.setdefault(body["data"]["id"], []).append(body["type"])
    rejected_id = rejected.json()["results"][0]["postId"]
    assert by_post == {
        scheduled: ["post.queued", "post.canceled"],  # in order within the post
        rejected_id: ["post.rejected"],
    }
    error = next(
        json.loads(r.body)["data"]["error"]
        for r in receiver.received
        if r.header("X-Letmepost-Event") == "post.rejected"
    )
    assert error["code"] == "platform_rejected"

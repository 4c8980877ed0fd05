"""Threads and first comments (#20): validation names the item, each item is published once and in
order, a lost answer between items is reconciled, and a failed item is where a retry resumes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from platforms.models import SandboxPost
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget, ThreadItem
from tests.conftest import Persona, connect_sandbox, error_of, post_json

Status = PostTarget.Status


@pytest.fixture
def account(owner: Persona):
    return connect_sandbox(owner, "threader")


def create(owner: Persona, body: dict[str, Any], **headers: Any) -> Any:
    return post_json(owner.client, "/v1/posts", body, **headers)


def thread_body(account, count: int = 3, **extra: Any) -> dict[str, Any]:
    return {
        "targets": [{"accountId": str(account.pk)}],
        "text": "root",
        "thread": [{"text": f"item {i}"} for i in range(count)],
        **extra,
    }


def tokens(target_id: Any) -> list[str]:
    return list(
        SandboxPost.objects.filter(token__startswith=str(target_id))
        .order_by("created_at", "id")
        .values_list("token", flat=True)
    )


def test_a_thread_publishes_every_item_in_order_and_reports_progress(
    owner: Persona, account
) -> None:
    response = create(owner, thread_body(account, first_comment={"text": "first!"}))
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    post_id = result["postId"]
    assert result["status"] == "published"
    assert result["thread"]["published"] == 4 and result["thread"]["total"] == 4
    assert [i["position"] for i in result["thread"]["items"]] == [0, 1, 2]
    assert result["thread"]["items"][2]["uri"] == f"sandbox://sandbox/{post_id}.3"
    assert result["firstCommentUri"] == f"sandbox://sandbox/{post_id}.4"
    assert tokens(post_id) == [post_id] + [f"{post_id}.{n}" for n in (1, 2, 3, 4)]


# --- validation ---------------------------------------------------------------------------------


def test_a_violation_names_the_thread_item_and_its_field(
    owner: Persona, account
) -> None:
    body = thread_body(account)
    body["thread"][1]["text"] = "x" * 501  # the sandbox allows 500 graphemes
    response = create(owner, body)
    error = error_of(response)
    assert (response.status_code, error["rule"]) == (400, "sandbox.text.max_graphemes")
    assert error["message"].startswith("thread[1]: ")
    (violation,) = error["violations"]
    assert violation["field"] == "thread[1].text"


def test_a_per_target_thread_overrides_the_top_level_and_is_named_by_its_target(
    owner: Persona, account
) -> None:
    other = connect_sandbox(owner, "other")
    five = [
        {"kind": "image", "url": f"https://cdn.example.com/{i}.png"} for i in range(5)
    ]
    body = {
        "targets": [
            {"accountId": str(other.pk)},
            {"accountId": str(account.pk), "thread": [{"text": "own", "media": five}]},
        ],
        "text": "root",
        "thread": [{"text": "for everyone"}],
    }
    error = error_of(create(owner, body))
    (violation,) = error["violations"]
    assert (violation["field"], violation["targetIndex"]) == (
        "targets[1].thread[0].media",
        1,
    )
    del body["targets"][1]["thread"][0]["media"]
    results = create(owner, body).json()["results"]
    texts = {
        r["postId"]: list(
            ThreadItem.objects.filter(target_id=r["postId"]).values_list(
                "text", flat=True
            )
        )
        for r in results
    }
    assert list(texts.values()) == [["for everyone"], ["own"]]


def test_a_thread_is_refused_with_too_many_items(owner: Persona, account) -> None:
    error = error_of(create(owner, thread_body(account, count=26)))
    assert error["code"] == "validation_failed"


# --- what a plain post costs (issue #22) ---------------------------------------------------------


def test_a_post_without_thread_or_first_comment_never_touches_the_thread_table(
    owner: Persona, account
) -> None:
    with CaptureQueriesContext(connection) as captured:
        response = create(
            owner, {"targets": [{"accountId": str(account.pk)}], "text": "plain"}
        )
    assert response.json()["status"] == "published"
    assert not [q for q in captured.captured_queries if "threaditem" in q["sql"]]
    assert "thread" not in response.json()["results"][0]


# --- dispatch -------------------------------------------------------------------------------------


def queued(owner: Persona, account, count: int = 3, **options: Any) -> PostTarget:
    body = thread_body(account, count, publishNow=False)
    body.pop("publishNow")
    body["targets"][0]["options"] = {"platform": "sandbox", **options}
    body["scheduledAt"] = "2099-01-01T00:00:00Z"
    response = create(owner, body)
    assert response.status_code == 202, response.json()
    target = PostTarget.objects.get(pk=response.json()["results"][0]["postId"])
    PostTarget.objects.filter(pk=target.pk).update(due_at=target.created_at)
    return target


def drain() -> list[str]:
    outcomes = []
    for _ in range(10):
        claims = claim_due(ahead=0)
        if not claims:
            return outcomes
        outcomes += [publish_claimed(c) for c in claims]
    raise AssertionError("still claiming")


def items(target: PostTarget) -> list[tuple[str, int]]:
    return [(i.status, i.attempts) for i in target.replies.order_by("position")]


@pytest.fixture
def instant_retries(settings) -> None:
    settings.PUBLISH_RETRY_BASE_SECONDS = 0


def test_a_lost_answer_between_items_is_reconciled_and_the_thread_resumes_after_it(
    owner: Persona, account, instant_retries
) -> None:
    # thread[1] lands but its answer is lost: the target goes back to the queue, unknown.
    target = queued(owner, account, sandboxOutcome="outcome_unknown", sandboxFailItem=1)
    assert drain()[0] == "unknown"
    target.refresh_from_db()
    assert target.status == Status.PUBLISHED
    # The first post and thread[0] were not sent again; thread[1] was found, not resent.
    assert items(target) == [("published", 1), ("published", 1), ("published", 1)]
    assert list(target.attempts.values_list("outcome", flat=True)) == [
        "unknown",
        "published",
    ]
    assert tokens(target.pk) == [str(target.pk)] + [
        f"{target.pk}.{n}" for n in (1, 2, 3)
    ]


def test_a_worker_killed_after_sending_an_item_resumes_at_it_without_resending(
    owner: Persona, account
) -> None:
    target = queued(owner, account)
    (claim,) = claim_due(ahead=0)
    assert publish_claimed(claim) == "published"
    # Rewind to the state a kill -9 right after thread[1]'s call leaves: the item sent (the
    # sandbox has it) but still `publishing`, thread[2] pending, the lease run out.
    ThreadItem.objects.filter(target=target, position=1).update(status="publishing")
    ThreadItem.objects.filter(target=target, position=2).update(
        status="pending", attempts=0, uri="", cid=""
    )
    SandboxPost.objects.filter(token=f"{target.pk}.3").delete()
    PostTarget.objects.filter(pk=target.pk).update(
        status=Status.PUBLISHING,
        lease_owner="dead",
        lease_until=target.created_at,
        first_comment_uri="",
    )
    assert drain() == ["published"]
    target.refresh_from_db()
    assert items(target) == [("published", 1), ("published", 1), ("published", 1)]
    assert tokens(target.pk) == [str(target.pk)] + [
        f"{target.pk}.{n}" for n in (1, 2, 3)
    ]


def test_a_failing_item_fails_the_target_naming_it_and_a_retry_resumes_there(
    owner: Persona, account
) -> None:
    target = queued(
        owner, account, sandboxOutcome="platform_rejected", sandboxFailItem=2
    )
    assert drain() == ["rejected"]
    target.refresh_from_db()
    assert target.status == Status.REJECTED and target.platform_uri
    assert target.error["field"] == "thread[2]"
    assert target.error["message"].startswith("thread[2]: Sandbox outcome forced")
    assert [s for s, _ in items(target)] == ["published", "published", "failed"]
    shown = owner.client.get(f"/v1/posts/{target.pk}").json()
    # The first post and items 0 and 1 are out.
    assert shown["thread"]["published"] == 3 and shown["error"]["field"] == "thread[2]"

    PostTarget.objects.filter(pk=target.pk).update(sandbox={})  # the platform recovered
    response = post_json(owner.client, f"/v1/posts/{target.pk}/retry", {})
    (result,) = response.json()["results"]
    assert (result["postId"], result["status"]) == (str(target.pk), "published")
    assert result["thread"]["published"] == 4
    assert items(target) == [("published", 1), ("published", 1), ("published", 2)]
    assert tokens(target.pk) == [str(target.pk)] + [
        f"{target.pk}.{n}" for n in (1, 2, 3)
    ]


def test_a_retryable_item_failure_requeues_and_the_next_attempt_resumes(
    owner: Persona, account, instant_retries
) -> None:
    target = queued(
        owner,
        account,
        sandboxOutcome="platform_unavailable",
        sandboxFailItem=0,
        sandboxFailAttempts=1,
    )
    assert drain() == ["retry", "published"]
    target.refresh_from_db()
    assert items(target) == [("published", 2), ("published", 1), ("published", 1)]
    assert SandboxPost.objects.filter(token=str(target.pk)).count() == 1


def test_a_draft_keeps_its_thread_through_an_edit_and_publishes_it_when_promoted(
    owner: Persona, account
) -> None:
    body = thread_body(account, 2, draft=True)
    response = create(owner, body)
    assert response.status_code == 201, response.json()
    post_id = response.json()["results"][0]["postId"]
    edited = owner.client.patch(
        f"/v1/posts/{post_id}",
        data={"thread": [{"text": "new one"}, {"text": "new two"}, {"text": "new 3"}]},
        content_type="application/json",
    )
    assert edited.status_code == 200, edited.json()
    assert edited.json()["thread"]["total"] == 4  # the first post and 3 items
    promoted = owner.client.patch(
        f"/v1/posts/{post_id}",
        data={"publishNow": True},
        content_type="application/json",
    )
    assert promoted.json()["status"] == "published", promoted.json()
    assert promoted.json()["thread"]["published"] == 4
    texts = SandboxPost.objects.filter(token__startswith=post_id).order_by(
        "created_at", "id"
    )
    assert list(texts.values_list("text", flat=True)) == [
        "root",
        "new one",
        "new two",
        "new 3",
    ]


def test_the_agent_tool_for_creating_posts_takes_thread_and_auto_thread() -> None:
    from letmepost.agent_tools import our_operations

    properties = our_operations()["post_v1_posts"].input_schema["properties"]
    assert {"thread", "autoThread"} <= set(properties)
    assert properties["thread"]["items"]["required"] == ["text"]


def test_the_upgrade_gives_a_waiting_post_its_first_comment_as_an_item(
    owner: Persona, account
) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("posts.migrations.0005_thread_items")
    response = create(
        owner,
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": "stored before threads",
            "scheduledAt": "2099-01-01T00:00:00Z",
        },
    )
    target = PostTarget.objects.get(pk=response.json()["results"][0]["postId"])
    # As 0.1 stored it: the comment on the row, published by the adapter inside publish().
    PostTarget.objects.filter(pk=target.pk).update(first_comment="still here")
    migration.first_comments_to_items(apps, None)
    target.refresh_from_db()
    (item,) = target.replies.all()
    assert (target.reply_count, item.kind, item.text) == (1, "comment", "still here")
    PostTarget.objects.filter(pk=target.pk).update(due_at=target.created_at)
    assert drain() == ["published"]
    assert tokens(target.pk) == [str(target.pk), f"{target.pk}.1"]

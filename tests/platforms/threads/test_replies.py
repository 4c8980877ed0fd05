"""Threads thread items and first comments: replies to the previous item through the same
container path (`reply_to_id`), each item keyed by its own idempotency token; graph.threads.net is
faked and every call is checked against Meta's reference (conftest)."""

from __future__ import annotations

import pytest
import requests

from letmepost.errors import PlatformRejected, PublishOutcomeUnknown
from letmepost.ids import uuid7
from platforms.base import Draft, PublishResult, ReplyTo
from platforms.meta import containers
from platforms.models import PlatformAccount
from platforms.threads.adapter import ThreadsAdapter
from tests.platforms.threads.conftest import USER_ID, api, graph_calls, payload, sent
from tests.platforms.threads.test_publish import container, publish_ok

ROOT_ID = "18000000000000001"
PARENT_ID = "18000000000000002"
CONTAINER = "17990000000000009"
TEXT = "Second loaf, second reply"
REPLY = payload("replies")["data"][0]
UNDER_PARENT = ReplyTo(
    parent=PublishResult(uri=None, cid=PARENT_ID),
    root=PublishResult(uri=None, cid=ROOT_ID),
)


def item(**options: str) -> Draft:
    return Draft(text=TEXT, idempotency_token=str(uuid7()), options=dict(options))


def test_threads_threads_are_reply_chains() -> None:
    assert ThreadsAdapter.thread_style == "replies"


def test_an_item_is_a_reply_container_to_the_previous_item(
    account: PlatformAccount, upstream
) -> None:
    container(upstream, CONTAINER, "finished")
    publish_ok(upstream)
    # The target's own replyToId answers someone else's post: it belongs to the first post.
    result = ThreadsAdapter(account).publish_reply(
        item(replyToId="18099999999999999"), UNDER_PARENT
    )
    create, _, publish, _ = graph_calls(upstream)
    assert sent(create) == {
        "media_type": "TEXT",
        "text": TEXT,
        "reply_to_id": PARENT_ID,
    }
    assert sent(publish) == {"creation_id": CONTAINER}
    assert result.cid == payload("published")["id"]


@pytest.mark.parametrize("cid", [None, "", "not-a-threads-id"])
def test_a_parent_without_a_threads_id_sends_nothing(
    account: PlatformAccount, upstream, cid
) -> None:
    orphan = ReplyTo(parent=PublishResult(uri=None, cid=cid), root=UNDER_PARENT.root)
    with pytest.raises(PlatformRejected):
        ThreadsAdapter(account).publish_reply(item(), orphan)
    assert graph_calls(upstream) == []


def lost_publish(account: PlatformAccount, upstream, draft: Draft) -> None:
    """One attempt whose `threads_publish` answer never came back."""
    container(upstream, CONTAINER, "finished")
    upstream.post(
        api(f"{USER_ID}/threads_publish"), body=requests.exceptions.ReadTimeout("slow")
    )
    with pytest.raises(PublishOutcomeUnknown):
        ThreadsAdapter(account).publish_reply(draft, UNDER_PARENT)
    assert containers.recall(account, draft.idempotency_token)["container"] == CONTAINER


def test_a_lost_reply_is_found_among_the_users_replies(
    account: PlatformAccount, upstream
) -> None:
    draft = item()
    lost_publish(account, upstream, draft)
    upstream.get(api(CONTAINER), json=payload("status_published", id=CONTAINER))
    upstream.get(api(f"{USER_ID}/replies"), json=payload("replies"))
    found = ThreadsAdapter(account).reconcile_reply(draft, UNDER_PARENT)
    assert found is not None
    assert (found.cid, found.uri) == (REPLY["id"], REPLY["permalink"])
    publishes = [c for c in graph_calls(upstream) if "threads_publish" in c.request.url]
    assert len(publishes) == 1


def test_without_the_replies_permission_a_landed_reply_is_kept_without_its_id(
    account: PlatformAccount, upstream
) -> None:
    draft = item()
    lost_publish(account, upstream, draft)
    upstream.get(api(CONTAINER), json=payload("status_published", id=CONTAINER))
    upstream.get(
        api(f"{USER_ID}/replies"), status=400, json=payload("error_permission")
    )
    found = ThreadsAdapter(account).reconcile_reply(draft, UNDER_PARENT)
    assert found is not None and found.cid is None  # landed: never published twice
    assert [w["code"] for w in found.warnings] == ["published_without_id"]
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.ACTIVE  # a scope, not a dead token


def test_an_item_never_sent_reconciles_as_absent(
    account: PlatformAccount, upstream
) -> None:
    assert ThreadsAdapter(account).reconcile_reply(item(), UNDER_PARENT) is None
    assert graph_calls(upstream) == []

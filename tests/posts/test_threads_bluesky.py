"""A Bluesky thread through the engine, the PDS faked at the HTTP boundary (`responses`): the
chain's reply refs (checked against the lexicons), autoThread's parts, and an answer lost
between two items that is reconciled at the item's record key instead of being sent again."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import responses

from platforms.bluesky.adapter import record_key
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.bluesky.conftest import DID, connect_bluesky, xrpc
from tests.platforms.bluesky.lexicon import errors_in_input, errors_in_record

CREATE = xrpc("com.atproto.repo.createRecord")
GET = xrpc("com.atproto.repo.getRecord")


class FakePds:
    """createRecord and getRecord over a dict of records by key, as the PDS keeps a repo: a
    second create at a taken key is refused. `lose` names keys whose create lands but whose
    answer is lost (a read timeout after sending)."""

    def __init__(self, mock: Any) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.creates: list[str] = []
        self.lose: set[str] = set()
        mock.add_callback("POST", CREATE, callback=self.create)
        mock.add_callback("GET", GET, callback=self.get)

    def ref(self, rkey: str) -> dict[str, str]:
        return {"uri": f"at://{DID}/app.bsky.feed.post/{rkey}", "cid": f"bafy{rkey}"}

    def create(self, request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        assert errors_in_input("com.atproto.repo.createRecord", body) == []
        assert errors_in_record(body["record"]) == []
        rkey = body["rkey"]
        self.creates.append(rkey)
        if rkey in self.records:
            return 500, {}, json.dumps({"error": "InternalServerError"})
        self.records[rkey] = body["record"]
        if rkey in self.lose:
            self.lose.discard(rkey)
            raise requests.exceptions.ReadTimeout("the answer was lost")
        return 200, {}, json.dumps(self.ref(rkey))

    def get(self, request: Any) -> tuple[int, dict[str, str], str]:
        rkey = request.params["rkey"]
        if rkey not in self.records:
            return 400, {}, json.dumps({"error": "RecordNotFound", "message": "no"})
        return 200, {}, json.dumps({**self.ref(rkey), "value": self.records[rkey]})


@pytest.fixture
def pds() -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakePds(mock)


def keys(target: PostTarget, count: int) -> list[str]:
    return [record_key(str(target.pk))] + [
        record_key(f"{target.pk}.{n}") for n in range(1, count + 1)
    ]


def test_auto_thread_publishes_a_reply_chain_with_root_and_parent_refs(
    owner: Persona, pds: FakePds
) -> None:
    account = connect_bluesky(owner)
    text = " ".join(
        f"Sentence number {i} is here." for i in range(30)
    )  # ~ 800 graphemes
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": text,
            "autoThread": True,
            "thread": [{"text": "The end."}],
            "firstComment": {"text": "Comments welcome"},
        },
    )
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    target = PostTarget.objects.get(pk=result["postId"])
    # The chain counts the first post; the parts after it are autoThread's, then "The end."
    parts = result["thread"]["total"] - 1
    assert parts >= 3 and result["thread"]["published"] == parts + 1
    rkeys = keys(target, parts + 1)
    assert pds.creates == rkeys  # in order, each once
    root = pds.ref(rkeys[0])
    texts = [pds.records[k]["text"] for k in rkeys]
    assert texts[0].endswith(f" 1/{parts}") and texts[parts] == "The end."
    assert texts[-1] == "Comments welcome"
    for index, rkey in enumerate(rkeys[1:-1]):
        assert pds.records[rkey]["reply"] == {
            "root": root,
            "parent": pds.ref(rkeys[index]),
        }
    assert pds.records[rkeys[-1]]["reply"] == {"root": root, "parent": root}
    assert result["firstCommentUri"] == pds.ref(rkeys[-1])["uri"]


def test_an_answer_lost_between_items_is_reconciled_not_sent_twice(
    owner: Persona, pds: FakePds, settings
) -> None:
    settings.PUBLISH_RETRY_BASE_SECONDS = 0
    account = connect_bluesky(owner)
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": "one",
            "thread": [{"text": "two"}, {"text": "three"}, {"text": "four"}],
            "scheduledAt": "2099-01-01T00:00:00Z",
        },
    )
    target = PostTarget.objects.get(pk=response.json()["results"][0]["postId"])
    PostTarget.objects.filter(pk=target.pk).update(due_at=target.created_at)
    rkeys = keys(target, 3)
    pds.lose.add(rkeys[2])  # "three" lands, its answer does not
    (claim,) = claim_due(ahead=0)
    assert publish_claimed(claim) == "unknown"
    target.refresh_from_db()
    assert (
        target.status == PostTarget.Status.QUEUED
        and target.error["field"] == "thread[1]"
    )
    PostTarget.objects.filter(pk=target.pk).update(due_at=target.created_at)
    (claim,) = claim_due(ahead=0)
    assert publish_claimed(claim) == "published"
    assert pds.creates == rkeys  # "three" was looked up, never created again
    assert [pds.records[k]["text"] for k in rkeys] == ["one", "two", "three", "four"]
    assert pds.records[rkeys[3]]["reply"]["parent"] == pds.ref(rkeys[2])

"""Bluesky end to end against the reference PDS (+ PLC) on loopback: nothing is mocked.

An account is created on the PDS, connected through our API, and posts are published through
`POST /v1/posts`; every record is then read back from the PDS itself (listRecords, getRecord,
sync.getBlob) and checked: text, facet byte ranges, blobs, alt text, replies, quotes, record keys.
A repeated publish of the same target makes no second record, and a server SIGKILLed after the PDS
applied its createRecord is reconciled on restart, leaving exactly one record.

Run with `pytest -m e2e tests/e2e` (see tests/e2e/upstreams.py for the cached PDS install).
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from letmepost.ids import uuid7
from platforms.base import Draft
from platforms.bluesky.adapter import BlueskyAdapter, record_key
from platforms.models import PlatformAccount
from posts.dispatch import draft_for
from posts.models import PostTarget
from tests.conftest import Persona, error_of, post_json
from tests.e2e.upstreams import (
    HoldingProxy,
    Pds,
    ensure_pds_installed,
    running_pds,
)
from tests.platforms.bluesky.conftest import png
from tests.platforms.bluesky.lexicon import errors_in_record

pytestmark = [pytest.mark.e2e]

COMPLETE = "/v1/accounts/connect/bluesky/complete"


@pytest.fixture(scope="module")
def pds(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    cache = ensure_pds_installed(request.config)
    with running_pds(cache, tmp_path_factory.mktemp("pds")) as server:
        yield server


@pytest.fixture
def private_urls(settings) -> None:
    settings.ALLOW_PRIVATE_URLS = True  # the PDS is on loopback


def connect(persona: Persona, pds: Pds, acct: dict[str, str]) -> dict[str, Any]:
    response = post_json(
        persona.client,
        COMPLETE,
        {
            "identifier": acct["handle"],
            "appPassword": acct["app_password"],
            "pdsUrl": pds.url,
        },
    )
    assert response.status_code == 201, response.json()
    return response.json()


def upload(persona: Persona, content: bytes, name: str) -> dict[str, Any]:
    response = persona.client.post(
        "/v1/media",
        {"file": SimpleUploadedFile(name, content, content_type="image/png")},
    )
    assert response.status_code in (200, 201), response.json()
    return response.json()


def publish(persona: Persona, body: dict[str, Any]) -> dict[str, Any]:
    response = post_json(
        persona.client, "/v1/posts", body, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    assert result["status"] == "published", result
    return result


def span(text: str, facet: dict[str, Any]) -> str:
    index = facet["index"]
    return text.encode()[index["byteStart"] : index["byteEnd"]].decode()


def ref(record: dict[str, Any]) -> dict[str, str]:
    return {"uri": record["uri"], "cid": record["cid"]}


def test_connect_publish_and_read_every_record_back(
    pds: Pds, owner: Persona, private_urls
) -> None:
    acct = pds.account("alice")
    friend = pds.account("bob")

    wrong = post_json(
        owner.client,
        COMPLETE,
        {
            "identifier": acct["handle"],
            "appPassword": "wrong-pass-word",
            "pdsUrl": pds.url,
        },
    )
    assert (wrong.status_code, error_of(wrong)["code"]) == (401, "platform_auth_failed")
    assert error_of(wrong)["platformResponse"]["error"] == "AuthenticationRequired"
    invalid = post_json(
        owner.client, COMPLETE, {"identifier": "no spaces!", "appPassword": "x"}
    )
    assert (invalid.status_code, error_of(invalid)["rule"]) == (400, "identifier")

    account = connect(owner, pds, acct)
    assert (account["platformAccountId"], account["displayName"]) == (
        acct["did"],
        acct["handle"],
    )

    images = [png(64, 48), png(30, 40)]
    media = [upload(owner, data, f"{i}.png") for i, data in enumerate(images)]
    text = f"Launch ✨ notes at example.com/notes and https://example.com/a?b=1, cc @{friend['handle']} #release #e2e"
    main = publish(
        owner,
        {
            "targets": [{"accountId": account["id"]}],
            "text": text,
            "media": [
                {"kind": "image", "mediaId": media[0]["id"], "altText": "a blue chart"},
                {"kind": "image", "mediaId": media[1]["id"], "altText": "a tall box"},
            ],
            "firstComment": {"text": "first comment 👇"},
        },
    )
    reply = publish(
        owner,
        {
            "targets": [
                {
                    "accountId": account["id"],
                    "options": {
                        "platform": "bluesky",
                        "replyToUri": main["uri"],
                        "replyToCid": main["cid"],
                    },
                }
            ],
            "text": "a reply",
        },
    )
    deeper = publish(
        owner,
        {
            "targets": [
                {
                    "accountId": account["id"],
                    "options": {
                        "platform": "bluesky",
                        "replyToUri": reply["uri"],
                        "replyToCid": reply["cid"],
                        "replyRootUri": main["uri"],
                        "replyRootCid": main["cid"],
                    },
                }
            ],
            "text": "a reply to the reply",
        },
    )
    quote = publish(
        owner,
        {
            "targets": [
                {
                    "accountId": account["id"],
                    "options": {
                        "platform": "bluesky",
                        "quoteUri": main["uri"],
                        "quoteCid": main["cid"],
                    },
                }
            ],
            "text": "quoting myself",
        },
    )

    records = {r["uri"]: r for r in pds.records(acct["did"])}
    assert len(records) == 5  # post, first comment, reply, reply to the reply, quote
    for record in records.values():
        assert errors_in_record(record["value"]) == []
    for result in (main, reply, deeper, quote):
        assert result["uri"].rsplit("/", 1)[1] == record_key(result["postId"])

    post = records[main["uri"]]
    assert (post["cid"], post["value"]["text"]) == (main["cid"], text)
    facets = {
        f["features"][0]["$type"].rsplit("#")[1] + ":" + span(text, f): f["features"][0]
        for f in post["value"]["facets"]
    }
    assert facets == {
        "link:example.com/notes": {
            "$type": "app.bsky.richtext.facet#link",
            "uri": "https://example.com/notes",
        },
        "link:https://example.com/a?b=1": {
            "$type": "app.bsky.richtext.facet#link",
            "uri": "https://example.com/a?b=1",
        },
        f"mention:@{friend['handle']}": {
            "$type": "app.bsky.richtext.facet#mention",
            "did": friend["did"],
        },
        "tag:#release": {"$type": "app.bsky.richtext.facet#tag", "tag": "release"},
        "tag:#e2e": {"$type": "app.bsky.richtext.facet#tag", "tag": "e2e"},
    }
    embed = post["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    assert [i["alt"] for i in embed["images"]] == ["a blue chart", "a tall box"]
    assert [i["aspectRatio"] for i in embed["images"]] == [
        {"width": 64, "height": 48},
        {"width": 30, "height": 40},
    ]
    for image, data in zip(embed["images"], images, strict=True):
        assert (image["image"]["mimeType"], image["image"]["size"]) == (
            "image/png",
            len(data),
        )
        assert (
            pds.query(
                "com.atproto.sync.getBlob",
                did=acct["did"],
                cid=image["image"]["ref"]["$link"],
            )
            == data
        )

    comment = records[main["firstCommentUri"]]
    assert comment["value"]["text"] == "first comment 👇"
    assert comment["value"]["reply"] == {"root": ref(post), "parent": ref(post)}
    assert records[reply["uri"]]["value"]["reply"] == {
        "root": ref(post),
        "parent": ref(post),
    }
    assert records[deeper["uri"]]["value"]["reply"] == {
        "root": ref(post),
        "parent": ref(records[reply["uri"]]),
    }
    assert records[quote["uri"]]["value"]["embed"] == {
        "$type": "app.bsky.embed.record",
        "record": ref(post),
    }

    # Publishing the same target again (a redelivery, a retry) lands on the same record key.
    target = PostTarget.objects.get(pk=main["postId"])
    adapter = BlueskyAdapter(PlatformAccount.objects.get(pk=account["id"]))
    again = adapter.publish(draft_for(target, attempt=2))
    assert (again.uri, again.cid) == (main["uri"], main["cid"])
    assert len(pds.records(acct["did"])) == 5
    found = adapter.reconcile(draft_for(target, attempt=3))
    assert found is not None and found.uri == main["uri"]
    assert (
        adapter.reconcile(Draft(text="never sent", idempotency_token=str(uuid7())))
        is None
    )


# --- a real server, killed mid-publish ----------------------------------------------------


def api(
    server_url: str, method: str, path: str, key: str, body: Any = None
) -> tuple[int, Any]:
    from tests.e2e.support import http

    return http(method, f"{server_url}{path}", body, key)


def test_a_server_killed_after_the_pds_applied_the_post_leaves_exactly_one_record(
    pds: Pds, tmp_path: Path
) -> None:
    from tests.e2e.support import boot_env, bootstrap_key, serving, wait_for

    acct = pds.account("crash")
    env = boot_env(
        tmp_path,
        LETMEPOST_ALLOW_PRIVATE_URLS="true",
        LETMEPOST_PUBLISH_LEASE_SECONDS="2",
        LETMEPOST_PUBLISH_RETRY_BASE_SECONDS="1",
        LETMEPOST_DISPATCH_INTERVAL_MS="100",
    )
    marker = b"survives a crash"
    with HoldingProxy(
        pds.url, hold_path="com.atproto.repo.createRecord", marker=marker
    ) as proxy:
        with serving(env, name="first") as first:
            key = bootstrap_key(env)
            url = first.extra["url"]
            status, account = api(
                url,
                "POST",
                COMPLETE,
                key,
                {
                    "identifier": acct["handle"],
                    "appPassword": acct["app_password"],
                    "pdsUrl": proxy.url,
                },
            )
            assert status == 201, account
            # Taken as the request is sent, 2 s beyond the server's 1 s minimum lead.
            when = (datetime.now(UTC) + timedelta(seconds=3)).isoformat()
            status, batch = api(
                url,
                "POST",
                "/v1/posts",
                key,
                {
                    "targets": [{"accountId": account["id"]}],
                    "text": marker.decode(),
                    "scheduledAt": when,
                },
            )
            assert status == 202, batch
            post_id = batch["results"][0]["postId"]
            # The dispatcher sent createRecord, the PDS applied it, the answer never comes back.
            assert proxy.landed.wait(30), "the createRecord never reached the PDS"
            first.kill()
        proxy.release.set()
        rkey = record_key(post_id)
        assert [r["uri"].rsplit("/", 1)[1] for r in pds.records(acct["did"])] == [rkey]

        with serving(env, name="second") as second:

            def settled() -> dict[str, Any] | None:
                _, post = api(second.extra["url"], "GET", f"/v1/posts/{post_id}", key)
                return post if post.get("status") == "published" else None

            post = wait_for(
                settled, timeout=30, interval=0.2, what="the reclaimed post"
            )
    assert post["platformUri"] == f"at://{acct['did']}/app.bsky.feed.post/{rkey}"
    assert [a["outcome"] for a in post["attempts"]] == ["unknown", "reconciled"]
    assert (
        len(pds.records(acct["did"])) == 1
    )  # reconciled by reading it back, never re-created


def test_the_pds_fixture_serves_health(pds: Pds) -> None:
    with urllib.request.urlopen(f"{pds.url}/xrpc/_health", timeout=5) as response:  # noqa: S310 - loopback
        assert json.loads(response.read())["version"]


# --- threads (#20) ----------------------------------------------------------------------------


def test_a_five_item_thread_with_images_reads_back_as_one_reply_chain(
    pds: Pds, owner: Persona, private_urls
) -> None:
    acct = pds.account("threader")
    connect(owner, pds, acct)
    images = [upload(owner, png(40 + i, 30), f"t{i}.png") for i in range(6)]

    def media(i: int) -> list[dict[str, Any]]:
        return [{"kind": "image", "mediaId": images[i]["id"], "altText": f"image {i}"}]

    result = publish(
        owner,
        {
            "targets": [{"platform": "bluesky"}],
            "text": "A thread, 0/5 🧵",
            "media": media(0),
            "thread": [
                {"text": f"Part {i}/5 with an image", "media": media(i)}
                for i in range(1, 6)
            ],
            "firstComment": {"text": "Thanks for reading"},
        },
    )
    post_id = result["postId"]
    assert result["thread"]["published"] == result["thread"]["total"] == 6
    records = {r["uri"]: r for r in pds.records(acct["did"])}
    assert len(records) == 7  # the post, five items, the comment: one record each
    root = records[result["uri"]]
    chain = [root] + [records[item["uri"]] for item in result["thread"]["items"]]
    for index, record in enumerate(chain):
        rkey = record["uri"].rsplit("/", 1)[1]
        assert rkey == record_key(post_id if index == 0 else f"{post_id}.{index}")
        assert errors_in_record(record["value"]) == []
        (image,) = record["value"]["embed"]["images"]
        assert image["alt"] == f"image {index}"
        blob = image["image"]["ref"]["$link"]
        data = pds.query("com.atproto.sync.getBlob", did=acct["did"], cid=blob)
        assert data.startswith(b"\x89PNG")
        if index:
            assert record["value"]["reply"] == {
                "root": ref(root),
                "parent": ref(chain[index - 1]),
            }
    assert "reply" not in root["value"]
    comment = records[result["firstCommentUri"]]
    assert comment["value"]["reply"] == {"root": ref(root), "parent": ref(root)}


def test_a_server_killed_between_thread_items_leaves_exactly_one_record_per_item(
    pds: Pds, tmp_path: Path
) -> None:
    from tests.e2e.support import boot_env, bootstrap_key, serving, wait_for

    acct = pds.account("threadcrash")
    env = boot_env(
        tmp_path,
        LETMEPOST_ALLOW_PRIVATE_URLS="true",
        LETMEPOST_PUBLISH_LEASE_SECONDS="2",
        LETMEPOST_PUBLISH_RETRY_BASE_SECONDS="1",
        LETMEPOST_DISPATCH_INTERVAL_MS="100",
    )
    texts = ["one of five", "two of five", "three of five", "four of five", "five"]
    with HoldingProxy(
        pds.url, hold_path="com.atproto.repo.createRecord", marker=b"three of five"
    ) as proxy:
        with serving(env, name="first") as first:
            key = bootstrap_key(env)
            url = first.extra["url"]
            status, account = api(
                url,
                "POST",
                COMPLETE,
                key,
                {
                    "identifier": acct["handle"],
                    "appPassword": acct["app_password"],
                    "pdsUrl": proxy.url,
                },
            )
            assert status == 201, account
            when = (datetime.now(UTC) + timedelta(seconds=3)).isoformat()
            status, batch = api(
                url,
                "POST",
                "/v1/posts",
                key,
                {
                    "targets": [{"accountId": account["id"]}],
                    "text": texts[0],
                    "thread": [{"text": t} for t in texts[1:]],
                    "scheduledAt": when,
                },
            )
            assert status == 202, batch
            post_id = batch["results"][0]["postId"]
            # Item thread[1] ("three of five") is applied by the PDS; its answer never returns.
            assert proxy.landed.wait(30), "the third createRecord never reached the PDS"
            first.kill()
        proxy.release.set()
        keys = [record_key(post_id)] + [record_key(f"{post_id}.{n}") for n in (1, 2)]
        assert [r["uri"].rsplit("/", 1)[1] for r in pds.records(acct["did"])] == keys

        with serving(env, name="second") as second:

            def settled() -> dict[str, Any] | None:
                _, post = api(second.extra["url"], "GET", f"/v1/posts/{post_id}", key)
                return post if post.get("status") == "published" else None

            post = wait_for(
                settled, timeout=30, interval=0.2, what="the resumed thread"
            )
    records = pds.records(acct["did"])
    assert [
        r["value"]["text"] for r in records
    ] == texts  # one record per item, in order
    assert [r["uri"].rsplit("/", 1)[1] for r in records] == [record_key(post_id)] + [
        record_key(f"{post_id}.{n}") for n in range(1, 5)
    ]
    assert post["thread"]["published"] == 5  # the first post and 4 items
    assert [a["outcome"] for a in post["attempts"]] == ["unknown", "published"]
    for parent, child in pairwise(records):
        assert child["value"]["reply"]["parent"] == ref(parent)

"""Mastodon end to end against `mastodon-mock` (a fake of the Mastodon API) over loopback HTTP.

No real Mastodon server can be installed here (none is packaged for Debian, PyPI or npm), so this proves
our HTTP shapes against a stateful fake: app registration, the OAuth code flow with a real
browser-style round trip, media upload, statuses with visibility, spoiler, language, replies and a
first comment; every request we send and every answer we used is checked against the Mastodon
OpenAPI description, and every status carries the Idempotency-Key derived from its target id.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile

from letmepost.errors import PlatformRejected
from letmepost.ids import uuid7
from platforms.base import Draft, ReplyTo
from platforms.mastodon.adapter import MastodonAdapter, idempotency_key
from platforms.models import PlatformAccount
from posts.dispatch import draft_for
from posts.models import PostTarget
from posts.thread_dispatch import item_draft
from tests.conftest import Persona, post_json
from tests.e2e.upstreams import RecordingMastodon
from tests.platforms.bluesky.conftest import png
from tests.platforms.mastodon.openapi import request_errors, response_errors

pytestmark = [pytest.mark.e2e]

RETURN_TO = "https://app.example.com/accounts"
MEDIA_FIELDS = {"file", "description", "focus", "thumbnail"}


def known_fake_deviations(body: Any) -> Any:
    """mastodon-mock 0.6.1 leaves out PreviewCard.authors (required since Mastodon 4.3)."""
    if isinstance(body, dict) and isinstance(body.get("card"), dict):
        body["card"].setdefault("authors", [])
    return body


@pytest.fixture
def mastodon(settings):
    settings.ALLOW_PRIVATE_URLS = True  # the fake is on loopback, over http://
    settings.TRUSTED_ORIGINS = [settings.PUBLIC_URL, "https://app.example.com"]
    with RecordingMastodon() as fake:
        yield fake


def connect(persona: Persona, fake: RecordingMastodon, username: str) -> dict[str, Any]:
    """Connect through our API, clicking through the instance's authorize page like a browser."""
    response = post_json(
        persona.client,
        "/v1/accounts/connect/mastodon",
        {"instanceUrl": fake.url, "returnTo": RETURN_TO},
    )
    assert response.status_code == 200, response.json()
    descriptor = response.json()["descriptor"]
    browser = requests.Session()
    page = browser.get(descriptor["authorizationUrl"], timeout=10)
    assert page.status_code == 200 and descriptor["state"] in page.text
    form = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text)
    )
    answer = browser.post(
        f"{fake.url}/oauth/authorize",
        data={**form, "username": username},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert (
        f"{location.scheme}://{location.netloc}{location.path}"
        == descriptor["redirectUri"]
    )
    back = persona.client.get(f"{location.path}?{location.query}")
    assert back.status_code == 302
    assert back["Location"] == f"{RETURN_TO}?connected=mastodon&accounts=1"
    (account,) = persona.client.get("/v1/accounts").json()["data"]
    return account


def upload(persona: Persona, content: bytes, name: str) -> str:
    response = persona.client.post(
        "/v1/media",
        {"file": SimpleUploadedFile(name, content, content_type="image/png")},
    )
    assert response.status_code in (200, 201), response.json()
    return response.json()["id"]


def publish(persona: Persona, body: dict[str, Any]) -> dict[str, Any]:
    response = post_json(
        persona.client, "/v1/posts", body, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    assert result["status"] == "published", result
    return result


def test_connect_publish_thread_and_read_back_from_the_fake(
    owner: Persona, mastodon: RecordingMastodon
) -> None:
    user = requests.post(
        f"{mastodon.url}/api/v1/_mock/dev_user",
        json={"username": "lmp_e2e"},
        timeout=10,
    ).json()
    token = {"Authorization": f"Bearer {user['access_token']}"}
    account = connect(owner, mastodon, "lmp_e2e")
    host = urlsplit(mastodon.url).netloc
    assert account["displayName"] == f"@lmp_e2e@{host}"
    stored = PlatformAccount.objects.get(pk=account["id"])
    assert stored.metadata["limits"]["max_characters"] == 500

    media = [upload(owner, png(64, 48), "a.png"), upload(owner, png(30, 40), "b.png")]
    main = publish(
        owner,
        {
            "targets": [
                {
                    "accountId": account["id"],
                    "options": {
                        "platform": "mastodon",
                        "visibility": "unlisted",
                        "spoilerText": "launch",
                        "language": "en",
                    },
                }
            ],
            "text": "Launch notes at https://example.com/notes #release",
            "media": [
                {"kind": "image", "mediaId": media[0], "altText": "a blue chart"},
                {"kind": "image", "mediaId": media[1], "altText": "a tall box"},
            ],
            "firstComment": {"text": "details in the thread"},
        },
    )
    reply = publish(
        owner,
        {
            "targets": [
                {
                    "accountId": account["id"],
                    "options": {"platform": "mastodon", "inReplyToId": main["cid"]},
                }
            ],
            "text": "and a reply",
        },
    )

    def status(status_id: str) -> dict[str, Any]:
        answer = requests.get(
            f"{mastodon.url}/api/v1/statuses/{status_id}", headers=token, timeout=10
        )
        assert answer.status_code == 200
        return answer.json()

    posted = status(main["cid"])
    assert "Launch notes" in posted["content"] and main["uri"] == posted["url"]
    assert (posted["visibility"], posted["spoiler_text"], posted["language"]) == (
        "unlisted",
        "launch",
        "en",
    )
    assert [m["description"] for m in posted["media_attachments"]] == [
        "a blue chart",
        "a tall box",
    ]
    first_comment = status(main["firstCommentCid"])
    assert first_comment["in_reply_to_id"] == main["cid"]
    assert first_comment["visibility"] == "unlisted"
    assert status(reply["cid"])["in_reply_to_id"] == main["cid"]

    # Every status carried the key derived from its target id.
    keys = [
        e.headers.get("idempotency-key")
        for e in mastodon.sent("POST", "/api/v1/statuses")
    ]
    assert keys == [
        idempotency_key(main["postId"]),
        idempotency_key(f"{main['postId']}.1"),  # the first comment: the post's item 1
        idempotency_key(reply["postId"]),
    ]

    # Publishing the same target again returns the status the key already made.
    def statuses() -> list[str]:
        answer = requests.get(
            f"{mastodon.url}/api/v1/accounts/{stored.metadata['accountId']}/statuses",
            headers=token,
            timeout=10,
        )
        return [s["id"] for s in answer.json()]

    before = statuses()
    adapter = MastodonAdapter(stored)
    target = PostTarget.objects.get(pk=main["postId"])
    again = adapter.publish(draft_for(target, attempt=2))
    assert again.cid == main["cid"]
    comment = adapter.reconcile_reply(
        item_draft(target, target.replies.get(), attempt=2), ReplyTo(again, again)
    )
    assert comment is not None and comment.cid == main["firstCommentCid"]
    assert statuses() == before
    found = adapter.reconcile(
        draft_for(PostTarget.objects.get(pk=reply["postId"]), attempt=2)
    )
    assert found is not None and found.cid == reply["cid"]

    # The instance's own refusal comes back untouched.
    with pytest.raises(PlatformRejected) as caught:
        adapter.publish(Draft(text="x" * 501, idempotency_token=str(uuid7())))
    assert caught.value.fields["platform_response"] == {
        "error": "Validation failed: Text is too long (maximum is 500 characters)"
    }

    check_against_openapi(mastodon)


def check_against_openapi(fake: RecordingMastodon) -> None:
    """Every request we sent, and every answer we relied on, per the Mastodon OpenAPI file."""
    checked = 0
    for exchange in fake.exchanges:
        path = re.sub(r"^/api/v1/media/\w+$", "/api/v1/media/{id}", exchange.path)
        if exchange.method == "POST" and path in ("/api/v1/apps", "/api/v1/statuses"):
            assert request_errors("POST", path, json_of(exchange.body)) == [], exchange
        elif exchange.method == "POST" and path == "/oauth/token":
            form = {k: v[0] for k, v in parse_qs(exchange.body.decode()).items()}
            assert request_errors("POST", path, form) == [], form
            assert {"code_verifier", "client_secret"} <= set(form)
        elif exchange.method == "POST" and path == "/api/v2/media":
            fields = set(re.findall(rb'name="(\w+)"', exchange.body))
            assert {f.decode() for f in fields} <= MEDIA_FIELDS and b"file" in fields
        else:
            continue
        checked += 1
        ours = exchange.headers.get("user-agent", "")
        assert ours.startswith("letmepost/"), ours
    assert checked >= 8
    used = {
        ("GET", "/api/v2/instance"),
        ("POST", "/api/v1/apps"),
        ("POST", "/oauth/token"),
        ("GET", "/api/v1/accounts/verify_credentials"),
        ("POST", "/api/v2/media"),
        ("POST", "/api/v1/statuses"),
    }
    for exchange in fake.exchanges:
        if (exchange.method, exchange.path) in used and exchange.status < 300:
            body = known_fake_deviations(exchange.json())
            errors = response_errors(
                exchange.method, exchange.path, exchange.status, body
            )
            assert errors == [], (exchange.path, errors)


def json_of(body: bytes) -> Any:
    import json

    return json.loads(body)

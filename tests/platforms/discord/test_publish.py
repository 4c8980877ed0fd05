"""Publishing Discord messages through the real publish path; only Discord's HTTP API is faked."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from letmepost.errors import (
    PlatformAuthFailed,
    PlatformRateLimited,
    PublishOutcomeUnknown,
)
from platforms.base import Draft, MediaItem, PublishResult, ReplyTo
from platforms.discord.adapter import DiscordAdapter, nonce
from platforms.models import PlatformAccount
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.bluesky.conftest import png
from tests.platforms.discord.conftest import (
    API,
    CHANNEL_ID,
    GUILD_ID,
    HOOK_ID,
    HOOK_TOKEN,
    MESSAGES_PATH,
    WEBHOOK_PATH,
    answer,
    connect,
    message_body,
    payload,
)
from tests.platforms.multipart import parts

IMAGE = "https://cdn.example.com/launch.png"
HOOK_AT = f"/webhooks/{HOOK_ID}/{HOOK_TOKEN}"
MESSAGE_ID = payload("message")["id"]


def create(persona: Persona, account: PlatformAccount, **body):
    target: dict[str, Any] = {"accountId": str(account.pk)}
    if options := body.pop("options", None):
        target["options"] = {"platform": "discord", **options}
    return post_json(
        persona.client,
        "/v1/posts",
        {"targets": [target], "text": "Release notes are up", **body},
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


def draft(text: str = "Release notes are up", **fields) -> Draft:
    return Draft(text=text, idempotency_token=str(uuid.uuid4()), **fields)


def test_a_webhook_message_is_published_now_without_pinging_anyone(
    owner: Persona, upstream
) -> None:
    account = connect(owner)
    answer(upstream, "POST", WEBHOOK_PATH, payload("message"), at=HOOK_AT)
    response = create(owner, account, options={"username": "Changelog"})
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    assert result["status"] == "published"
    assert (
        result["uri"]
        == f"https://discord.com/channels/{GUILD_ID}/{CHANNEL_ID}/{MESSAGE_ID}"
    )
    (call,) = upstream.calls
    assert call.request.url == f"{API}{HOOK_AT}?wait=true"
    assert message_body(call, WEBHOOK_PATH) == {
        "content": "Release notes are up",
        "allowed_mentions": {"parse": []},
        "username": "Changelog",
    }
    assert PostTarget.objects.get().platform_cid == MESSAGE_ID


def test_a_bot_message_carries_its_nonce_and_the_files(
    owner: Persona, upstream
) -> None:
    account = connect(owner, mode="bot")
    image = png()
    upstream.get(
        IMAGE, body=image, content_type="image/png"
    )  # the deep preflight's probe
    upstream.get(IMAGE, body=image, content_type="image/png")  # the download to attach
    answer(
        upstream,
        "POST",
        MESSAGES_PATH,
        payload("message"),
        at=f"/channels/{CHANNEL_ID}/messages",
    )
    response = create(
        owner,
        account,
        media=[{"kind": "image", "url": IMAGE, "altText": "The release chart"}],
        options={"embeds": [{"title": "v2.1", "description": "Faster uploads"}]},
    )
    assert response.status_code == 200, response.json()
    call = upstream.calls[-1]
    assert call.request.headers["Authorization"].startswith("Bot ")
    sent = message_body(call, MESSAGES_PATH)
    target = PostTarget.objects.get()
    assert sent == {
        "content": "Release notes are up",
        "allowed_mentions": {"parse": []},
        "embeds": [{"title": "v2.1", "description": "Faster uploads"}],
        "attachments": [{"id": "0", "description": "The release chart"}],
        "nonce": nonce(str(target.pk)),  # the target's: the same on every attempt
        "enforce_nonce": True,
    }
    files = parts(call.request)
    assert (
        files["files[0]"].data == image
        and files["files[0]"].content_type == "image/png"
    )


def test_the_nonce_is_the_same_on_every_attempt_of_a_target() -> None:
    assert nonce("tgt_1") == nonce("tgt_1") != nonce("tgt_2")
    assert len(nonce("tgt_1")) == 25


def test_too_long_content_is_refused_before_sending(owner: Persona) -> None:
    account = connect(owner)
    response = create(owner, account, text="a" * 2001)
    assert response.status_code == 400
    rules = [v["rule"] for v in response.json()["error"]["violations"]]
    assert rules == ["discord.text.max_chars"]


def test_a_rate_limit_carries_discords_retry_after(owner: Persona, upstream) -> None:
    adapter = DiscordAdapter(connect(owner))
    answer(
        upstream,
        "POST",
        WEBHOOK_PATH,
        payload("rate_limited"),
        429,
        at=HOOK_AT,
        headers={"Retry-After": "2"},
    )
    with pytest.raises(PlatformRateLimited) as raised:
        adapter.publish(draft())
    assert raised.value.retry_after == 2  # 1.337 s, rounded up
    assert HOOK_TOKEN not in raised.value.message


def test_a_deleted_webhook_flags_the_account_for_reconnecting(
    owner: Persona, upstream
) -> None:
    account = connect(owner)
    answer(
        upstream,
        "POST",
        WEBHOOK_PATH,
        payload("error_unknown_webhook"),
        404,
        at=HOOK_AT,
    )
    with pytest.raises(PlatformAuthFailed):
        DiscordAdapter(account).publish(draft())
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH


def test_a_missing_permission_does_not_flag_the_account(
    owner: Persona, upstream
) -> None:
    account = connect(owner, mode="bot")
    answer(
        upstream,
        "POST",
        MESSAGES_PATH,
        payload("error_missing_permissions"),
        403,
        at=f"/channels/{CHANNEL_ID}/messages",
    )
    with pytest.raises(PlatformAuthFailed):
        DiscordAdapter(account).publish(draft())
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.ACTIVE


def test_a_server_error_while_posting_is_an_unknown_outcome(
    owner: Persona, upstream
) -> None:
    upstream.post(f"{API}{HOOK_AT}", status=502, body="Bad Gateway")
    with pytest.raises(PublishOutcomeUnknown):
        DiscordAdapter(connect(owner)).publish(draft())


def test_reconcile_finds_the_bots_message_by_its_text(owner: Persona, upstream) -> None:
    adapter = DiscordAdapter(connect(owner, mode="bot"))
    other = payload("message", id="1199030000000000002", content="Something else")
    answer(
        upstream,
        "GET",
        MESSAGES_PATH,
        [other, payload("message")],
        at=f"/channels/{CHANNEL_ID}/messages",
    )
    found = adapter.reconcile(draft())
    assert found is not None and found.cid == MESSAGE_ID
    assert upstream.calls[0].request.url.endswith("?limit=50")


def test_reconcile_answers_none_when_the_bot_never_posted(
    owner: Persona, upstream
) -> None:
    adapter = DiscordAdapter(connect(owner, mode="bot"))
    answer(upstream, "GET", MESSAGES_PATH, [], at=f"/channels/{CHANNEL_ID}/messages")
    assert adapter.reconcile(draft()) is None


def test_a_reply_references_the_previous_message(owner: Persona, upstream) -> None:
    adapter = DiscordAdapter(connect(owner, mode="bot"))
    reply = payload("message", id="1199030000000000003", content="More details")
    answer(
        upstream, "POST", MESSAGES_PATH, reply, at=f"/channels/{CHANNEL_ID}/messages"
    )
    first = PublishResult(uri=None, cid=MESSAGE_ID)
    result = adapter.publish_reply(
        draft("More details"), ReplyTo(parent=first, root=first)
    )
    assert result.cid == "1199030000000000003"
    sent = message_body(upstream.calls[0], MESSAGES_PATH)
    assert sent["message_reference"] == {
        "message_id": MESSAGE_ID,
        "fail_if_not_exists": False,
    }


def test_an_upload_is_attached_from_storage(owner: Persona, upstream) -> None:
    from tests.platforms.test_attachments import stored_video

    media = stored_video(owner, b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32)
    answer(upstream, "POST", WEBHOOK_PATH, payload("message"), at=HOOK_AT)
    item = MediaItem(kind="video", media_id=str(media.pk), content_type="video/mp4")
    DiscordAdapter(connect(owner)).publish(draft(media=(item,)))
    files = parts(upstream.calls[0].request)
    assert files["files[0]"].data.startswith(b"\x00\x00\x00\x18ftypmp42")

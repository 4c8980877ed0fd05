"""Publishing to Telegram through the real publish path; only the Bot API is faked."""

from __future__ import annotations

import uuid

import pytest

from letmepost.errors import (
    PlatformAuthFailed,
    PlatformRateLimited,
    PlatformRejected,
    PublishOutcomeUnknown,
)
from platforms.base import (
    Draft,
    MediaItem,
    PublishResult,
    ReconcileUnsupported,
    ReplyTo,
)
from platforms.models import PlatformAccount
from platforms.telegram.adapter import TelegramAdapter
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.bluesky.conftest import png
from tests.platforms.telegram.conftest import API, CHAT_ID, TOKEN, answer, connect, sent

IMAGE = "https://cdn.example.com/launch.png"
VIDEO = "https://cdn.example.com/launch.mp4"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def create(persona: Persona, account: PlatformAccount, **body):
    return post_json(
        persona.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": "Release notes are up",
            **body,
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


def draft(text: str = "Release notes are up", **fields) -> Draft:
    return Draft(text=text, idempotency_token=str(uuid.uuid4()), **fields)


def test_a_text_message_is_published_with_its_link(owner: Persona, upstream) -> None:
    account = connect(owner)
    answer(upstream, "sendMessage", "message")
    response = create(owner, account)
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    assert result["status"] == "published"
    assert result["uri"] == "https://t.me/releasenotes/42"
    assert sent(upstream.calls[0], "sendMessage") == {
        "chat_id": CHAT_ID,
        "text": "Release notes are up",
    }
    assert PostTarget.objects.get().platform_cid == "42"


def test_one_photo_by_url_is_sent_with_its_caption(owner: Persona, upstream) -> None:
    account = connect(owner)
    upstream.get(
        IMAGE, body=png(), content_type="image/png"
    )  # the deep preflight's probe
    answer(upstream, "sendPhoto", "photo_message")
    response = create(owner, account, media=[{"kind": "image", "url": IMAGE}])
    assert response.status_code == 200, response.json()
    assert sent(upstream.calls[-1], "sendPhoto") == {
        "chat_id": CHAT_ID,
        "photo": IMAGE,
        "caption": "Release notes are up",
    }


def test_an_album_uploads_stored_files_as_attach_parts(
    owner: Persona, upstream
) -> None:
    from tests.platforms.test_attachments import stored_video

    clip = stored_video(owner, MP4)
    answer(upstream, "sendMediaGroup", "media_group")
    result = TelegramAdapter(connect(owner)).publish(
        draft(
            media=(
                MediaItem(kind="image", url=IMAGE),
                MediaItem(
                    kind="video", media_id=str(clip.pk), content_type="video/mp4"
                ),
            )
        )
    )
    assert result == PublishResult(uri="https://t.me/releasenotes/44", cid="44")
    params = sent(upstream.calls[0], "sendMediaGroup")
    assert params["media"] == [
        {"type": "photo", "media": IMAGE, "caption": "Release notes are up"},
        {"type": "video", "media": "attach://file1"},
    ]
    from tests.platforms.multipart import parts

    assert parts(upstream.calls[0].request)["file1"].data == MP4


def test_a_caption_over_1024_is_refused_before_sending(owner: Persona) -> None:
    response = create(
        owner, connect(owner), text="😀" * 513, media=[{"kind": "image", "url": IMAGE}]
    )
    assert response.status_code == 400
    rules = [v["rule"] for v in response.json()["error"]["violations"]]
    assert rules == ["telegram.caption.max_chars"]


def test_a_reply_names_the_previous_message(owner: Persona, upstream) -> None:
    answer(upstream, "sendMessage", "message")
    first = PublishResult(uri=None, cid="41")
    TelegramAdapter(connect(owner)).publish_reply(draft("More"), ReplyTo(first, first))
    assert sent(upstream.calls[0], "sendMessage")["reply_parameters"] == {
        "message_id": 41,
        "allow_sending_without_reply": True,
    }


def test_a_rate_limit_carries_telegrams_retry_after(owner: Persona, upstream) -> None:
    answer(upstream, "sendMessage", "error_too_many")
    with pytest.raises(PlatformRateLimited) as raised:
        TelegramAdapter(connect(owner)).publish(draft())
    assert raised.value.retry_after == 17
    assert TOKEN not in raised.value.message


def test_a_kicked_bot_flags_the_account(owner: Persona, upstream) -> None:
    account = connect(owner)
    answer(upstream, "sendMessage", "error_kicked")
    with pytest.raises(PlatformAuthFailed):
        TelegramAdapter(account).publish(draft())
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH


def test_a_bad_request_is_a_rejection_with_telegrams_words(
    owner: Persona, upstream
) -> None:
    answer(upstream, "sendMessage", "error_chat_not_found")
    with pytest.raises(PlatformRejected) as raised:
        TelegramAdapter(connect(owner)).publish(draft())
    assert "chat not found" in raised.value.message


def test_a_server_error_while_sending_is_an_unknown_outcome_without_the_token(
    owner: Persona, upstream
) -> None:
    upstream.post(f"{API}/sendMessage", status=502, body="Bad Gateway")
    with pytest.raises(PublishOutcomeUnknown) as raised:
        TelegramAdapter(connect(owner)).publish(draft())
    assert TOKEN not in str(raised.value.fields) + raised.value.message


def test_reconcile_cannot_tell(owner: Persona) -> None:
    with pytest.raises(ReconcileUnsupported):
        TelegramAdapter(connect(owner)).reconcile(draft())


def test_a_thread_goes_out_as_a_chain_of_replies(owner: Persona, upstream) -> None:
    from tests.platforms.telegram.conftest import answer_errors, payload

    for message_id in (42, 43, 44):
        body = payload("message")
        body["result"]["message_id"] = message_id
        assert answer_errors("sendMessage", body) == []
        upstream.post(f"{API}/sendMessage", json=body)
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(connect(owner).pk)}],
            "text": "Release notes are up",
            "thread": [{"text": "Uploads are faster"}, {"text": "Docs are new"}],
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    assert result["thread"]["published"] == 3  # the first post and 2 replies
    replies = [sent(c, "sendMessage").get("reply_parameters") for c in upstream.calls]
    assert [r and r["message_id"] for r in replies] == [None, 42, 43]

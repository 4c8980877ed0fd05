"""Publishing to Slack through the real publish path; only Slack's HTTP API is faked."""

from __future__ import annotations

import json
import uuid
from typing import Any

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
from platforms.slack.adapter import SlackAdapter
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.bluesky.conftest import png
from tests.platforms.slack.conftest import (
    API,
    CHANNEL,
    TOKEN,
    answer,
    checked_form,
    connect,
    payload,
)

IMAGE = "https://cdn.example.com/launch.png"
TS = payload("post_message")["ts"]


def create(persona: Persona, account: PlatformAccount, **body):
    target: dict[str, Any] = {"accountId": str(account.pk)}
    if options := body.pop("options", None):
        target["options"] = {"platform": "slack", **options}
    return post_json(
        persona.client,
        "/v1/posts",
        {"targets": [target], "text": "Release notes are up", **body},
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


def draft(text: str = "Release notes are up", **fields) -> Draft:
    fields.setdefault("options", {"channel": CHANNEL})
    return Draft(text=text, idempotency_token=str(uuid.uuid4()), **fields)


def test_a_message_is_posted_to_the_chosen_channel(owner: Persona, upstream) -> None:
    account = connect(owner)
    answer(upstream, "chat.postMessage", payload("post_message"))
    response = create(
        owner,
        account,
        options={
            "channel": CHANNEL,
            "unfurlLinks": False,
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": "*v2.1*"}}
            ],
        },
    )
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    assert result["status"] == "published"
    assert (
        result["uri"]
        == "https://softball.slack.com/archives/C1H9RESGL/p1503435956000247"
    )
    (call,) = upstream.calls
    assert call.request.headers["Authorization"] == f"Bearer {TOKEN}"
    form = checked_form(call, "chat.postMessage")
    assert form["channel"] == CHANNEL and form["text"] == "Release notes are up"
    assert form["unfurl_links"] == "false"
    assert json.loads(form["blocks"])[0]["type"] == "section"
    assert PostTarget.objects.get().platform_cid == TS


def test_the_install_channel_is_the_default(owner: Persona, upstream) -> None:
    account = connect(owner, defaultChannel="C0RELEASES")
    answer(upstream, "chat.postMessage", payload("post_message", channel="C0RELEASES"))
    assert create(owner, account).status_code == 200
    assert (
        checked_form(upstream.calls[0], "chat.postMessage")["channel"] == "C0RELEASES"
    )


def test_a_post_without_a_channel_is_refused_before_sending(owner: Persona) -> None:
    response = create(owner, connect(owner))
    assert response.status_code == 400
    rules = [v["rule"] for v in response.json()["error"]["violations"]]
    assert rules == ["slack.channel.required"]


def test_media_go_through_the_external_upload(owner: Persona, upstream) -> None:
    account = connect(owner)
    image = png()
    upstream.get(
        IMAGE, body=image, content_type="image/png"
    )  # the deep preflight's probe
    upstream.get(IMAGE, body=image, content_type="image/png")  # the download to upload
    slot = payload("upload_url")
    answer(upstream, "files.getUploadURLExternal", slot)
    upstream.post(slot["upload_url"], body=f"OK - {len(image)}")
    answer(upstream, "files.completeUploadExternal", payload("complete_upload"))
    response = create(
        owner,
        account,
        media=[{"kind": "image", "url": IMAGE, "altText": "The release chart"}],
        options={"channel": CHANNEL},
    )
    assert response.status_code == 200, response.json()
    assert (
        response.json()["results"][0]["uri"]
        == "https://softball.slack.com/archives/C1H9RESGL"
    )
    reserve, upload, complete = upstream.calls[-3:]
    reserved = checked_form(reserve, "files.getUploadURLExternal")
    assert reserved.pop("filename").endswith(".png")
    assert reserved == {"length": str(len(image)), "alt_txt": "The release chart"}
    assert upload.request.body == image
    assert "Authorization" not in upload.request.headers  # the URL is the credential
    shared = checked_form(complete, "files.completeUploadExternal")
    assert json.loads(shared["files"])[0]["id"] == slot["file_id"]
    assert shared["channel_id"] == CHANNEL
    assert shared["initial_comment"] == "Release notes are up"
    assert PostTarget.objects.get().platform_cid == slot["file_id"]


def test_a_reply_goes_into_the_first_messages_thread(owner: Persona, upstream) -> None:
    adapter = SlackAdapter(connect(owner))
    answer(
        upstream, "chat.postMessage", payload("post_message", ts="1503435999.000100")
    )
    root = PublishResult(uri=None, cid=TS)
    parent = PublishResult(uri=None, cid="1503435960.000001")
    result = adapter.publish_reply(draft("More"), ReplyTo(parent=parent, root=root))
    assert result.cid == "1503435999.000100"
    assert checked_form(upstream.calls[0], "chat.postMessage")["thread_ts"] == TS


def test_slack_refusals_in_a_200_are_rejections(owner: Persona, upstream) -> None:
    answer(upstream, "chat.postMessage", payload("error_not_in_channel"))
    with pytest.raises(PlatformRejected) as raised:
        SlackAdapter(connect(owner)).publish(draft())
    assert type(raised.value) is PlatformRejected
    assert "not_in_channel" in raised.value.message
    assert raised.value.fields["platform_response"] == payload("error_not_in_channel")


def test_a_revoked_token_flags_the_account(owner: Persona, upstream) -> None:
    account = connect(owner)
    answer(upstream, "chat.postMessage", payload("error_invalid_auth"))
    with pytest.raises(PlatformAuthFailed):
        SlackAdapter(account).publish(draft())
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH


def test_a_rate_limit_carries_retry_after(owner: Persona, upstream) -> None:
    answer(
        upstream,
        "chat.postMessage",
        payload("error_ratelimited"),
        429,
        headers={"Retry-After": "30"},
    )
    with pytest.raises(PlatformRateLimited) as raised:
        SlackAdapter(connect(owner)).publish(draft())
    assert raised.value.retry_after == 30


def test_a_server_error_while_posting_is_an_unknown_outcome(
    owner: Persona, upstream
) -> None:
    upstream.post(f"{API}/chat.postMessage", status=503, body="upstream connect error")
    with pytest.raises(PublishOutcomeUnknown):
        SlackAdapter(connect(owner)).publish(draft())


def test_reconcile_cannot_tell(owner: Persona) -> None:
    with pytest.raises(ReconcileUnsupported):
        SlackAdapter(connect(owner)).reconcile(draft())


def test_a_stored_upload_is_sent_from_storage(owner: Persona, upstream) -> None:
    from tests.platforms.test_attachments import stored_video

    media = stored_video(owner, b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32)
    slot = payload("upload_url")
    answer(upstream, "files.getUploadURLExternal", slot)
    upstream.post(slot["upload_url"], body="OK - 48")
    answer(upstream, "files.completeUploadExternal", payload("complete_upload"))
    item = MediaItem(kind="video", media_id=str(media.pk), content_type="video/mp4")
    SlackAdapter(connect(owner)).publish(draft("", media=(item,)))
    assert upstream.calls[1].request.body.startswith(b"\x00\x00\x00\x18ftypmp42")
    assert "initial_comment" not in checked_form(
        upstream.calls[2], "files.completeUploadExternal"
    )

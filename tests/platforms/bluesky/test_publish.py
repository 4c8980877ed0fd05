"""Publishing to Bluesky at the HTTP boundary: records, facets, media, replies, errors, sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from letmepost.errors import (
    PlatformAuthFailed,
    PlatformRateLimited,
    PlatformRejected,
    PlatformUnavailable,
    PreflightFailed,
    PublishOutcomeUnknown,
    ValidationFailed,
)
from letmepost.ids import uuid7
from platforms.base import Draft, MediaItem, PublishResult, ReplyTo
from platforms.bluesky.adapter import BlueskyAdapter, record_key
from platforms.models import PlatformAccount
from tests.platforms.bluesky.conftest import (
    DID,
    POST_CID,
    blob,
    connect_bluesky,
    jwt,
    png,
    sent_json,
    session_body,
    xrpc,
)
from tests.platforms.bluesky.lexicon import errors_in_input, errors_in_record

CREATE = xrpc("com.atproto.repo.createRecord")
GET = xrpc("com.atproto.repo.getRecord")
UPLOAD = xrpc("com.atproto.repo.uploadBlob")
RESOLVE = xrpc("com.atproto.identity.resolveHandle")


def draft(text: str = "hello", **kwargs) -> Draft:
    return Draft(text=text, idempotency_token=str(uuid7()), **kwargs)


def created(rkey: str, cid: str = POST_CID) -> dict:
    return {
        "uri": f"at://{DID}/app.bsky.feed.post/{rkey}",
        "cid": cid,
        "commit": {"cid": "bafyreicommit", "rev": "3l3qo2vutsw2b"},
        "validationStatus": "valid",
    }


def record_at(rkey: str, value: dict, cid: str = POST_CID) -> dict:
    return {"uri": f"at://{DID}/app.bsky.feed.post/{rkey}", "cid": cid, "value": value}


def checked_record(call) -> dict:
    """The createRecord input, checked against the official lexicons."""
    body = sent_json(call)
    assert errors_in_input("com.atproto.repo.createRecord", body) == []
    assert errors_in_record(body["record"]) == [], errors_in_record(body["record"])
    return body


def test_text_with_facets_and_two_images_becomes_one_record_at_our_key(
    account: PlatformAccount, upstream
) -> None:
    post = draft(
        "Launch ✨ notes at example.com/notes with @bob.test #release",
        media=(
            MediaItem(
                kind="image",
                url="https://cdn.example.com/a.png",
                alt_text="chart",
                width=800,
                height=600,
            ),
            MediaItem(kind="image", url="https://cdn.example.com/b.png"),
        ),
        options={"platform": "bluesky", "langs": ["en"]},
    )
    rkey = record_key(post.idempotency_token)
    upstream.get(RESOLVE, json={"did": "did:plc:bob"})
    upstream.get("https://cdn.example.com/a.png", body=png(), content_type="image/png")
    upstream.get(
        "https://cdn.example.com/b.png", body=png(4, 4), content_type="image/png"
    )
    upstream.post(UPLOAD, json={"blob": blob(len(png()))})
    upstream.post(UPLOAD, json={"blob": blob(len(png(4, 4)), cid="bafkreisecond")})
    upstream.post(CREATE, json=created(rkey))

    result = BlueskyAdapter(account).publish(post)

    assert (result.uri, result.cid) == (
        f"at://{DID}/app.bsky.feed.post/{rkey}",
        POST_CID,
    )
    assert result.warnings == ()
    uploads = [c for c in upstream.calls if c.request.url == UPLOAD]
    assert [c.request.body for c in uploads] == [png(), png(4, 4)]
    assert uploads[0].request.headers["Content-Type"] == "image/png"
    assert (
        uploads[0].request.headers["Authorization"]
        == f"Bearer {account.credentials['accessJwt']}"
    )
    body = checked_record(upstream.calls[-1])
    assert (body["repo"], body["collection"], body["rkey"]) == (
        DID,
        "app.bsky.feed.post",
        rkey,
    )
    record = body["record"]
    assert record["text"] == post.text and record["langs"] == ["en"]
    text = post.text.encode()
    spans = {
        f["features"][0]["$type"].rsplit("#")[1]: text[
            f["index"]["byteStart"] : f["index"]["byteEnd"]
        ].decode()
        for f in record["facets"]
    }
    assert spans == {
        "link": "example.com/notes",
        "mention": "@bob.test",
        "tag": "#release",
    }
    assert record["embed"] == {
        "$type": "app.bsky.embed.images",
        "images": [
            {
                "image": blob(len(png())),
                "alt": "chart",
                "aspectRatio": {"width": 800, "height": 600},
            },
            {"image": blob(len(png(4, 4)), cid="bafkreisecond"), "alt": ""},
        ],
    }


def test_replies_carry_parent_and_root_and_the_root_defaults_to_the_parent(
    account: PlatformAccount, upstream
) -> None:
    parent = {
        "uri": f"at://{DID}/app.bsky.feed.post/3kparent22222",
        "cid": "bafyparent",
    }
    root = {"uri": f"at://{DID}/app.bsky.feed.post/3kroot2222222", "cid": "bafyroot"}
    upstream.post(CREATE, json=created("x"))
    upstream.post(CREATE, json=created("y"))
    adapter = BlueskyAdapter(account)
    adapter.publish(
        draft(options={"replyToUri": parent["uri"], "replyToCid": parent["cid"]})
    )
    adapter.publish(
        draft(
            options={
                "reply_to_uri": parent["uri"],
                "reply_to_cid": parent["cid"],
                "reply_root_uri": root["uri"],
                "reply_root_cid": root["cid"],
            }
        )
    )
    first, second = (checked_record(c)["record"]["reply"] for c in upstream.calls)
    assert first == {"root": parent, "parent": parent}
    assert second == {"root": root, "parent": parent}


def test_a_reply_needs_both_uri_and_cid(account: PlatformAccount) -> None:
    with pytest.raises(ValidationFailed) as caught:
        BlueskyAdapter(account).publish(
            draft(options={"reply_to_uri": "at://did:plc:x/app.bsky.feed.post/1"})
        )
    assert caught.value.rule == "options.replyToUri"


def test_quotes_embed_the_record_alone_or_with_media(
    account: PlatformAccount, upstream
) -> None:
    quoted = {
        "uri": f"at://{DID}/app.bsky.feed.post/3kquoted22222",
        "cid": "bafyquoted",
    }
    upstream.post(CREATE, json=created("x"))
    upstream.get("https://cdn.example.com/a.png", body=png(), content_type="image/png")
    upstream.post(UPLOAD, json={"blob": blob()})
    upstream.post(CREATE, json=created("y"))
    adapter = BlueskyAdapter(account)
    options = {"quote_uri": quoted["uri"], "quote_cid": quoted["cid"]}
    adapter.publish(draft(options=options))
    adapter.publish(
        draft(
            options=options,
            media=(
                MediaItem(
                    kind="image", url="https://cdn.example.com/a.png", alt_text="a"
                ),
            ),
        )
    )
    first = checked_record(upstream.calls[0])["record"]["embed"]
    second = checked_record(upstream.calls[-1])["record"]["embed"]
    assert first == {"$type": "app.bsky.embed.record", "record": quoted}
    assert second["$type"] == "app.bsky.embed.recordWithMedia"
    assert second["record"] == {"$type": "app.bsky.embed.record", "record": quoted}
    assert second["media"]["$type"] == "app.bsky.embed.images"


def test_a_thread_item_replies_to_root_and_parent_at_its_own_key(
    account: PlatformAccount, upstream
) -> None:
    target = str(uuid7())
    item = Draft(text="part two", idempotency_token=f"{target}.2")
    root = PublishResult(uri=f"at://{DID}/app.bsky.feed.post/root", cid="bafyroot")
    parent = PublishResult(uri=f"at://{DID}/app.bsky.feed.post/one", cid="bafyone")
    rkey = record_key(item.idempotency_token)
    upstream.post(CREATE, json=created(rkey, cid="bafytwo"))
    result = BlueskyAdapter(account).publish_reply(item, ReplyTo(parent, root))
    body = checked_record(upstream.calls[0])
    assert body["rkey"] == rkey != record_key(target)
    assert body["record"]["reply"] == {
        "root": {"uri": root.uri, "cid": root.cid},
        "parent": {"uri": parent.uri, "cid": parent.cid},
    }
    assert (result.uri, result.cid) == (
        f"at://{DID}/app.bsky.feed.post/{rkey}",
        "bafytwo",
    )


def test_a_reply_whose_answer_was_lost_is_found_at_its_key(
    account: PlatformAccount, upstream
) -> None:
    item = Draft(text="part two", idempotency_token=f"{uuid7()}.2")
    root = PublishResult(uri=f"at://{DID}/app.bsky.feed.post/root", cid="bafyroot")
    rkey = record_key(item.idempotency_token)
    upstream.get(GET, json=record_at(rkey, {"text": "part two"}, cid="bafytwo"))
    found = BlueskyAdapter(account).reconcile_reply(item, ReplyTo(root, root))
    assert found is not None and (found.cid, found.first_comment_uri) == (
        "bafytwo",
        None,
    )
    assert upstream.calls[0].request.params["rkey"] == rkey


def test_unresolvable_mentions_are_plain_text_with_a_warning(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(
        RESOLVE,
        status=400,
        json={"error": "InvalidRequest", "message": "Unable to resolve handle"},
    )
    upstream.post(CREATE, json=created("x"))
    result = BlueskyAdapter(account).publish(draft("hi @ghost.bsky.social"))
    assert "facets" not in sent_json(upstream.calls[-1])["record"]
    assert result.warnings[0]["code"] == "mention_unresolved"


def test_a_repeated_create_at_the_same_key_returns_the_existing_post(
    account: PlatformAccount, upstream
) -> None:
    """The reference PDS answers a second createRecord at a taken key with a 500."""
    post = draft("only once")
    rkey = record_key(post.idempotency_token)
    upstream.post(
        CREATE,
        status=500,
        json={"error": "InternalServerError", "message": "Internal Server Error"},
    )
    upstream.get(
        GET,
        json=record_at(
            rkey,
            {
                "$type": "app.bsky.feed.post",
                "text": "only once",
                "createdAt": "2026-11-28T10:00:00.000Z",
            },
        ),
    )
    result = BlueskyAdapter(account).publish(post)
    assert result.uri == f"at://{DID}/app.bsky.feed.post/{rkey}"
    assert upstream.calls[-1].request.params == {
        "repo": DID,
        "collection": "app.bsky.feed.post",
        "rkey": rkey,
    }


def test_a_5xx_with_nothing_at_the_key_is_retryable(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(CREATE, status=503, body="upstream connect error")
    upstream.get(
        GET,
        status=400,
        json={"error": "RecordNotFound", "message": "Could not locate record"},
    )
    with pytest.raises(PlatformUnavailable) as caught:
        BlueskyAdapter(account).publish(draft())
    assert (
        caught.value.retryable
        and caught.value.fields["platform_response"] == "upstream connect error"
    )


def test_a_different_post_at_our_key_is_refused(
    account: PlatformAccount, upstream
) -> None:
    post = draft("mine")
    upstream.post(CREATE, status=500, json={"error": "InternalServerError"})
    upstream.get(
        GET, json=record_at(record_key(post.idempotency_token), {"text": "theirs"})
    )
    with pytest.raises(PlatformRejected) as caught:
        BlueskyAdapter(account).publish(post)
    assert caught.value.rule == "bluesky.record_key.collision"


def test_a_read_timeout_after_sending_is_an_unknown_outcome(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(CREATE, body=requests.ReadTimeout("read timed out"))
    with pytest.raises(PublishOutcomeUnknown) as caught:
        BlueskyAdapter(account).publish(draft())
    assert caught.value.rule == "publish.outcome_unknown" and not caught.value.retryable


def test_a_refused_connection_is_platform_unavailable(
    account: PlatformAccount, upstream
) -> None:
    import urllib3

    refused = requests.ConnectionError(
        urllib3.exceptions.MaxRetryError(
            None, CREATE, urllib3.exceptions.NewConnectionError(None, "refused")
        )
    )
    upstream.post(CREATE, body=refused)
    with pytest.raises(PlatformUnavailable) as caught:
        BlueskyAdapter(account).publish(draft())
    assert type(caught.value) is PlatformUnavailable and caught.value.retryable


def test_a_lexicon_error_is_rejected_with_the_body_untouched(
    account: PlatformAccount, upstream
) -> None:
    refusal = {
        "error": "InvalidRequest",
        "message": "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes",
    }
    upstream.post(CREATE, status=400, json=refusal)
    with pytest.raises(PlatformRejected) as caught:
        BlueskyAdapter(account).publish(draft("x" * 301))
    assert caught.value.fields["platform_response"] == refusal
    assert caught.value.fields["platform_version"] == "atproto"


def test_429_carries_the_reset_as_retry_after(
    account: PlatformAccount, upstream
) -> None:
    reset = int(timezone.now().timestamp()) + 120
    upstream.post(
        CREATE,
        status=429,
        json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        headers={
            "ratelimit-limit": "5000",
            "ratelimit-remaining": "0",
            "ratelimit-reset": str(reset),
        },
    )
    with pytest.raises(PlatformRateLimited) as caught:
        BlueskyAdapter(account).publish(draft())
    assert 115 <= caught.value.retry_after <= 120


def test_reconcile_reads_the_record_at_our_key(
    account: PlatformAccount, upstream
) -> None:
    post = draft("landed")
    rkey = record_key(post.idempotency_token)
    upstream.get(GET, json=record_at(rkey, {"text": "landed"}))
    upstream.get(
        GET,
        status=400,
        json={"error": "RecordNotFound", "message": "Could not locate record"},
    )
    adapter = BlueskyAdapter(account)
    found = adapter.reconcile(post)
    assert found is not None and found.uri.endswith(rkey)
    assert adapter.reconcile(draft("never sent")) is None


def test_the_version_label_comes_from_the_registry(
    account: PlatformAccount, upstream
) -> None:
    from platforms.models import PlatformVersion

    PlatformVersion.objects.filter(platform="bluesky").update(label="atproto-2026-11")
    upstream.post(CREATE, status=400, json={"error": "InvalidRequest"})
    with pytest.raises(PlatformRejected) as caught:
        BlueskyAdapter(account).publish(draft())
    assert caught.value.fields["platform_version"] == "atproto-2026-11"


# --- sessions ---------------------------------------------------------------------------


def test_an_expiring_session_is_refreshed_before_publishing(owner, upstream) -> None:
    account = connect_bluesky(owner, expires_in=60)
    fresh = session_body()
    upstream.post(xrpc("com.atproto.server.refreshSession"), json=fresh)
    upstream.post(CREATE, json=created("x"))
    old_refresh = account.credentials["refreshJwt"]
    BlueskyAdapter(account).publish(draft())
    assert upstream.calls[0].request.headers["Authorization"] == f"Bearer {old_refresh}"
    assert (
        upstream.calls[1].request.headers["Authorization"]
        == f"Bearer {fresh['accessJwt']}"
    )
    account.refresh_from_db()
    assert account.credentials["accessJwt"] == fresh["accessJwt"]
    assert account.credentials["appPassword"] == "abcd-efgh-ijkl-mnop"
    assert account.token_expires_at > timezone.now() + timedelta(hours=1)


def test_an_expired_token_mid_publish_refreshes_once_and_retries(
    account, upstream
) -> None:
    fresh = session_body()
    upstream.post(
        CREATE,
        status=400,
        json={"error": "ExpiredToken", "message": "Token has expired"},
    )
    upstream.post(xrpc("com.atproto.server.refreshSession"), json=fresh)
    upstream.post(CREATE, json=created("x"))
    assert BlueskyAdapter(account).publish(draft()).uri


def test_a_dead_refresh_token_falls_back_to_the_app_password(owner, upstream) -> None:
    account = connect_bluesky(owner, expires_in=-10)
    upstream.post(
        xrpc("com.atproto.server.refreshSession"),
        status=400,
        json={"error": "ExpiredToken"},
    )
    upstream.post(xrpc("com.atproto.server.createSession"), json=session_body())
    upstream.post(CREATE, json=created("x"))
    BlueskyAdapter(account).publish(draft())
    assert sent_json(upstream.calls[1]) == {
        "identifier": DID,
        "password": "abcd-efgh-ijkl-mnop",
    }


def test_a_revoked_app_password_flags_the_account_and_emits_token_revoked(
    owner, upstream
) -> None:
    from webhooks.models import WebhookEvent

    account = connect_bluesky(owner, expires_in=-10)
    upstream.post(
        xrpc("com.atproto.server.refreshSession"),
        status=401,
        json={"error": "AuthenticationRequired"},
    )
    upstream.post(
        xrpc("com.atproto.server.createSession"),
        status=401,
        json={
            "error": "AuthenticationRequired",
            "message": "Invalid identifier or password",
        },
    )
    with pytest.raises(PlatformAuthFailed):
        BlueskyAdapter(account).publish(draft())
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH
    (event,) = WebhookEvent.objects.filter(type="token.revoked")
    data = event.envelope["data"]
    assert (data["accountId"], data["reason"]) == (
        str(account.pk),
        "app_password_deleted",
    )


def test_a_concurrent_refresh_is_adopted_not_repeated(owner, upstream) -> None:
    account = connect_bluesky(owner, expires_in=60)
    stale = BlueskyAdapter(account)
    # another worker refreshed the session meanwhile
    fresh = jwt()
    PlatformAccount.objects.filter(pk=account.pk).update(
        credentials={**account.credentials, "accessJwt": fresh}
    )
    upstream.post(CREATE, json=created("x"))
    stale.publish(draft())
    assert upstream.calls[0].request.headers["Authorization"] == f"Bearer {fresh}"


# --- video ------------------------------------------------------------------------------

VIDEO = "https://video.bsky.app"


def video_draft() -> Draft:
    return draft(
        "clip",
        media=(
            MediaItem(
                kind="video",
                url="https://cdn.example.com/v.mp4",
                alt_text="a clip",
                width=1280,
                height=720,
            ),
        ),
    )


def stub_video_start(upstream, *, can_upload: bool = True) -> None:
    upstream.get(
        "https://cdn.example.com/v.mp4",
        body=b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64,
        content_type="video/mp4",
    )
    upstream.get(
        xrpc("com.atproto.server.getServiceAuth"), json={"token": "limits-token"}
    )
    upstream.get(
        xrpc("app.bsky.video.getUploadLimits", VIDEO),
        json={
            "canUpload": can_upload,
            "remainingDailyVideos": 0 if not can_upload else 20,
            "remainingDailyBytes": 10**9,
            **({} if can_upload else {"message": "daily limit reached"}),
        },
    )


def test_video_goes_through_the_video_service_with_service_auth(
    account, upstream, settings
) -> None:
    settings.PLATFORM_POLL_INTERVAL_SECONDS = 0
    post = video_draft()
    stub_video_start(upstream)
    upstream.get(
        xrpc("com.atproto.server.getServiceAuth"), json={"token": "upload-token"}
    )
    job = {"jobId": "job-1", "did": DID, "state": "JOB_STATE_CREATED"}
    upstream.post(xrpc("app.bsky.video.uploadVideo", VIDEO), json={"jobStatus": job})
    upstream.get(
        xrpc("app.bsky.video.getJobStatus", VIDEO),
        json={"jobStatus": {**job, "state": "JOB_STATE_ENCODING", "progress": 40}},
    )
    video_blob = blob(5000, "video/mp4", "bafkreivideo")
    upstream.get(
        xrpc("app.bsky.video.getJobStatus", VIDEO),
        json={"jobStatus": {**job, "state": "JOB_STATE_COMPLETED", "blob": video_blob}},
    )
    upstream.post(CREATE, json=created(record_key(post.idempotency_token)))

    BlueskyAdapter(account).publish(post)

    auth_calls = [c for c in upstream.calls if "getServiceAuth" in c.request.url]
    assert auth_calls[0].request.params["aud"] == "did:web:video.bsky.app"
    assert auth_calls[0].request.params["lxm"] == "app.bsky.video.getUploadLimits"
    assert auth_calls[1].request.params["aud"] == "did:web:pds.example.com"
    assert auth_calls[1].request.params["lxm"] == "com.atproto.repo.uploadBlob"
    upload = next(c for c in upstream.calls if "uploadVideo" in c.request.url)
    assert upload.request.headers["Authorization"] == "Bearer upload-token"
    assert upload.request.headers["Content-Type"] == "video/mp4"
    assert upload.request.params == {
        "did": DID,
        "name": f"{record_key(post.idempotency_token)}.mp4",
    }
    embed = checked_record(upstream.calls[-1])["record"]["embed"]
    assert embed == {
        "$type": "app.bsky.embed.video",
        "video": video_blob,
        "alt": "a clip",
        "aspectRatio": {"width": 1280, "height": 720},
    }


def test_an_exhausted_video_allowance_is_a_preflight_failure(account, upstream) -> None:
    stub_video_start(upstream, can_upload=False)
    with pytest.raises(PreflightFailed) as caught:
        BlueskyAdapter(account).publish(video_draft())
    assert caught.value.rule == "bluesky.video.quota_exhausted"
    assert caught.value.message == "daily limit reached"


def test_a_failed_video_job_is_rejected(account, upstream) -> None:
    stub_video_start(upstream)
    upstream.get(
        xrpc("com.atproto.server.getServiceAuth"), json={"token": "upload-token"}
    )
    failed = {
        "jobId": "j",
        "did": DID,
        "state": "JOB_STATE_FAILED",
        "error": "unsupported codec",
        "failureCode": "encoding_failure",
    }
    upstream.post(xrpc("app.bsky.video.uploadVideo", VIDEO), json={"jobStatus": failed})
    with pytest.raises(PlatformRejected) as caught:
        BlueskyAdapter(account).publish(video_draft())
    assert caught.value.rule == "bluesky.video.job_failed"
    assert caught.value.fields["platform_response"] == failed


def test_a_video_still_processing_at_the_deadline_is_retryable(
    account, upstream, settings
) -> None:
    settings.BLUESKY_VIDEO_TIMEOUT_SECONDS = 0
    stub_video_start(upstream)
    upstream.get(
        xrpc("com.atproto.server.getServiceAuth"), json={"token": "upload-token"}
    )
    upstream.post(
        xrpc("app.bsky.video.uploadVideo", VIDEO),
        json={"jobStatus": {"jobId": "j", "did": DID, "state": "JOB_STATE_ENCODING"}},
    )
    with pytest.raises(PlatformUnavailable) as caught:
        BlueskyAdapter(account).publish(video_draft())
    assert (caught.value.rule, caught.value.status) == (
        "bluesky.video.transcode_timeout",
        504,
    )


def test_images_and_video_together_are_refused_before_any_upload(account) -> None:
    mixed = draft(
        media=(
            MediaItem(kind="image", url="https://x/a.png"),
            MediaItem(kind="video", url="https://x/v.mp4"),
        )
    )
    with pytest.raises(PreflightFailed) as caught:
        BlueskyAdapter(account).publish(mixed)
    assert caught.value.rule == "bluesky.media.image_video_exclusive"


def test_an_unreachable_media_url_is_a_preflight_rule(account, upstream) -> None:
    upstream.get("https://cdn.example.com/gone.png", status=404)
    with pytest.raises(PreflightFailed) as caught:
        BlueskyAdapter(account).publish(
            draft(
                media=(MediaItem(kind="image", url="https://cdn.example.com/gone.png"),)
            )
        )
    assert caught.value.rule == "bluesky.media.reachable"


def test_the_preflight_catalog_is_wired_in(account: PlatformAccount) -> None:
    rules = [v.rule for v in BlueskyAdapter(account).preflight(draft("x" * 301))]
    assert "bluesky.text.max_graphemes" in rules


def test_a_pds_hiccup_during_refresh_uses_the_still_valid_token_and_warns_once(
    owner, upstream
) -> None:
    from webhooks.models import WebhookEvent

    account = connect_bluesky(
        owner, expires_in=120
    )  # inside the refresh margin, still valid
    upstream.post(
        xrpc("com.atproto.server.refreshSession"),
        status=503,
        body="Service Unavailable",
    )
    upstream.post(CREATE, json=created("x"))
    upstream.post(
        xrpc("com.atproto.server.refreshSession"),
        status=503,
        body="Service Unavailable",
    )
    upstream.post(CREATE, json=created("y"))
    for _ in range(2):
        assert (
            BlueskyAdapter(PlatformAccount.objects.get(pk=account.pk))
            .publish(draft())
            .uri
        )
    (event,) = WebhookEvent.objects.filter(type="token.expiring")
    assert event.envelope["data"]["accountId"] == str(account.pk)

"""Publishing to Mastodon at the HTTP boundary: media, statuses, Idempotency-Key, errors, reconcile."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from letmepost.errors import (
    PlatformAuthFailed,
    PlatformRateLimited,
    PlatformRejected,
    PlatformUnavailable,
    PublishOutcomeUnknown,
    ValidationFailed,
)
from letmepost.ids import uuid7
from platforms.base import (
    Draft,
    MediaItem,
    PublishResult,
    ReconcileUnsupported,
    ReplyTo,
)
from platforms.mastodon.adapter import MastodonAdapter, idempotency_key
from platforms.models import MastodonStatusKey, PlatformAccount
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.bluesky.conftest import png
from tests.platforms.mastodon.conftest import api, checked_json, payload
from tests.platforms.mastodon.openapi import request_errors

STATUSES = api("/api/v1/statuses")
MEDIA = api("/api/v2/media")


def draft(text: str = "Hello #world", **kwargs) -> Draft:
    return Draft(text=text, idempotency_token=str(uuid7()), **kwargs)


def status(**changes) -> dict:
    return payload("status", **changes)


def multipart_fields(call) -> set[str]:
    body = call.request.body
    return {
        part.split(b'"')[1].decode()
        for part in body.split(b"Content-Disposition: form-data; name=")[1:]
    }


def test_a_status_with_media_waits_for_processing_and_sends_the_idempotency_key(
    account: PlatformAccount, upstream, settings
) -> None:
    settings.PLATFORM_POLL_INTERVAL_SECONDS = 0
    post = draft(
        media=(
            MediaItem(
                kind="image", url="https://cdn.example.com/a.png", alt_text="a chart"
            ),
            MediaItem(kind="image", url="https://cdn.example.com/b.png"),
        ),
        options={
            "platform": "mastodon",
            "visibility": "unlisted",
            "spoilerText": "cw",
            "language": "en",
            "in_reply_to_id": "109",
        },
    )
    upstream.get("https://cdn.example.com/a.png", body=png(), content_type="image/png")
    processing = payload("media", id="501", url=None)
    upstream.post(MEDIA, status=202, json=processing)
    upstream.get(api("/api/v1/media/501"), status=206, json=processing)
    upstream.get(api("/api/v1/media/501"), json=payload("media", id="501"))
    upstream.get(
        "https://cdn.example.com/b.png", body=png(2, 2), content_type="image/png"
    )
    upstream.post(MEDIA, json=payload("media", id="502", description=None))
    upstream.post(
        STATUSES, json=status(id="900", url="https://mastodon.example/@alice/900")
    )

    result = MastodonAdapter(account).publish(post)

    assert (result.uri, result.cid) == ("https://mastodon.example/@alice/900", "900")
    first_upload = upstream.calls[1].request
    assert first_upload.headers["Authorization"] == "Bearer token-abc"
    assert multipart_fields(upstream.calls[1]) == {"file", "description"}
    assert b"a chart" in first_upload.body and png() in first_upload.body
    assert multipart_fields(upstream.calls[5]) == {"file"}
    sent = upstream.calls[-1].request
    assert sent.headers["Idempotency-Key"] == f"letmepost-{post.idempotency_token}"
    assert checked_json(upstream.calls[-1], "POST", "/api/v1/statuses") == {
        "status": "Hello #world",
        "media_ids": ["501", "502"],
        "visibility": "unlisted",
        "spoiler_text": "cw",
        "language": "en",
        "in_reply_to_id": "109",
    }
    assert MastodonStatusKey.objects.filter(
        key=idempotency_key(post.idempotency_token)
    ).exists()


def test_a_thread_item_replies_to_its_parent_under_its_own_key(
    account: PlatformAccount, upstream
) -> None:
    target = str(uuid7())
    item = Draft(
        text="more below",
        idempotency_token=f"{target}.1",
        options={"visibility": "unlisted", "in_reply_to_id": "1"},
    )
    root = PublishResult(uri="https://mastodon.example/@alice/900", cid="900")
    upstream.post(
        STATUSES, json=status(id="901", url="https://mastodon.example/@alice/901")
    )
    result = MastodonAdapter(account).publish_reply(item, ReplyTo(root, root))
    sent = checked_json(upstream.calls[0], "POST", "/api/v1/statuses")
    # The engine's chain wins over an inReplyToId option; the visibility is kept.
    assert sent == {
        "status": "more below",
        "in_reply_to_id": "900",
        "visibility": "unlisted",
    }
    assert upstream.calls[0].request.headers["Idempotency-Key"] == (
        f"letmepost-{target}.1"
    )
    assert (result.uri, result.cid) == ("https://mastodon.example/@alice/901", "901")


def test_a_reply_never_sent_reconciles_to_nothing_and_a_sent_one_is_sent_again(
    account: PlatformAccount, upstream
) -> None:
    item = Draft(text="more", idempotency_token=f"{uuid7()}.1")
    root = PublishResult(uri="https://mastodon.example/@alice/900", cid="900")
    adapter = MastodonAdapter(account)
    assert adapter.reconcile_reply(item, ReplyTo(root, root)) is None
    upstream.post(STATUSES, json=status(id="901"))
    upstream.post(STATUSES, json=status(id="901"))  # the same key: the same status
    first = adapter.publish_reply(item, ReplyTo(root, root))
    again = adapter.reconcile_reply(item, ReplyTo(root, root))
    assert again is not None and again.cid == first.cid == "901"
    keys = {c.request.headers["Idempotency-Key"] for c in upstream.calls}
    assert keys == {idempotency_key(item.idempotency_token)}


def test_422_is_rejected_with_the_body_untouched(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(STATUSES, status=422, json=payload("status_422"))
    with pytest.raises(PlatformRejected) as caught:
        MastodonAdapter(account).publish(draft("x" * 501))
    error = caught.value
    assert error.fields["platform_response"] == payload("status_422")
    assert (error.fields["platform"], error.fields["platform_version"]) == (
        "mastodon",
        "mastodon-v1",
    )


def test_429_carries_retry_after_from_the_reset_time(
    account: PlatformAccount, upstream
) -> None:
    reset = (timezone.now() + timedelta(seconds=300)).isoformat()
    upstream.post(
        STATUSES,
        status=429,
        json={"error": "Too many requests"},
        headers={
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset,
        },
    )
    with pytest.raises(PlatformRateLimited) as caught:
        MastodonAdapter(account).publish(draft())
    assert 295 <= caught.value.retry_after <= 300


def test_a_revoked_token_flags_the_account(account: PlatformAccount, upstream) -> None:
    from webhooks.models import WebhookEvent

    upstream.post(STATUSES, status=401, json={"error": "The access token is invalid"})
    with pytest.raises(PlatformAuthFailed):
        MastodonAdapter(account).publish(draft())
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH
    (event,) = WebhookEvent.objects.filter(type="token.revoked")
    assert event.envelope["data"]["reason"] == "revoked_upstream"


def test_a_missing_scope_is_auth_failed_without_flagging(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(
        STATUSES,
        status=403,
        json={"error": "This action is outside the authorized scopes"},
    )
    with pytest.raises(PlatformAuthFailed):
        MastodonAdapter(account).publish(draft())
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.ACTIVE


def test_a_5xx_or_lost_answer_on_the_status_is_an_unknown_outcome(
    account, upstream
) -> None:
    upstream.post(STATUSES, status=502, body="Bad Gateway")
    upstream.post(STATUSES, body=requests.ReadTimeout("read timed out"))
    adapter = MastodonAdapter(account)
    for _ in range(2):
        with pytest.raises(PublishOutcomeUnknown):
            adapter.publish(draft())


def test_a_5xx_on_media_is_retryable_and_nothing_was_posted(account, upstream) -> None:
    upstream.get("https://cdn.example.com/a.png", body=png(), content_type="image/png")
    upstream.post(MEDIA, status=503, json={"error": "Unavailable"})
    with pytest.raises(PlatformUnavailable) as caught:
        MastodonAdapter(account).publish(
            draft(media=(MediaItem(kind="image", url="https://cdn.example.com/a.png"),))
        )
    assert type(caught.value) is PlatformUnavailable and caught.value.retryable
    assert not MastodonStatusKey.objects.exists()


def test_media_still_processing_at_the_deadline_is_retryable(
    account, upstream, settings
) -> None:
    settings.MASTODON_MEDIA_TIMEOUT_SECONDS = 0
    upstream.get(
        "https://cdn.example.com/v.mp4",
        body=b"\x00\x00\x00\x18ftypmp42",
        content_type="video/mp4",
    )
    upstream.post(
        MEDIA, status=202, json=payload("media", id="7", type="video", url=None)
    )
    with pytest.raises(PlatformUnavailable) as caught:
        MastodonAdapter(account).publish(
            draft(media=(MediaItem(kind="video", url="https://cdn.example.com/v.mp4"),))
        )
    assert (caught.value.rule, caught.value.status) == (
        "mastodon.media.processing_timeout",
        504,
    )


def test_an_unknown_visibility_is_refused(account: PlatformAccount) -> None:
    with pytest.raises(ValidationFailed) as caught:
        MastodonAdapter(account).publish(draft(options={"visibility": "everyone"}))
    assert caught.value.rule == "options.visibility"


def test_reconcile_without_a_sent_key_says_nothing_was_published(
    account: PlatformAccount, upstream
) -> None:
    assert MastodonAdapter(account).reconcile(draft()) is None


def test_reconcile_within_the_hour_resends_under_the_same_key(
    account, upstream
) -> None:
    post = draft()
    upstream.post(STATUSES, status=504, body="Gateway Timeout")
    upstream.post(STATUSES, json=status(id="900"))
    adapter = MastodonAdapter(account)
    with pytest.raises(PublishOutcomeUnknown):
        adapter.publish(post)
    found = adapter.reconcile(post)
    assert found is not None and found.cid == "900"
    keys = {c.request.headers["Idempotency-Key"] for c in upstream.calls}
    assert keys == {f"letmepost-{post.idempotency_token}"}


def test_reconcile_after_the_hour_is_unsupported(account: PlatformAccount) -> None:
    post = draft()
    MastodonStatusKey.objects.create(
        account=account,
        key=idempotency_key(post.idempotency_token),
        first_sent_at=timezone.now() - timedelta(minutes=51),
    )
    with pytest.raises(ReconcileUnsupported):
        MastodonAdapter(account).reconcile(post)


def test_the_engine_reconciles_an_unknown_outcome_through_the_same_key(
    owner: Persona, account: PlatformAccount, upstream, settings
) -> None:
    settings.PUBLISH_RETRY_BASE_SECONDS = 0
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [
                {
                    "accountId": str(account.pk),
                    "options": {"platform": "mastodon", "visibility": "unlisted"},
                }
            ],
            "text": "once",
            "scheduledAt": (timezone.now() + timedelta(hours=1)).isoformat(),
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 202, response.json()
    target = PostTarget.objects.get()
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    upstream.post(STATUSES, status=502, body="Bad Gateway")
    upstream.post(STATUSES, json=status(id="900"))
    (claim,) = claim_due()
    assert publish_claimed(claim) == "unknown"
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    (claim,) = claim_due()
    assert publish_claimed(claim) == "published"
    target.refresh_from_db()
    assert (target.status, target.platform_cid) == (PostTarget.Status.PUBLISHED, "900")
    assert [a.outcome for a in target.attempts.order_by("number")] == [
        "unknown",
        "reconciled",
    ]
    bodies = [json.loads(c.request.body) for c in upstream.calls]
    assert bodies == [{"status": "once", "visibility": "unlisted"}] * 2
    assert all(request_errors("POST", "/api/v1/statuses", b) == [] for b in bodies)
    assert {c.request.headers["Idempotency-Key"] for c in upstream.calls} == {
        f"letmepost-{target.pk}"
    }


def test_preflight_uses_the_instance_limits_stored_at_connect(
    account: PlatformAccount,
) -> None:
    adapter = MastodonAdapter(account)
    assert [v.rule for v in adapter.preflight(draft("x" * 501))] == [
        "mastodon.text.max_chars"
    ]
    account.metadata["limits"]["max_characters"] = 1000  # a roomier instance
    assert MastodonAdapter(account).preflight(draft("x" * 501)) == []

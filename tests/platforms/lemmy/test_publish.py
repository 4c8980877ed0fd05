"""Publishing to Lemmy at the HTTP boundary: community lookup, pict-rs, the post, re-login on
401, error codes, and reconciliation from the account's posts."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from letmepost.errors import (
    PlatformAuthFailed,
    PlatformRateLimited,
    PlatformRejected,
    PublishOutcomeUnknown,
)
from letmepost.ids import uuid7
from platforms.base import (
    Draft,
    MediaItem,
    PublishResult,
    ReconcileUnsupported,
    ReplyTo,
)
from platforms.lemmy.adapter import LemmyAdapter
from platforms.models import PlatformAccount
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.bluesky.conftest import png
from tests.platforms.lemmy.conftest import JWT, api, checked, payload

POST = api("/api/v3/post")
COMMUNITY = api("/api/v3/community")
OPTIONS = {"platform": "lemmy", "community": "technology", "title": "A title"}


def draft(text: str = "Hello, Lemmy", **kwargs) -> Draft:
    kwargs.setdefault("options", dict(OPTIONS))
    return Draft(text=text, idempotency_token=str(uuid7()), **kwargs)


def test_a_text_post_resolves_the_community_and_posts_once(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(COMMUNITY, json=payload("community"))
    upstream.post(POST, json=payload("post"))
    result = LemmyAdapter(account).publish(
        draft(
            options={**OPTIONS, "community": "!technology@lemmy.example", "nsfw": False}
        )
    )
    assert (result.uri, result.cid) == ("https://lemmy.example/post/1001", "1001")
    assert checked(upstream.calls[0]) == {"name": "technology@lemmy.example"}
    assert checked(upstream.calls[1]) == {
        "name": "A title",
        "community_id": 7,
        "body": "Hello, Lemmy",
        "nsfw": False,
    }
    assert all(
        c.request.headers["Authorization"] == f"Bearer {JWT}" for c in upstream.calls
    )


def test_an_image_is_uploaded_to_pictrs_and_becomes_the_link(
    account: PlatformAccount, upstream
) -> None:
    image = MediaItem(
        kind="image", url="https://cdn.example.com/a.png", alt_text="a chart"
    )
    upstream.get(COMMUNITY, json=payload("community"))
    upstream.get("https://cdn.example.com/a.png", body=png(), content_type="image/png")
    upstream.post(api("/pictrs/image"), status=201, json=payload("image_upload"))
    upstream.post(POST, json=payload("post"))
    LemmyAdapter(account).publish(draft(media=(image,)))
    upload = upstream.calls[2].request
    assert b'name="images[]"' in upload.body and png() in upload.body
    assert checked(upstream.calls[3]) == {
        "name": "A title",
        "community_id": 7,
        "body": "Hello, Lemmy",
        "url": "https://lemmy.example/pictrs/image/lkWZDRvugm.png",
        "alt_text": "a chart",
    }


def test_a_refused_image_names_its_rule_and_nothing_is_posted(
    account: PlatformAccount, upstream
) -> None:
    image = MediaItem(kind="image", url="https://cdn.example.com/a.png")
    upstream.get(COMMUNITY, json=payload("community"))
    upstream.get("https://cdn.example.com/a.png", body=png(), content_type="image/png")
    upstream.post(api("/pictrs/image"), status=413, json={"error": "too_large"})
    with pytest.raises(PlatformRejected) as raised:
        LemmyAdapter(account).publish(draft(media=(image,)))
    assert raised.value.fields["rule"] == "lemmy.image.upload_refused"


def test_a_401_logs_in_again_once_and_repeats_the_call(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(COMMUNITY, status=401, json={"error": "not_logged_in"})
    upstream.post(api("/api/v3/user/login"), json={**payload("login"), "jwt": "fresh"})
    upstream.get(COMMUNITY, json=payload("community"))
    upstream.post(POST, json=payload("post"))
    LemmyAdapter(account).publish(draft())
    assert checked(upstream.calls[1]) == {
        "username_or_email": "alice",
        "password": "hunter22",
    }
    assert upstream.calls[3].request.headers["Authorization"] == "Bearer fresh"
    account.refresh_from_db()
    assert account.credentials["jwt"] == "fresh"


def test_a_changed_password_flags_the_account(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(COMMUNITY, status=401, json={"error": "not_logged_in"})
    upstream.post(
        api("/api/v3/user/login"), status=400, json={"error": "incorrect_login"}
    )
    with pytest.raises(PlatformAuthFailed):
        LemmyAdapter(account).publish(draft())
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("couldnt_find_community", "lemmy.community.not_found"),
        ("banned_from_community", "lemmy.community.banned"),
        ("only_mods_can_post_in_community", "lemmy.community.mods_only"),
        ("invalid_post_title", "lemmy.title.invalid"),
    ],
)
def test_lemmy_error_codes_map_to_rules(
    account: PlatformAccount, upstream, code: str, rule: str
) -> None:
    upstream.get(COMMUNITY, json=payload("community"))
    upstream.post(POST, status=400, json={"error": code})
    with pytest.raises(PlatformRejected) as raised:
        LemmyAdapter(account).publish(draft())
    assert raised.value.fields["rule"] == rule
    assert raised.value.fields["platform_response"] == {"error": code}


def test_rate_limits_carry_retry_after(account: PlatformAccount, upstream) -> None:
    upstream.get(COMMUNITY, json=payload("community"))
    upstream.post(
        POST,
        status=429,
        json={"error": "rate_limit_error"},
        headers={"Retry-After": "30"},
    )
    with pytest.raises(PlatformRateLimited) as raised:
        LemmyAdapter(account).publish(draft())
    assert raised.value.retry_after == 30


def test_a_5xx_to_the_post_is_an_unknown_outcome(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(COMMUNITY, json=payload("community"))
    upstream.post(POST, status=502, body="Bad Gateway")
    with pytest.raises(PublishOutcomeUnknown):
        LemmyAdapter(account).publish(draft())


def test_reconcile_reads_the_account_posts(account: PlatformAccount, upstream) -> None:
    class Sent:
        def first_attempt_at(self):
            return timezone.now() - timedelta(days=7)

        def counted_publishes(self, since):
            return 0, None

    post = draft(history=Sent())
    upstream.get(COMMUNITY, json=payload("community"))
    upstream.get(api("/api/v3/user"), json=payload("person_details"))
    found = LemmyAdapter(account).reconcile(post)
    assert found is not None and found.cid == "1001"
    assert checked(upstream.calls[1]) == {
        "person_id": "42",
        "sort": "New",
        "limit": "20",
    }

    twice = payload("person_details")
    twice["posts"] *= 2
    upstream.get(COMMUNITY, json=payload("community"))
    upstream.get(api("/api/v3/user"), json=twice)
    with pytest.raises(ReconcileUnsupported):
        LemmyAdapter(account).reconcile(post)

    assert (
        LemmyAdapter(account).reconcile(draft()) is None
    )  # never sent: nothing to ask


def test_the_engine_reconciles_a_lost_answer_without_posting_twice(
    owner: Persona, account: PlatformAccount, upstream, settings
) -> None:
    settings.PUBLISH_RETRY_BASE_SECONDS = 0
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk), "options": OPTIONS}],
            "text": "Hello, Lemmy",
            "scheduledAt": (timezone.now() + timedelta(hours=1)).isoformat(),
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 202, response.json()
    target = PostTarget.objects.get()
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    upstream.get(COMMUNITY, json=payload("community"))
    upstream.post(POST, status=504, body="Gateway Timeout")
    (claim,) = claim_due()
    assert publish_claimed(claim) == "unknown"

    landed = payload("person_details")
    landed["posts"][0]["post"]["published"] = timezone.now().isoformat()
    upstream.get(COMMUNITY, json=payload("community"))
    upstream.get(api("/api/v3/user"), json=landed)
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    (claim,) = claim_due()
    assert publish_claimed(claim) == "published"
    target.refresh_from_db()
    assert (target.status, target.platform_cid) == (PostTarget.Status.PUBLISHED, "1001")
    assert [c.request.method for c in upstream.calls].count("POST") == 1


ROOT = PublishResult(uri="https://lemmy.example/post/1001", cid="1001")


def test_a_thread_item_is_a_comment_on_the_post(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(api("/api/v3/comment"), json=payload("comment"))
    result = LemmyAdapter(account).publish_reply(
        draft("more below"), ReplyTo(parent=ROOT, root=ROOT)
    )
    assert (result.uri, result.cid) == ("https://lemmy.example/comment/5001", "5001")
    assert checked(upstream.calls[0]) == {"post_id": 1001, "content": "more below"}


def test_a_lost_comment_is_found_among_the_post_comments(
    account: PlatformAccount, upstream
) -> None:
    reply_to = ReplyTo(parent=ROOT, root=ROOT)
    upstream.get(api("/api/v3/comment/list"), json=payload("comments"))
    found = LemmyAdapter(account).reconcile_reply(draft("more below"), reply_to)
    assert found is not None and found.cid == "5001"
    assert checked(upstream.calls[0]) == {
        "post_id": "1001",
        "sort": "New",
        "limit": "50",
        "type_": "All",
    }
    upstream.get(api("/api/v3/comment/list"), json=payload("comments"))
    assert LemmyAdapter(account).reconcile_reply(draft("other text"), reply_to) is None

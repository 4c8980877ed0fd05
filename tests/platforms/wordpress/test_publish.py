"""Publishing to WordPress at the HTTP boundary: terms by name, the featured image, the post,
WordPress's error codes, and reconciliation by the post's slug."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import responses
from django.utils import timezone

from letmepost.errors import (
    PlatformAuthFailed,
    PlatformRateLimited,
    PlatformRejected,
    PublishOutcomeUnknown,
)
from letmepost.ids import uuid7
from platforms.base import Draft, MediaItem, PublishResult, ReplyTo
from platforms.models import PlatformAccount
from platforms.wordpress.adapter import WordPressAdapter, post_slug
from platforms.wordpress.html import to_html
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.bluesky.conftest import png
from tests.platforms.wordpress.conftest import api, checked, payload

POSTS = api("wp/v2/posts")
TAGS = api("wp/v2/tags")
OPTIONS = {"title": "Hello"}


def draft(text: str = "Hello, WordPress", **kwargs) -> Draft:
    kwargs.setdefault("options", dict(OPTIONS))
    return Draft(text=text, idempotency_token=str(uuid7()), **kwargs)


def test_a_post_with_terms_by_name_and_id_is_sent_once(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(TAGS, json=payload("tags-search-empty"))
    upstream.post(TAGS, status=201, json=payload("tag-create"))
    upstream.post(POSTS, status=201, json=payload("post-create"))
    d = draft(
        "Read https://example.com.\n\nBye",
        options={**OPTIONS, "tags": ["release"], "categories": [1], "excerpt": "Hi"},
    )
    result = WordPressAdapter(account).publish(d)
    assert (result.uri, result.cid) == ("https://blog.example/hello-0123456789ab/", "8")
    assert checked(upstream.calls[0]) == {
        "search": "release",
        "per_page": "100",
        "context": "edit",
    }
    assert checked(upstream.calls[1]) == {"name": "release"}
    assert checked(upstream.calls[2]) == {
        "title": "Hello",
        "content": '<p>Read <a href="https://example.com">https://example.com</a>.</p>\n'
        "<p>Bye</p>",
        "status": "publish",
        "slug": post_slug("Hello", d.idempotency_token),
        "excerpt": "Hi",
        "categories": [1],
        "tags": [3],
    }


def test_the_slug_is_stable_per_target_and_unique_across_targets() -> None:
    token = str(uuid7())
    assert post_slug("Hello, World!", token) == post_slug("Hello, World!", token)
    assert post_slug("Hello, World!", token).startswith("hello-world-")
    assert post_slug("Hello", token) != post_slug("Hello", str(uuid7()))
    assert post_slug("日本", token).startswith("post-")


def test_an_existing_term_is_reused_and_a_race_on_creating_it_too(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(api("wp/v2/categories"), json=payload("categories-search"))
    upstream.get(TAGS, json=payload("tags-search-empty"))
    upstream.post(TAGS, status=400, json=payload("term-exists"))
    upstream.post(POSTS, status=201, json=payload("post-create"))
    options = {**OPTIONS, "categories": ["uncategorized"], "tags": ["release"]}
    WordPressAdapter(account).publish(draft(options=options))
    body = checked(upstream.calls[3])
    assert (body["categories"], body["tags"]) == ([1], [3])


def test_an_image_is_uploaded_and_becomes_the_featured_image(
    account: PlatformAccount, upstream
) -> None:
    image = MediaItem(
        kind="image", url="https://cdn.example.com/a.png", alt_text="A dot"
    )
    upstream.get("https://cdn.example.com/a.png", body=png(), content_type="image/png")
    upstream.post(api("wp/v2/media"), status=201, json=payload("media-create"))
    upstream.post(POSTS, status=201, json=payload("post-create"))
    WordPressAdapter(account).publish(draft(media=(image,)))
    upload = upstream.calls[1].request
    assert upload.body == png()
    assert upload.headers["Content-Type"] == "image/png"
    assert upload.headers["Content-Disposition"].startswith("attachment; filename=")
    assert checked(upstream.calls[1]) == {"alt_text": "A dot"}
    assert checked(upstream.calls[2])["featured_media"] == 7


def test_a_future_post_carries_its_date_in_utc(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(POSTS, status=201, json=payload("post-create"))
    options = {**OPTIONS, "status": "future", "date": "2030-01-01T10:00:00+01:00"}
    WordPressAdapter(account).publish(draft(options=options))
    body = checked(upstream.calls[0])
    assert (body["status"], body["date_gmt"]) == ("future", "2030-01-01T09:00:00")


def test_a_revoked_application_password_flags_the_account(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(POSTS, status=401, json=payload("incorrect-password"))
    with pytest.raises(PlatformAuthFailed):
        WordPressAdapter(account).publish(draft())
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH


def test_a_role_without_the_capability_is_not_a_revoked_password(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(POSTS, status=403, json=payload("cannot-create"))
    with pytest.raises(PlatformAuthFailed) as raised:
        WordPressAdapter(account).publish(draft())
    assert "Author, Editor or Administrator" in raised.value.fields["remediation"]
    account.refresh_from_db()
    assert account.status != PlatformAccount.Status.NEEDS_REAUTH


def test_an_invalid_parameter_is_rejected_with_the_param_named(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(POSTS, status=400, json=payload("invalid-param"))
    with pytest.raises(PlatformRejected) as raised:
        WordPressAdapter(account).publish(draft())
    assert raised.value.fields["rule"] == "wordpress.param.invalid"
    assert "status: status is not one of publish" in raised.value.message
    assert raised.value.fields["platform_response"]["code"] == "rest_invalid_param"


def test_a_refused_image_type_names_its_rule_and_nothing_is_posted(
    account: PlatformAccount, upstream
) -> None:
    image = MediaItem(kind="image", url="https://cdn.example.com/a.png")
    upstream.get("https://cdn.example.com/a.png", body=png(), content_type="image/png")
    # WordPress answers a type it refuses with a 500: nothing was stored.
    upstream.post(api("wp/v2/media"), status=500, json=payload("upload-type-refused"))
    with pytest.raises(PlatformRejected) as raised:
        WordPressAdapter(account).publish(draft(media=(image,)))
    assert not isinstance(raised.value, PublishOutcomeUnknown)
    assert raised.value.fields["rule"] == "wordpress.media.upload_refused"


@pytest.mark.parametrize("status", [429, 503])
def test_rate_limits_and_maintenance_carry_retry_after(
    account: PlatformAccount, upstream, status: int
) -> None:
    upstream.post(POSTS, status=status, headers={"Retry-After": "600"}, body="")
    with pytest.raises(PlatformRateLimited) as raised:
        WordPressAdapter(account).publish(draft())
    assert raised.value.retry_after == 600


def test_a_5xx_to_the_post_is_an_unknown_outcome(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(POSTS, status=502, body="Bad Gateway")
    with pytest.raises(PublishOutcomeUnknown):
        WordPressAdapter(account).publish(draft())


def test_reconcile_finds_the_post_by_its_slug(
    account: PlatformAccount, upstream
) -> None:
    d = draft()
    slug = post_slug("Hello", d.idempotency_token)
    upstream.get(POSTS, json=payload("posts-by-slug"))
    upstream.get(POSTS, json=[])
    adapter = WordPressAdapter(account)
    assert adapter.reconcile(d) == PublishResult(
        uri="https://blog.example/hello-0123456789ab/", cid="8"
    )
    assert checked(upstream.calls[0]) == {
        "slug": slug,
        "status": "any",
        "context": "edit",
    }
    assert adapter.reconcile(d) is None  # certainly not there: sent again


def test_the_engine_reconciles_a_lost_answer_without_posting_twice(
    owner: Persona, account: PlatformAccount, upstream, settings
) -> None:
    settings.PUBLISH_RETRY_BASE_SECONDS = 0
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk), "options": OPTIONS}],
            "text": "Hello, WordPress",
            "scheduledAt": (timezone.now() + timedelta(hours=1)).isoformat(),
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 202, response.json()
    target = PostTarget.objects.get()
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    upstream.post(POSTS, status=504, body="Gateway Timeout")
    (claim,) = claim_due()
    assert publish_claimed(claim) == "unknown"

    upstream.get(POSTS, json=payload("posts-by-slug"))
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    (claim,) = claim_due()
    assert publish_claimed(claim) == "published"
    target.refresh_from_db()
    assert (target.status, target.platform_cid) == (PostTarget.Status.PUBLISHED, "8")
    sent = checked(upstream.calls[0])["slug"]
    assert sent in upstream.calls[1].request.url
    assert [c.request.method for c in upstream.calls].count("POST") == 1


ROOT = PublishResult(uri="https://blog.example/hello-0123456789ab/", cid="8")


def test_a_first_comment_is_a_comment_on_the_post(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(api("wp/v2/comments"), status=201, json=payload("comment-create"))
    result = WordPressAdapter(account).publish_reply(
        draft("First!"), ReplyTo(parent=ROOT, root=ROOT)
    )
    assert result.cid == "2"
    assert checked(upstream.calls[0]) == {"post": 8, "content": "First!"}


def test_closed_comments_are_refused_with_a_rule_not_an_auth_failure(
    account: PlatformAccount, upstream
) -> None:
    closed = {
        "code": "rest_comment_closed",
        "message": "Sorry, comments are closed for this item.",
        "data": {"status": 403},
    }
    upstream.post(api("wp/v2/comments"), status=403, json=closed)
    with pytest.raises(PlatformRejected) as raised:
        WordPressAdapter(account).publish_reply(
            draft("First!"), ReplyTo(parent=ROOT, root=ROOT)
        )
    assert raised.value.fields["rule"] == "wordpress.comment.refused"
    account.refresh_from_db()
    assert account.status != PlatformAccount.Status.NEEDS_REAUTH


def test_a_lost_comment_is_found_among_the_users_comments(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(api("wp/v2/comments"), json=payload("comments-list"))
    upstream.get(api("wp/v2/comments"), json=payload("comments-list"))
    adapter, reply_to = WordPressAdapter(account), ReplyTo(parent=ROOT, root=ROOT)
    assert adapter.reconcile_reply(draft("First!"), reply_to) == PublishResult(
        uri="https://blog.example/hello-0123456789ab/#comment-2", cid="2"
    )
    assert checked(upstream.calls[0]) == {
        "post": "8",
        "author": "1",
        "per_page": "50",
        "status": "all",
        "context": "edit",
    }
    assert adapter.reconcile_reply(draft("Other"), reply_to) is None


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("", ""),
        ("a < b & c", "<p>a &lt; b &amp; c</p>"),
        ("one\ntwo\n\n\nthree", "<p>one<br />\ntwo</p>\n<p>three</p>"),
        (
            "see (https://x.example/a?b=1&c=2), ok",
            '<p>see (<a href="https://x.example/a?b=1&amp;c=2">'
            "https://x.example/a?b=1&amp;c=2</a>), ok</p>",
        ),
        ('"><script>', '<p>"&gt;&lt;script&gt;</p>'),
    ],
)
def test_text_becomes_escaped_html_with_clickable_links(text: str, html: str) -> None:
    assert to_html(text) == html


def test_nothing_is_sent_before_the_rules_pass(owner: Persona, account) -> None:
    with responses.RequestsMock():  # any call would fail: none is registered
        response = post_json(
            owner.client,
            "/v1/posts",
            {
                "targets": [
                    {
                        "accountId": str(account.pk),
                        "options": {"status": "future", "tags": [""]},
                    }
                ],
                "text": "Hi",
            },
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
    rules = {v["rule"] for v in response.json()["error"]["violations"]}
    assert rules == {
        "wordpress.title.required",
        "wordpress.date.required_for_future",
        "wordpress.terms.shape",
    }

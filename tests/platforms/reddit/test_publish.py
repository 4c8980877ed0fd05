"""Submitting to Reddit at the HTTP boundary: self, link and image posts, flair, the
`json.errors` answers (status 200), rate limits and the honest absence of reconciliation."""

from __future__ import annotations

import pytest

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
from platforms.models import PlatformAccount
from platforms.reddit.adapter import RedditAdapter
from tests.platforms.bluesky.conftest import png
from tests.platforms.reddit.conftest import OAUTH, form_of, payload, swagger_errors

SUBMIT = f"{OAUTH}/api/submit"
OPTIONS = {"platform": "reddit", "subreddit": "r/test", "title": "A title"}


def draft(text: str = "Hello, Reddit", **kwargs) -> Draft:
    kwargs.setdefault("options", dict(OPTIONS))
    return Draft(text=text, idempotency_token=str(uuid7()), **kwargs)


def submitted(call) -> dict[str, str]:
    form = form_of(call)
    assert swagger_errors("/api/submit", form) == [], form
    # What the scrape cannot say, from Reddit's docs: these are always sent.
    assert {"api_type", "sr", "title", "kind"} <= set(form)
    return form


def refusal(code: str, message: str, field: str = "") -> dict:
    return {"json": {"errors": [[code, message, field]]}}


def test_a_self_post_submits_text_with_flair(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(SUBMIT, json=payload("submitted"))
    result = RedditAdapter(account).publish(
        draft(
            options={**OPTIONS, "flairId": "f1a2", "flair_text": "News", "nsfw": False}
        )
    )
    assert (result.uri, result.cid) == (
        "https://www.reddit.com/r/test/comments/1h9x2k7/a_title/",
        "t3_1h9x2k7",
    )
    assert upstream.calls[0].request.headers["Authorization"] == "bearer reddit-access"
    assert submitted(upstream.calls[0]) == {
        "api_type": "json",
        "sr": "test",
        "title": "A title",
        "kind": "self",
        "text": "Hello, Reddit",
        "resubmit": "false",
        "sendreplies": "true",
        "flair_id": "f1a2",
        "flair_text": "News",
        "nsfw": "false",
    }


def test_a_link_post_sends_the_url(account: PlatformAccount, upstream) -> None:
    upstream.post(SUBMIT, json=payload("submitted"))
    RedditAdapter(account).publish(
        draft(options={**OPTIONS, "url": "https://example.com/a"})
    )
    form = submitted(upstream.calls[0])
    assert (form["kind"], form["url"]) == ("link", "https://example.com/a")
    assert "text" not in form


def test_an_image_is_leased_stored_and_submitted_as_an_image_post(
    account: PlatformAccount, upstream
) -> None:
    image = MediaItem(kind="image", url="https://cdn.example.com/a.png")
    upstream.get("https://cdn.example.com/a.png", body=png(), content_type="image/png")
    upstream.post(f"{OAUTH}/api/media/asset.json", json=payload("asset"))
    storage = "https://reddit-uploaded-media.s3-accelerate.amazonaws.com"
    upstream.post(storage, status=201, body="<PostResponse/>")
    upstream.post(SUBMIT, json=payload("submitted"))
    RedditAdapter(account).publish(draft(media=(image,)))
    lease = form_of(upstream.calls[1])
    assert lease["mimetype"] == "image/png" and lease["filepath"].endswith(".png")
    stored = upstream.calls[2].request
    assert (
        "Authorization" not in stored.headers
    )  # the storage form carries its own policy
    assert b'name="key"' in stored.body and b"rte_images/abc123xyz" in stored.body
    assert png() in stored.body
    form = submitted(upstream.calls[3])
    assert (form["kind"], form["url"]) == ("image", f"{storage}/rte_images/abc123xyz")


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("SUBREDDIT_NOEXIST", "reddit.subreddit.not_found"),
        ("SUBREDDIT_NOTALLOWED", "reddit.subreddit.not_allowed"),
        ("NO_SELFS", "reddit.kind.not_allowed"),
        ("SUBMIT_VALIDATION_FLAIR_REQUIRED", "reddit.flair.required"),
        ("ALREADY_SUB", "reddit.link.already_submitted"),
        ("SOMETHING_NEW", "reddit.submit.rejected"),
    ],
)
def test_errors_in_a_200_answer_are_refusals_with_rules(
    account: PlatformAccount, upstream, code: str, rule: str
) -> None:
    upstream.post(SUBMIT, json=refusal(code, "that is not allowed", "sr"))
    with pytest.raises(PlatformRejected) as raised:
        RedditAdapter(account).publish(draft())
    assert not isinstance(raised.value, PlatformRateLimited)
    assert raised.value.fields["rule"] == rule
    assert raised.value.fields["platform_response"] == refusal(
        code, "that is not allowed", "sr"
    )


def test_ratelimit_in_the_answer_reads_the_wait_from_the_message(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(
        SUBMIT,
        json=refusal(
            "RATELIMIT",
            "Looks like you've been doing that a lot. Take a break for 9 minutes before trying again.",
            "ratelimit",
        ),
    )
    with pytest.raises(PlatformRateLimited) as raised:
        RedditAdapter(account).publish(draft())
    assert raised.value.retry_after == 540


def test_a_429_reads_x_ratelimit_reset(account: PlatformAccount, upstream) -> None:
    upstream.post(
        SUBMIT,
        status=429,
        body="Too Many Requests",
        headers={"X-Ratelimit-Reset": "37"},
    )
    with pytest.raises(PlatformRateLimited) as raised:
        RedditAdapter(account).publish(draft())
    assert raised.value.retry_after == 37


def test_a_revoked_token_flags_the_account(account: PlatformAccount, upstream) -> None:
    upstream.post(SUBMIT, status=401, json={"message": "Unauthorized", "error": 401})
    with pytest.raises(PlatformAuthFailed):
        RedditAdapter(account).publish(draft())
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH


def test_a_5xx_is_an_unknown_outcome_that_cannot_be_reconciled(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(SUBMIT, status=503, body="upstream connect error")
    post = draft()
    with pytest.raises(PublishOutcomeUnknown):
        RedditAdapter(account).publish(post)
    with pytest.raises(ReconcileUnsupported):  # no scope lets us look the post up
        RedditAdapter(account).reconcile(post)


def test_a_thread_item_is_a_comment_on_the_submission(
    account: PlatformAccount, upstream
) -> None:
    root = PublishResult(
        uri="https://www.reddit.com/r/test/comments/1h9x2k7/", cid="t3_1h9x2k7"
    )
    upstream.post(
        f"{OAUTH}/api/comment",
        json={
            "json": {
                "errors": [],
                "data": {
                    "things": [
                        {
                            "kind": "t1",
                            "data": {
                                "id": "m1x2y3z",
                                "name": "t1_m1x2y3z",
                                "parent_id": "t3_1h9x2k7",
                                "body": "more below",
                                "permalink": "/r/test/comments/1h9x2k7/a_title/m1x2y3z/",
                            },
                        }
                    ]
                },
            }
        },
    )
    result = RedditAdapter(account).publish_reply(
        draft("more below"), ReplyTo(parent=root, root=root)
    )
    assert (result.uri, result.cid) == (
        "https://www.reddit.com/r/test/comments/1h9x2k7/a_title/m1x2y3z/",
        "t1_m1x2y3z",
    )
    form = form_of(upstream.calls[0])
    assert swagger_errors("/api/comment", form) == []
    assert form == {"api_type": "json", "thing_id": "t3_1h9x2k7", "text": "more below"}


def test_a_refused_comment_is_mapped_like_a_submission(
    account: PlatformAccount, upstream
) -> None:
    root = PublishResult(uri="u", cid="t3_1h9x2k7")
    upstream.post(
        f"{OAUTH}/api/comment", json=refusal("THREAD_LOCKED", "locked", "parent")
    )
    with pytest.raises(PlatformRejected) as raised:
        RedditAdapter(account).publish_reply(
            draft("x"), ReplyTo(parent=root, root=root)
        )
    assert raised.value.fields["rule"] == "reddit.submit.rejected"

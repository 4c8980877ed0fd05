"""Thread items and first comments on Instagram: text comments on the published media.

Graph is faked at the HTTP boundary; every request is checked against Meta's node specs
(the IG media's `comments` edge) by the `upstream` fixture, and listed comments against the
`IGComment` node. The create answer (`IGGraphComment`, no spec file) is `{"id"}` only.
"""

from __future__ import annotations

import pytest

from letmepost.errors import PlatformAuthFailed, PlatformRateLimited, PlatformRejected
from letmepost.ids import uuid7
from platforms.base import Draft, PublishResult, ReconcileUnsupported, ReplyTo
from platforms.instagram.adapter import InstagramAdapter
from platforms.models import PlatformAccount
from tests.platforms.instagram.conftest import api, payload, sent
from tests.platforms.meta.graph_spec import response_errors

pytestmark = pytest.mark.django_db

MEDIA_ID = payload("published")["id"]
COMMENTS = api(f"{MEDIA_ID}/comments")
ROOT = PublishResult(uri=payload("permalink")["permalink"], cid=MEDIA_ID)
FIRST = ReplyTo(parent=ROOT, root=ROOT)
TEXT = "Recipe in the next comment"


def comment(text: str = TEXT) -> Draft:
    return Draft(text=text, idempotency_token=f"{uuid7()}.1")


def test_instagram_threads_are_comments() -> None:
    assert InstagramAdapter.thread_style == "comments"


def test_a_comment_goes_to_the_media_as_its_message(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(COMMENTS, json=payload("comment"))
    result = InstagramAdapter(account).publish_reply(comment(), FIRST)
    (call,) = upstream.calls
    assert sent(call) == {"message": TEXT}
    # Instagram comments have no address of their own: the post's permalink stands in.
    assert (result.cid, result.uri) == (payload("comment")["id"], ROOT.uri)


def test_a_token_without_the_comments_permission_is_auth_failed(
    account: PlatformAccount, upstream
) -> None:
    refusal = {
        "error": {
            "message": "(#10) Application does not have permission for this action",
            "type": "OAuthException",
            "code": 10,
            "fbtrace_id": "AbCdEf",
        }
    }
    upstream.post(COMMENTS, status=403, json=refusal)
    with pytest.raises(PlatformAuthFailed) as caught:
        InstagramAdapter(account).publish_reply(comment(), FIRST)
    assert "grant every permission" in caught.value.fields["remediation"]


def test_a_refused_comment_is_rejected(account: PlatformAccount, upstream) -> None:
    refusal = {
        "error": {
            "message": "Invalid parameter",
            "type": "OAuthException",
            "code": 100,
            "error_subcode": 2534023,
            "fbtrace_id": "AbCdEg",
        }
    }
    upstream.post(COMMENTS, status=400, json=refusal)
    with pytest.raises(PlatformRejected) as caught:
        InstagramAdapter(account).publish_reply(comment(), FIRST)
    assert caught.value.fields["platform_response"] == refusal


def test_a_rate_limited_comment_waits(account: PlatformAccount, upstream) -> None:
    upstream.post(
        COMMENTS,
        status=400,
        json=payload("error_rate"),
        headers={"Retry-After": "90"},
    )
    with pytest.raises(PlatformRateLimited) as caught:
        InstagramAdapter(account).publish_reply(comment(), FIRST)
    assert caught.value.retry_after == 90


def test_reconcile_finds_our_username_s_comment(
    account: PlatformAccount, upstream
) -> None:
    listed = payload("comments")
    assert response_errors("IGComment", listed) == []
    upstream.get(COMMENTS, json=listed)
    found = InstagramAdapter(account).reconcile_reply(comment(), FIRST)
    assert found == PublishResult(uri=ROOT.uri, cid="17871234567890123")
    assert sent(upstream.calls[0])["fields"] == "id,text,username"


def test_reconcile_says_absent_or_cannot_tell(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(COMMENTS, json=payload("comments"))
    assert InstagramAdapter(account).reconcile_reply(comment("Not sent"), FIRST) is None
    partial = payload("comments")
    partial["paging"]["next"] = f"{COMMENTS}?after=QVFIUjJfdGVzdA"
    upstream.get(COMMENTS, json=partial)
    with pytest.raises(ReconcileUnsupported):
        InstagramAdapter(account).reconcile_reply(comment("Not sent"), FIRST)

"""Thread items and first comments on a Facebook Page: comments by the Page on its post.

Graph is faked at the HTTP boundary; every request is checked against Meta's node specs
(PagePost's `comments` edge) by the `upstream` fixture, and the canned answers against the
`Comment` node.
"""

from __future__ import annotations

import pytest
import requests

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
from platforms.facebook.adapter import FacebookAdapter
from platforms.models import PlatformAccount
from tests.platforms.facebook.conftest import PAGE_ID, api, payload, sent
from tests.platforms.meta.graph_spec import call_params, response_errors

pytestmark = pytest.mark.django_db

POST_ID = payload("feed_post")["id"]
COMMENTS = api(f"{POST_ID}/comments")
ROOT = PublishResult(uri=f"https://www.facebook.com/{PAGE_ID}/posts/1", cid=POST_ID)
FIRST = ReplyTo(parent=ROOT, root=ROOT)
TEXT = "Fresh croissants from 6 pm (3/3)"
PHOTO = "https://cdn.example.com/croissant.jpg"


def comment(text: str = TEXT, *media: MediaItem) -> Draft:
    return Draft(text=text, idempotency_token=f"{uuid7()}.2", media=media)


def answered(name: str) -> dict:
    body = payload(name)
    assert response_errors("Comment", body) == []
    return body


def test_facebook_threads_are_comments() -> None:
    assert FacebookAdapter.thread_style == "comments"


def test_a_comment_goes_to_the_post_with_its_message(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(COMMENTS, json=answered("comment"))
    result = FacebookAdapter(account).publish_reply(comment(), FIRST)
    (call,) = upstream.calls
    assert sent(call) == {"message": TEXT}
    assert call_params(call)["access_token"] == account.credentials["accessToken"]
    assert result.cid == payload("comment")["id"]
    assert result.uri == (
        f"https://www.facebook.com/{PAGE_ID}/posts/122105432109876543"
        "?comment_id=1043517620834567"
    )


def test_a_photo_comment_sends_the_photo_by_url(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(COMMENTS, json=answered("comment"))
    FacebookAdapter(account).publish_reply(
        comment("", MediaItem(kind="image", url=PHOTO)), FIRST
    )
    assert sent(upstream.calls[0]) == {"attachment_url": PHOTO}


def test_a_refused_comment_is_rejected_with_graph_s_answer(
    account: PlatformAccount, upstream
) -> None:
    refusal = {
        "error": {
            "message": "(#100) Invalid parameter",
            "type": "OAuthException",
            "code": 100,
            "fbtrace_id": "AcmX1",
        }
    }
    upstream.post(COMMENTS, status=400, json=refusal)
    with pytest.raises(PlatformRejected) as caught:
        FacebookAdapter(account).publish_reply(comment(), FIRST)
    assert caught.value.fields["platform_response"] == refusal


def test_a_missing_engagement_permission_is_auth_failed_without_flagging(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(COMMENTS, status=403, json=payload("error_permission"))
    with pytest.raises(PlatformAuthFailed):
        FacebookAdapter(account).publish_reply(comment(), FIRST)
    account.refresh_from_db()
    assert (
        account.status == PlatformAccount.Status.ACTIVE
    )  # a permission, not a dead token


def test_a_page_rate_limit_waits_as_meta_estimates(
    account: PlatformAccount, upstream
) -> None:
    usage = '{"104528331234567":[{"type":"pages","estimated_time_to_regain_access":7}]}'
    upstream.post(
        COMMENTS,
        status=400,
        json=payload("error_page_rate"),
        headers={"X-Business-Use-Case-Usage": usage},
    )
    with pytest.raises(PlatformRateLimited) as caught:
        FacebookAdapter(account).publish_reply(comment(), FIRST)
    assert caught.value.retry_after == 7 * 60


def test_a_lost_answer_is_an_unknown_outcome(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(COMMENTS, body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(PublishOutcomeUnknown):
        FacebookAdapter(account).publish_reply(comment(), FIRST)


def test_reconcile_finds_the_page_s_comment_with_our_message(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(COMMENTS, json=answered("comments"))
    found = FacebookAdapter(account).reconcile_reply(comment(), FIRST)
    assert found is not None and found.cid == "122105432109876543_1043517620834567"
    params = sent(upstream.calls[0])
    assert params["fields"] == "id,message,from"
    assert (params["filter"], params["order"]) == ("stream", "reverse_chronological")


def test_reconcile_says_absent_when_every_comment_was_read(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(COMMENTS, json=answered("comments"))
    assert FacebookAdapter(account).reconcile_reply(comment("Not sent"), FIRST) is None


def test_reconcile_cannot_tell_from_a_partial_list_or_a_bare_photo(
    account: PlatformAccount, upstream
) -> None:
    page = payload("comments")
    page["paging"]["next"] = f"{COMMENTS}?after=QVFIUmJfdGVzdA"
    upstream.get(COMMENTS, json=page)
    with pytest.raises(ReconcileUnsupported):
        FacebookAdapter(account).reconcile_reply(comment("Not sent"), FIRST)
    with pytest.raises(ReconcileUnsupported):  # no call: nothing to recognise it by
        FacebookAdapter(account).reconcile_reply(
            comment(" ", MediaItem(kind="image", url=PHOTO)), FIRST
        )

"""Thread items and first comments on LinkedIn: comments on the post, at the HTTP boundary.

LinkedIn publishes no machine-readable description: requests are checked against the Comments
API's documented shapes (`shapes.COMMENT`, on every call by the `upstream` fixture) and the
canned answers against its documented comment entity (`shapes.COMMENT_ANSWER`).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests

from letmepost.errors import (
    PlatformAuthFailed,
    PlatformRateLimited,
    PlatformRejected,
    PublishOutcomeUnknown,
)
from letmepost.ids import uuid7
from platforms.base import Draft, PublishResult, ReconcileUnsupported, ReplyTo
from platforms.linkedin.adapter import LinkedInAdapter
from platforms.models import PlatformAccount
from tests.platforms.linkedin.conftest import (
    ORGANIZATION,
    PERSON,
    api,
    connect_linkedin,
    payload,
    sent_json,
)
from tests.platforms.linkedin.shapes import COMMENT_ANSWER, COMMENTS_ANSWER, body_errors

pytestmark = pytest.mark.django_db

POST = "urn:li:share:7151250000000000000"
COMMENTS = api(f"/rest/socialActions/{quote(POST, safe='')}/comments")
TEXT = "Sources in the first comment (1/2)"
OURS = payload("comment_created")["commentUrn"]
ROOT = PublishResult(uri=f"https://www.linkedin.com/feed/update/{POST}/", cid=POST)
FIRST = ReplyTo(parent=ROOT, root=ROOT)


def comment(text: str = TEXT) -> Draft:
    return Draft(text=text, idempotency_token=f"{uuid7()}.1")


def answered(name: str) -> dict:
    body = payload(name)
    schema = COMMENTS_ANSWER if "elements" in body else COMMENT_ANSWER
    assert body_errors(schema, body) == []
    return body


def test_linkedin_threads_are_comments() -> None:
    assert LinkedInAdapter.thread_style == "comments"


def test_a_comment_goes_to_the_post_s_social_actions_as_its_author(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(COMMENTS, status=201, json=answered("comment_created"))
    result = LinkedInAdapter(account).publish_reply(comment(), FIRST)
    (call,) = upstream.calls
    # Plain text: the Comments API does not read Little Text Format, so "(1/2)" is not escaped.
    assert sent_json(call) == {
        "actor": PERSON,
        "object": POST,
        "message": {"text": TEXT},
    }
    assert result.cid == OURS
    assert result.uri == (
        f"https://www.linkedin.com/feed/update/{POST}/?commentUrn={quote(OURS, safe='')}"
    )


def test_an_organization_comments_as_the_organization(owner, upstream) -> None:
    account = connect_linkedin(owner, organization=True)
    upstream.post(COMMENTS, status=201, json=answered("comment_created"))
    LinkedInAdapter(account).publish_reply(comment(), FIRST)
    assert sent_json(upstream.calls[0])["actor"] == ORGANIZATION


def test_an_id_in_the_header_only_still_names_the_comment(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(
        COMMENTS, status=201, body="", headers={"x-restli-id": "7151260000000000009"}
    )
    result = LinkedInAdapter(account).publish_reply(comment(), FIRST)
    assert result.cid == f"urn:li:comment:({POST},7151260000000000009)"


def test_a_refused_comment_is_rejected_with_linkedin_s_answer(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(COMMENTS, status=422, json=payload("error_422_duplicate"))
    with pytest.raises(PlatformRejected) as caught:
        LinkedInAdapter(account).publish_reply(comment(), FIRST)
    assert caught.value.fields["rule"] == "linkedin.post.duplicate"
    assert caught.value.fields["platform_response"] == payload("error_422_duplicate")


def test_an_expired_token_fails_the_comment_and_flags_the_account(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(COMMENTS, status=401, json=payload("error_401_expired"))
    with pytest.raises(PlatformAuthFailed):
        LinkedInAdapter(account).publish_reply(comment(), FIRST)
    account.refresh_from_db()
    assert account.status == "needs_reauth"


def test_a_throttled_comment_waits_as_linkedin_says(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(
        COMMENTS,
        status=429,
        json=payload("error_429"),
        headers={"Retry-After": "120"},
    )
    with pytest.raises(PlatformRateLimited) as caught:
        LinkedInAdapter(account).publish_reply(comment(), FIRST)
    assert caught.value.retry_after == 120


def test_a_lost_answer_is_an_unknown_outcome(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(COMMENTS, body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(PublishOutcomeUnknown):
        LinkedInAdapter(account).publish_reply(comment(), FIRST)


def test_reconcile_finds_our_comment_by_author_and_text(
    account: PlatformAccount, upstream
) -> None:
    # Someone else wrote the same words first; only the author's comment is ours.
    upstream.get(COMMENTS, json=answered("comments_page"))
    found = LinkedInAdapter(account).reconcile_reply(comment(), FIRST)
    assert found is not None and found.cid == OURS
    assert upstream.calls[0].request.url.endswith("?count=100")


def test_reconcile_says_absent_when_the_whole_list_lacks_it(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(COMMENTS, json=answered("comments_page"))
    assert LinkedInAdapter(account).reconcile_reply(comment("Other"), FIRST) is None


def test_reconcile_skips_the_previous_item_and_cannot_tell_two_apart(
    account: PlatformAccount, upstream
) -> None:
    page = answered("comments_page")
    upstream.get(COMMENTS, json=page)
    # The same text as the previous item: that one is not this item, so this one is absent.
    previous = PublishResult(uri=None, cid=OURS)
    assert (
        LinkedInAdapter(account).reconcile_reply(comment(), ReplyTo(previous, ROOT))
        is None
    )
    twice = payload("comments_page")
    twice["elements"][0]["actor"] = PERSON
    twice["elements"][0]["agent"] = PERSON
    upstream.get(COMMENTS, json=twice)
    with pytest.raises(ReconcileUnsupported):
        LinkedInAdapter(account).reconcile_reply(comment(), FIRST)


def test_reconcile_without_the_read_scope_cannot_tell(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(COMMENTS, status=403, json=payload("error_403"))
    with pytest.raises(ReconcileUnsupported):
        LinkedInAdapter(account).reconcile_reply(comment(), FIRST)


def test_reconcile_of_a_partial_list_cannot_tell(
    account: PlatformAccount, upstream
) -> None:
    page = payload("comments_page")
    page["paging"]["total"] = 250
    upstream.get(COMMENTS, json=page)
    with pytest.raises(ReconcileUnsupported):
        LinkedInAdapter(account).reconcile_reply(comment("Other"), FIRST)


def test_post_validated_lists_comment_rules_only_when_the_post_has_comments(
    account: PlatformAccount,
) -> None:
    from posts.requests import PostRequest, TargetRequest
    from posts.services import Caller, check_post

    caller = Caller(workspace=account.workspace, scope=None, livemode=True)

    def reported(**fields: object) -> set[str]:
        request = PostRequest(
            text="Analytical engines",
            targets=(TargetRequest(account_id=str(account.pk)),),
            **fields,  # type: ignore[arg-type]
        )
        (checked,) = check_post(caller=caller, request=request)
        return {entry["rule"] for entry in checked.rule_report()}

    assert "linkedin.text.max_graphemes" in reported()
    assert not {r for r in reported() if r.startswith("linkedin.comment.")}
    assert "linkedin.comment.max_graphemes" in reported(first_comment="Sources")

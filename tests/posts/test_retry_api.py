"""`POST /v1/posts/{id}/retry`: the failed target's content, published again as a new post."""

from __future__ import annotations

from platforms.models import SandboxPost
from posts.models import PostTarget
from tests.conftest import Persona, connect_sandbox, error_of, make_persona, post_json


def failed_post(owner: Persona, text: str = "again") -> str:
    account = connect_sandbox(owner, "retry")
    body = {"targets": [{"accountId": str(account.pk)}], "text": text}
    answer = post_json(
        owner.client,
        "/v1/posts",
        body,
        HTTP_LETMEPOST_SANDBOX_OUTCOME="platform_rejected",
    )
    result = answer.json()["results"][0]
    assert result["status"] == "rejected"
    return result["postId"]


def test_a_rejected_post_is_published_again_as_a_new_post(owner: Persona) -> None:
    post_id = failed_post(owner)
    answer = post_json(owner.client, f"/v1/posts/{post_id}/retry", {})
    assert answer.status_code == 200, answer.json()
    (result,) = answer.json()["results"]
    assert result["status"] == "published" and result["postId"] != post_id
    assert SandboxPost.objects.filter(token=result["postId"]).count() == 1
    assert PostTarget.objects.get(pk=post_id).status == PostTarget.Status.REJECTED


def test_the_same_key_replays_the_retry_instead_of_posting_twice(
    owner: Persona,
) -> None:
    post_id = failed_post(owner)
    first = post_json(
        owner.client, f"/v1/posts/{post_id}/retry", {}, HTTP_IDEMPOTENCY_KEY="r-1"
    )
    again = post_json(
        owner.client, f"/v1/posts/{post_id}/retry", {}, HTTP_IDEMPOTENCY_KEY="r-1"
    )
    assert again.json() == first.json()
    assert PostTarget.objects.filter(workspace=owner.workspace).count() == 2


def test_a_published_post_is_not_retried(owner: Persona) -> None:
    post_id = failed_post(owner)
    new_id = post_json(owner.client, f"/v1/posts/{post_id}/retry", {}).json()[
        "results"
    ][0]["postId"]
    answer = post_json(owner.client, f"/v1/posts/{new_id}/retry", {})
    assert answer.status_code == 409
    assert error_of(answer)["rule"] == "post.retry.status"


def test_an_unknown_outcome_is_retried_only_when_confirmed(owner: Persona) -> None:
    post_id = failed_post(owner)
    target = PostTarget.objects.get(pk=post_id)
    PostTarget.objects.filter(pk=post_id).update(
        error={**target.error, "rule": "publish.outcome_unknown"}
    )
    refused = post_json(owner.client, f"/v1/posts/{post_id}/retry", {})
    assert refused.status_code == 409
    assert error_of(refused)["rule"] == "post.retry.outcome_unknown"
    confirmed = post_json(
        owner.client, f"/v1/posts/{post_id}/retry", {"confirmUnknown": True}
    )
    assert confirmed.json()["results"][0]["status"] == "published"


def test_another_workspaces_post_is_not_found(owner: Persona) -> None:
    post_id = failed_post(owner)
    stranger = make_persona("stranger@example.com")
    answer = post_json(stranger.client, f"/v1/posts/{post_id}/retry", {})
    assert answer.status_code == 404
    assert error_of(answer)["code"] == "not_found"

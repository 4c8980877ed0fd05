"""The post log: `GET /v1/posts` filters and cursor, `GET /v1/posts/{id}`, PATCH and DELETE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accounts.services import create_profile
from letmepost.api.fields import format_datetime
from posts.models import PostTarget
from tests.conftest import Persona, api_client, connect_sandbox, error_of, post_json


def later(hours: int = 1) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(hours=hours))


@pytest.fixture
def account(owner: Persona):
    return connect_sandbox(owner, "log")


def publish(persona: Persona, account, text: str = "hello", **extra) -> dict:
    body = {"targets": [{"accountId": str(account.pk)}], "text": text, **extra}
    return post_json(persona.client, "/v1/posts", body).json()["results"][0]


def test_detail_has_the_post_and_its_real_attempts(owner: Persona, account) -> None:
    result = publish(owner, account)
    detail = owner.client.get(f"/v1/posts/{result['postId']}").json()
    assert detail["status"] == "published" and detail["platformUri"] == result["uri"]
    assert detail["account"] == {
        "id": str(account.pk),
        "platform": "sandbox",
        "platformAccountId": "log",
        "displayName": "log",
    }
    assert detail["profileId"] == str(owner.profile.pk) and detail["mediaRefs"] == []
    (attempt,) = detail["attempts"]
    assert (attempt["attemptNumber"], attempt["succeeded"], attempt["errorCode"]) == (
        1,
        True,
        None,
    )
    assert detail["publishedAt"].endswith("Z")


def test_failed_posts_keep_their_error_with_platform_version(
    owner: Persona, account
) -> None:
    body = {"targets": [{"accountId": str(account.pk)}], "text": "x"}
    post_id = post_json(
        owner.client,
        "/v1/posts",
        body,
        HTTP_LETMEPOST_SANDBOX_OUTCOME="platform_auth_failed",
    ).json()["results"][0]["postId"]
    detail = owner.client.get(f"/v1/posts/{post_id}").json()
    assert detail["error"]["code"] == "platform_auth_failed"
    assert (detail["error"]["platform"], detail["error"]["platformVersion"]) == (
        "sandbox",
        "sandbox-v1",
    )
    assert detail["attempts"][0]["succeeded"] is False
    codes = owner.client.get("/v1/posts?errorCode=platform_auth_failed").json()["data"]
    assert [p["id"] for p in codes] == [post_id]


def test_list_filters_compose(owner: Persona, account) -> None:
    published = publish(owner, account, "Launch day")
    queued = publish(owner, account, "Later news", scheduledAt=later())

    def ids(query: str) -> list[str]:
        response = owner.client.get(f"/v1/posts{query}")
        assert response.status_code == 200, response.content
        return [p["id"] for p in response.json()["data"]]

    assert ids("") == [queued["postId"], published["postId"]]
    assert ids("?status=queued") == [queued["postId"]]
    assert ids("?status=queued,published") == [queued["postId"], published["postId"]]
    assert ids("?q=launch") == [published["postId"]]
    assert ids("?q=100%25") == []
    assert ids(f"?accountId={account.pk}&platform=sandbox&status=published") == [
        published["postId"]
    ]
    assert ids("?platform=bluesky") == []
    assert (
        ids(f"?after={format_datetime(datetime.now(UTC) + timedelta(minutes=5))}") == []
    )
    assert (
        ids(f"?before={format_datetime(datetime.now(UTC) + timedelta(minutes=5))}")
        != []
    )


@pytest.mark.parametrize(
    ("query", "rule"),
    [
        ("?limit=0", "limit"),
        ("?limit=201", "limit"),
        ("?limit=x", "limit"),
        ("?status=done", "status.0"),
        ("?platform=myspace", "platform.0"),
        ("?after=2026-01-01T00:00:00", "after"),
        ("?profileId=nope", "profileId"),
        ("?staus=queued", "query.unknown"),
        ("?accountId=", "accountId"),
    ],
)
def test_bad_queries_name_the_parameter(owner: Persona, query: str, rule: str) -> None:
    response = owner.client.get(f"/v1/posts{query}")
    assert response.status_code == 400
    assert error_of(response)["rule"] == rule


def test_the_cursor_walks_every_row_once(owner: Persona, account) -> None:
    made = [
        publish(owner, account, f"post {i}", scheduledAt=later())["postId"]
        for i in range(7)
    ]
    seen, cursor = [], None
    for _ in range(10):
        page = owner.client.get(
            "/v1/posts?limit=3" + (f"&cursor={cursor}" if cursor else "")
        ).json()
        seen += [p["id"] for p in page["data"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert seen == list(reversed(made))
    assert (
        owner.client.get("/v1/posts?cursor=garbage!").status_code == 200
    )  # ignored, first page


def test_reschedule_and_cancel(owner: Persona, account) -> None:
    post_id = publish(owner, account, scheduledAt=later())["postId"]
    new_time = later(3)
    moved = owner.client.patch(
        f"/v1/posts/{post_id}",
        data={"scheduledAt": new_time},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["scheduledAt"] == new_time
    assert PostTarget.objects.get(pk=post_id).due_at == datetime.fromisoformat(
        new_time.replace("Z", "+00:00")
    )
    past = owner.client.patch(
        f"/v1/posts/{post_id}",
        data={"scheduledAt": format_datetime(datetime.now(UTC))},
        content_type="application/json",
    )
    assert past.status_code == 400 and error_of(past)["rule"] == "scheduledAt.future"
    canceled = owner.client.delete(f"/v1/posts/{post_id}")
    assert canceled.json() == {"id": post_id, "status": "canceled"}
    again = owner.client.delete(f"/v1/posts/{post_id}")
    assert again.status_code == 409 and error_of(again)["rule"] == "post.status"
    patch = owner.client.patch(
        f"/v1/posts/{post_id}",
        data={"scheduledAt": new_time},
        content_type="application/json",
    )
    assert patch.status_code == 409


def test_a_published_post_cannot_be_changed(owner: Persona, account) -> None:
    post_id = publish(owner, account)["postId"]
    response = owner.client.delete(f"/v1/posts/{post_id}")
    assert (
        response.status_code == 409
        and error_of(response)["code"] == "validation_failed"
    )


def test_other_workspaces_and_profiles_see_nothing(
    owner: Persona, outsider: Persona, account, key_factory
) -> None:
    post_id = publish(owner, account, scheduledAt=later())["postId"]
    assert outsider.client.get(f"/v1/posts/{post_id}").status_code == 404
    assert outsider.client.delete(f"/v1/posts/{post_id}").status_code == 404
    assert outsider.client.get("/v1/posts").json()["data"] == []
    scoped = api_client(
        key_factory(profile=create_profile(workspace=owner.workspace, name="Other"))
    )
    hidden = scoped.get(f"/v1/posts/{post_id}")
    assert (
        hidden.status_code == 404
        and error_of(hidden)["rule"] == "api_key.profile_scope"
    )
    assert scoped.get("/v1/posts").json()["data"] == []
    assert scoped.get(f"/v1/posts?profileId={owner.profile.pk}").status_code == 404
    assert PostTarget.objects.get(pk=post_id).status == "queued"


def test_validate_checks_everything_and_writes_nothing(owner: Persona, account) -> None:
    ok = post_json(
        owner.client,
        "/v1/posts/validate",
        {"targets": [{"accountId": str(account.pk)}], "text": "fine"},
    )
    assert ok.json() == {
        "valid": True,
        "results": [
            {
                "accountId": str(account.pk),
                "platform": "sandbox",
                "valid": True,
                "violations": [],
            }
        ],
    }
    bad = post_json(
        owner.client,
        "/v1/posts/validate",
        {"targets": [{"accountId": str(account.pk)}], "text": "x" * 600},
    ).json()
    assert bad["valid"] is False
    (violation,) = bad["results"][0]["violations"]
    assert (
        violation["rule"] == "sandbox.text.max_graphemes"
        and violation["severity"] == "error"
    )
    assert not PostTarget.objects.exists()

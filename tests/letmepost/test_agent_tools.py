"""letmepost.dev's MCP tool set, projected from an OpenAPI document (letmepost/agent_tools.py)."""

from __future__ import annotations

import pytest

from letmepost.agent_tools import (
    BadArguments,
    operations,
    our_operations,
    tool_name,
)
from tests.fixtures.reference_openapi import reference_document

# surfaces.md §2: the tools letmepost.dev's MCP server generates from its current OpenAPI.
REFERENCE_TOOLS = {
    "post_v1_posts",
    "get_v1_posts",
    "get_v1_posts_by_id",
    "patch_v1_posts_by_id",
    "delete_v1_posts_by_id",
    "get_v1_media",
    "get_v1_accounts",
    "get_v1_accounts_by_id",
    "delete_v1_accounts_by_id",
    "post_v1_accounts_connect_by_platform",
    "post_v1_accounts_connect_by_platform_complete",
    "get_v1_accounts_by_id_pinterest_boards",
    "post_v1_accounts_by_id_pinterest_boards",
    "patch_v1_accounts_by_id_pinterest_default_board",
    "post_v1_api_keys",
    "get_v1_api_keys",
    "delete_v1_api_keys_by_id",
    "post_v1_webhook_endpoints",
    "get_v1_webhook_endpoints",
    "get_v1_webhook_endpoints_by_id",
    "patch_v1_webhook_endpoints_by_id",
    "delete_v1_webhook_endpoints_by_id",
    "post_v1_webhook_endpoints_by_id_test",
}


@pytest.mark.parametrize(
    ("method", "path", "name"),
    [
        ("post", "/v1/posts", "post_v1_posts"),
        ("get", "/v1/posts/{id}", "get_v1_posts_by_id"),
        ("delete", "/v1/webhook-endpoints/{id}", "delete_v1_webhook_endpoints_by_id"),
        (
            "patch",
            "/v1/accounts/{id}/pinterest/default-board",
            "patch_v1_accounts_by_id_pinterest_default_board",
        ),
        (
            "post",
            "/v1/accounts/connect/{platform}/complete",
            "post_v1_accounts_connect_by_platform_complete",
        ),
        # Any run of other characters is one `_`; `_` itself is kept; all lower case.
        ("get", "/v1/Odd--name.x/{eventId}", "get_v1_odd_name_x_by_eventid"),
        ("get", "/v1/a_-b/", "get_v1_a__b"),
    ],
)
def test_a_tool_is_named_after_its_method_and_path(
    method: str, path: str, name: str
) -> None:
    assert tool_name(method, path) == name


def test_the_reference_document_projects_to_the_reference_tool_list() -> None:
    tools = operations(reference_document())
    assert set(tools) == REFERENCE_TOOLS  # POST /v1/media is multipart-only: no tool
    post = tools["post_v1_posts"].input_schema
    assert post["required"] == ["targets"]
    assert post["additionalProperties"] is False
    assert "$ref" not in str(post)  # inlined: the schema stands alone
    assert tools["patch_v1_posts_by_id"].input_schema["required"] == [
        "id",
        "scheduledAt",
    ]
    assert "idempotencyKey" not in tools["get_v1_posts"].input_schema["properties"]
    assert "idempotencyKey" in tools["delete_v1_posts_by_id"].input_schema["properties"]


def test_every_operation_we_serve_is_a_tool_named_as_letmepost_dev_names_it() -> None:
    ours = our_operations()
    assert set(ours) >= REFERENCE_TOOLS
    assert {(op.method, op.path) for op in ours.values()} >= {
        ("GET", "/v1/posts/{post_id}"),
        ("POST", "/v1/posts/validate"),
        ("GET", "/v1/profiles"),
    }
    # Our `{post_id}` is letmepost.dev's `{id}`; other parameters keep their names.
    replay = ours["post_v1_webhook_endpoints_by_id_replay_by_event_id"]
    assert replay.input_schema["required"] == ["id", "eventId"]
    assert not any(
        "oauth" in op.path for op in ours.values()
    )  # a browser's redirect target


def test_arguments_are_split_into_path_query_and_body() -> None:
    ours = our_operations()
    fetched = ours["get_v1_posts_by_id"].request({"id": "a/b c"})
    assert (fetched.path, fetched.params, fetched.body) == (
        "/v1/posts/a%2Fb%20c",
        {},
        None,
    )

    listed = ours["get_v1_posts"].request(
        {"status": "failed", "limit": 5, "cursor": None}
    )
    assert (listed.path, listed.params, listed.body) == (
        "/v1/posts",
        {"status": "failed", "limit": 5},
        None,
    )

    rescheduled = ours["patch_v1_posts_by_id"].request(
        {"id": "p1", "scheduledAt": "2099-01-01T00:00:00Z", "idempotencyKey": "k1"}
    )
    assert rescheduled.path == "/v1/posts/p1"
    assert rescheduled.body == {"scheduledAt": "2099-01-01T00:00:00Z"}
    assert rescheduled.idempotency_key == "k1"

    rotated = ours["post_v1_webhook_endpoints_by_id_rotate_secret"].request(
        {"id": "e1"}
    )
    assert rotated.body is None  # the operation takes no body


def test_arguments_outside_the_schema_are_refused() -> None:
    get = our_operations()["get_v1_posts_by_id"]
    with pytest.raises(BadArguments, match="unknown argument"):
        get.request({"id": "p1", "postId": "p1"})
    with pytest.raises(BadArguments, match="missing required argument id"):
        get.request({})


def test_a_tool_says_what_its_operation_does_in_summary_and_description() -> None:
    create = our_operations()["post_v1_posts"]
    assert create.description.startswith(
        "POST /v1/posts. Publish, schedule or save a post. "
    )
    assert "Idempotency-Key" in create.description  # from the operation's description

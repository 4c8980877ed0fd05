"""The MCP endpoint at /mcp, driven by the official MCP client against a real `serve` process."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from letmepost.agent_tools import operations
from tests.e2e.support import REPO, boot_env, bootstrap_key, http, serving
from tests.fixtures.reference_openapi import (
    assert_matches_reference,
    reference_document,
)

BROWSER_APP = "https://agents.example.com"
TASK_TOOLS = {
    "publish_post",
    "schedule_post",
    "validate_post",
    "list_accounts",
    "list_posts",
    "get_post",
    "cancel_post",
    "reschedule_post",
    "upload_media",
    "list_preflight_rules",
    "platform_versions",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    env = boot_env(
        Path(tmp_path_factory.mktemp("mcp")),
        LETMEPOST_CORS_ALLOWED_ORIGINS=BROWSER_APP,
        LETMEPOST_WEBHOOKS_ALLOW_PRIVATE="true",  # the webhook endpoint below is loopback
    )
    key = bootstrap_key(env)
    with serving(env) as process:
        url = process.extra["url"]
        status, account = http(
            "POST",
            f"{url}/v1/accounts/connect/sandbox/complete",
            {"handle": "agent"},
            key,
        )
        assert status == 201, account
        yield {"url": url, "key": key, "accountId": account["id"]}


def call(server: dict[str, str], steps: Any, key: str | None = None) -> Any:
    """Open an MCP session to the server with `key` and run `steps(session)`."""

    async def run() -> Any:
        headers = {"Authorization": f"Bearer {key or server['key']}"}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=30) as client,
            streamable_http_client(
                f"{server['url']}/mcp", http_client=client
            ) as streams,
            ClientSession(streams[0], streams[1]) as session,
        ):
            await session.initialize()
            return await steps(session)

    return asyncio.run(run())


def payload(result: Any) -> Any:
    """The tool's JSON; an error's text is "Error executing tool <name>: <envelope>"."""
    text = result.content[0].text
    return json.loads(text[text.index("{") :])


def test_the_tools_are_listed_with_their_input_schemas(server: dict[str, str]) -> None:
    async def steps(session: ClientSession) -> Any:
        return (await session.list_tools()).tools

    tools = {t.name: t for t in call(server, steps)}
    assert set(tools) == TASK_TOOLS | api_tools(server)
    schedule = tools["schedule_post"].input_schema
    assert set(schedule["required"]) == {"text", "account_ids", "scheduled_at"}


def test_an_agent_publishes_and_reads_the_post_back(server: dict[str, str]) -> None:
    async def steps(session: ClientSession) -> Any:
        accounts = payload(await session.call_tool("list_accounts", {}))
        published = await session.call_tool(
            "publish_post",
            {
                "text": "from an agent",
                "account_ids": [accounts["data"][0]["id"]],
                "idempotency_key": "agent-key-1",
            },
        )
        again = await session.call_tool(
            "publish_post",
            {
                "text": "from an agent",
                "account_ids": [accounts["data"][0]["id"]],
                "idempotency_key": "agent-key-1",
            },
        )
        post_id = payload(published)["results"][0]["postId"]
        fetched = await session.call_tool("get_post", {"post_id": post_id})
        return published, again, fetched

    published, again, fetched = call(server, steps)
    assert not published.is_error, published.content
    assert payload(published)["status"] == "published"
    assert payload(again) == payload(published)  # replayed, not posted twice
    assert payload(fetched)["status"] == "published"


def test_a_refused_call_returns_the_error_envelope_for_the_agent(
    server: dict[str, str],
) -> None:
    async def steps(session: ClientSession) -> Any:
        return await session.call_tool(
            "publish_post",
            {"text": "x" * 5000, "account_ids": [server["accountId"]]},
        )

    result = call(server, steps)
    assert result.is_error
    error = payload(result)["error"]
    assert error["code"] == "preflight_failed"
    assert error["violations"][0]["rule"] == "sandbox.text.max_graphemes"
    assert error["remediation"]
    assert error["requestId"]


def test_an_agent_with_a_test_key_cannot_touch_a_live_post(
    server: dict[str, str],
) -> None:
    """The MCP tools call /v1 with the agent's own key, so its mode decides (D23)."""
    url, live = server["url"], server["key"]
    status, minted = http(
        "POST", f"{url}/v1/api-keys", {"name": "agent", "prefix": "lmp_test_"}, live
    )
    assert status == 201, minted
    status, created = http(
        "POST",
        f"{url}/v1/posts",
        {
            "targets": [{"accountId": server["accountId"]}],
            "text": "live and queued",
            "scheduledAt": "2099-01-01T00:00:00Z",
        },
        live,
    )
    assert status == 202, created
    post_id = created["results"][0]["postId"]

    async def steps(session: ClientSession) -> Any:
        return [
            await session.call_tool("cancel_post", {"post_id": post_id}),
            await session.call_tool(
                "reschedule_post",
                {"post_id": post_id, "scheduled_at": "2099-06-01T00:00:00Z"},
            ),
        ]

    for result in call(server, steps, key=minted["key"]):
        assert result.is_error
        assert payload(result)["error"]["code"] == "not_found"
    status, post = http("GET", f"{url}/v1/posts/{post_id}", key=live)
    assert (status, post["status"], post["scheduledAt"]) == (
        200,
        "queued",
        "2099-01-01T00:00:00.000Z",
    )


def test_the_endpoint_refuses_a_missing_or_wrong_key(server: dict[str, str]) -> None:
    status, body = http("POST", f"{server['url']}/mcp", {"jsonrpc": "2.0"})
    assert status == 401
    assert body["error"]["code"] == "unauthenticated"
    status, body = http(
        "POST", f"{server['url']}/mcp", {"jsonrpc": "2.0"}, key="lmp_live_nope"
    )
    assert status == 401
    assert body["error"]["message"] == "API key is invalid or revoked."


def test_the_stdio_bridge_relays_tools_and_errors(server: dict[str, str]) -> None:
    """`letmepost mcp` (the SDK's bridge), run as a desktop agent would: over stdio."""
    bridge = REPO / "clients" / "python" / "src" / "letmepost" / "mcp_bridge.py"
    params = StdioServerParameters(
        command=sys.executable,
        args=[str(bridge)],
        env={
            "LETMEPOST_BASE_URL": server["url"],
            "LETMEPOST_API_KEY": server["key"],
            "PATH": os.environ.get("PATH", ""),
        },
    )

    async def run() -> Any:
        async with (
            stdio_client(params) as (read, write),
            ClientSession(read, write) as session,
        ):
            welcome = await session.initialize()
            tools = (await session.list_tools()).tools
            refused = await session.call_tool(
                "validate_post", {"text": "hi", "account_ids": ["nope"]}
            )
            return welcome, tools, refused

    welcome, tools, refused = asyncio.run(run())
    assert "get_v1_posts_by_id" in welcome.instructions  # the server's, relayed
    assert {t.name for t in tools} == TASK_TOOLS | api_tools(server)
    assert refused.is_error
    assert payload(refused)["error"]["code"] == "validation_failed"


# --- letmepost.dev's tool set: one tool per /v1 operation, named from the OpenAPI -------------


def api_tools(server: dict[str, str]) -> set[str]:
    """The tool names the server's own /v1/openapi.json projects to."""
    status, document = http("GET", f"{server['url']}/v1/openapi.json")
    assert status == 200
    return set(operations(document))


def test_every_letmepost_dev_tool_is_offered_with_its_arguments(
    server: dict[str, str],
) -> None:
    async def steps(session: ClientSession) -> Any:
        return (await session.list_tools()).tools

    offered = {t.name: t.input_schema for t in call(server, steps)}
    reference = operations(reference_document())
    assert len(reference) == 23  # surfaces.md: the reference server's current tool list
    assert set(reference) <= set(offered)
    for name, tool in reference.items():
        ours = offered[name]
        # Whatever an agent written for letmepost.dev sends, our tool accepts.
        assert set(tool.input_schema["properties"]) <= set(ours["properties"]), name
        assert ours["additionalProperties"] is False


def test_an_agent_calls_the_api_through_the_operation_tools(
    server: dict[str, str],
) -> None:
    """A POST with a body, a GET by id and a DELETE, as letmepost.dev's agents call them."""
    create = {
        "targets": [{"accountId": server["accountId"]}],
        "text": "from a letmepost.dev agent",
        "publishNow": True,
        "idempotencyKey": "op-tools-1",
    }

    async def steps(session: ClientSession) -> Any:
        published = await session.call_tool("post_v1_posts", create)
        replayed = await session.call_tool("post_v1_posts", create)
        post_id = payload(published)["results"][0]["postId"]
        fetched = await session.call_tool("get_v1_posts_by_id", {"id": post_id})
        endpoint = await session.call_tool(
            "post_v1_webhook_endpoints",
            {"url": "http://127.0.0.1:9/hook", "events": ["post.published"]},
        )
        endpoint_id = payload(endpoint)["id"]
        deleted = await session.call_tool(
            "delete_v1_webhook_endpoints_by_id", {"id": endpoint_id}
        )
        gone = await session.call_tool(
            "get_v1_webhook_endpoints_by_id", {"id": endpoint_id}
        )
        return published, replayed, fetched, endpoint, deleted, gone

    published, replayed, fetched, endpoint, deleted, gone = call(server, steps)
    for result in (published, fetched, endpoint, deleted):
        assert not result.is_error, result.content
    assert_matches_reference(
        payload(published), "CreatePostResponse", our_platforms=True
    )
    assert payload(replayed) == payload(published)  # the idempotencyKey argument held
    assert_matches_reference(payload(fetched), "PostDetail", our_platforms=True)
    assert payload(fetched)["status"] == "published"
    assert_matches_reference(payload(endpoint), "WebhookEndpointWithSecret")
    assert_matches_reference(payload(deleted), "DeletedResponse")
    assert gone.is_error
    assert payload(gone)["error"]["code"] == "not_found"


def test_an_operation_tool_refuses_arguments_its_schema_does_not_have(
    server: dict[str, str],
) -> None:
    async def steps(session: ClientSession) -> Any:
        return [
            await session.call_tool("get_v1_posts_by_id", {"postId": "x"}),
            await session.call_tool(
                "post_v1_posts",
                {"targets": [{"accountId": server["accountId"]}], "txt": "typo"},
            ),
        ]

    unknown, typo = call(server, steps)
    assert unknown.is_error
    assert "unknown argument(s) postId; allowed: id" in unknown.content[0].text
    assert typo.is_error  # not in the schema: refused before anything is posted
    assert "unknown argument(s) txt" in typo.content[0].text


def test_a_browser_on_an_allowed_origin_may_call_mcp(server: dict[str, str]) -> None:
    """The preflight carries no key: it is answered before the key check, for /mcp and /v1."""
    preflight = {
        "Origin": BROWSER_APP,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, mcp-protocol-version",
    }
    with httpx2.Client(base_url=server["url"], timeout=10) as client:
        for path in ("/mcp", "/v1/posts"):
            answer = client.options(path, headers=preflight)
            assert answer.status_code == 200, (path, answer.text)
            assert answer.headers["access-control-allow-origin"] == BROWSER_APP
            allowed = answer.headers["access-control-allow-headers"].lower()
            assert "mcp-protocol-version" in allowed
            assert "authorization" in allowed
        refused = client.post("/mcp", json={}, headers={"Origin": BROWSER_APP})
        assert refused.status_code == 401  # the envelope is readable by the page
        assert refused.headers["access-control-allow-origin"] == BROWSER_APP
        assert (
            "www-authenticate"
            in refused.headers["access-control-expose-headers"].lower()
        )
        other = client.options(
            "/mcp", headers={**preflight, "Origin": "https://evil.example.com"}
        )
        assert "access-control-allow-origin" not in other.headers

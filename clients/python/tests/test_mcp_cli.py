"""`letmepost mcp`, started by an MCP client over stdio the way a desktop agent starts it."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

CLI = Path(sys.executable).with_name("letmepost")


def _run(server: Any, config_dir: Path, steps: Any) -> Any:
    params = StdioServerParameters(
        command=str(CLI),
        args=["mcp"],
        env={
            "LETMEPOST_BASE_URL": server.base_url,
            "LETMEPOST_API_KEY": server.api_key,
            "LETMEPOST_CONFIG_DIR": str(config_dir),
        },
    )

    async def session_steps() -> Any:
        async with (
            stdio_client(params) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await steps(session)

    return asyncio.run(session_steps())


def _json(result: Any) -> Any:
    text = result.content[0].text
    return json.loads(text[text.index("{") :])


def test_an_agent_validates_then_publishes_through_the_cli(server, tmp_path) -> None:
    async def steps(session: ClientSession) -> Any:
        tools = {t.name for t in (await session.list_tools()).tools}
        too_long = await session.call_tool(
            "validate_post",
            {"text": "x" * 5000, "account_ids": [server.account_id]},
        )
        published = await session.call_tool(
            "publish_post",
            {"text": "hello from an agent", "account_ids": [server.account_id]},
        )
        return tools, too_long, published

    tools, too_long, published = _run(server, tmp_path, steps)
    assert {"publish_post", "validate_post", "list_accounts"} <= tools
    checked = _json(too_long)
    assert checked["valid"] is False
    rules = [v["rule"] for v in checked["results"][0]["violations"]]
    assert rules == ["sandbox.text.max_graphemes"]
    assert not published.is_error, published.content
    assert _json(published)["status"] == "published"


def test_a_refused_call_reaches_the_agent_as_the_envelope(server, tmp_path) -> None:
    async def steps(session: ClientSession) -> Any:
        return await session.call_tool("get_post", {"post_id": "pst_nope"})

    refused = _run(server, tmp_path, steps)
    assert refused.is_error
    error = _json(refused)["error"]
    assert error["code"] == "not_found"
    assert error["requestId"]


def test_letmepost_dev_tool_names_work_through_the_cli(server, tmp_path) -> None:
    """Prompts written for letmepost.dev's MCP server call its tool names; so can ours."""

    async def steps(session: ClientSession) -> Any:
        tools = {t.name for t in (await session.list_tools()).tools}
        created = await session.call_tool(
            "post_v1_posts",
            {
                "targets": [{"accountId": server.account_id}],
                "text": "named as on letmepost.dev",
                "publishNow": True,
            },
        )
        post_id = _json(created)["results"][0]["postId"]
        fetched = await session.call_tool("get_v1_posts_by_id", {"id": post_id})
        return tools, fetched

    tools, fetched = _run(server, tmp_path, steps)
    assert {
        "post_v1_posts",
        "get_v1_posts_by_id",
        "delete_v1_webhook_endpoints_by_id",
    } <= tools
    assert not fetched.is_error, fetched.content
    assert _json(fetched)["status"] == "published"

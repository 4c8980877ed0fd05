"""`letmepost mcp`: a stdio MCP server for desktop agents that forwards to the server's `/mcp`.

The tools live on the letmepost server (one implementation, next to the API they call); this
bridge only relays the server's instructions, `tools/list` and `tools/call` over streamable HTTP
with the API key, so a desktop agent that speaks stdio gets the same tools (task-shaped and
letmepost.dev's `get_v1_posts_by_id`…), arguments and error envelopes as an HTTP MCP client. Needs the `mcp` extra: `pip install "letmepost[mcp]"`.
"""

from __future__ import annotations

import os
from typing import Any

import anyio
import httpx2
import mcp_types as types
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


async def serve(base_url: str, api_key: str) -> None:
    headers = {"Authorization": f"Bearer {api_key}"}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=120) as http,
        streamable_http_client(
            f"{base_url.rstrip('/')}/mcp", http_client=http
        ) as streams,
        ClientSession(streams[0], streams[1]) as upstream,
    ):
        welcome = await upstream.initialize()

        async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
            return await upstream.list_tools(params=params)

        async def call_tool(
            ctx: Any, params: types.CallToolRequestParams
        ) -> types.CallToolResult:
            return await upstream.call_tool(params.name, params.arguments or {})

        server: Server[Any] = Server(
            "letmepost",
            instructions=welcome.instructions,  # how the server's tools fit together
            on_list_tools=list_tools,
            on_call_tool=call_tool,
        )
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())


def main(base_url: str | None = None, api_key: str | None = None) -> None:
    """Run until the agent closes stdin; env LETMEPOST_BASE_URL/LETMEPOST_API_KEY as defaults."""
    base_url = base_url or os.environ.get("LETMEPOST_BASE_URL") or DEFAULT_BASE_URL
    api_key = api_key or os.environ.get("LETMEPOST_API_KEY", "")
    if not api_key:
        raise SystemExit(
            "letmepost mcp needs an API key: run `letmepost login` or set LETMEPOST_API_KEY."
        )
    anyio.run(serve, base_url, api_key)


if __name__ == "__main__":
    main()

"""The production web role (the Procfile's `web` line: gunicorn gthread over WSGI) serves the
API and, through the in-process bridge, the ASGI MCP endpoint at /mcp; on PostgreSQL its
connection pool covers an immediate publish's fan-out threads."""

from __future__ import annotations

import asyncio
import json
import secrets
import shlex
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from tests.e2e.support import (
    REPO,
    boot_env,
    bootstrap_key,
    free_port,
    http,
    sigterm_unwinds,
    spawn,
    wait_for,
)

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def web_command() -> list[str]:
    line = next(
        line
        for line in (REPO / "Procfile").read_text().splitlines()
        if line.startswith("web:")
    )
    return shlex.split(line.removeprefix("web:"))


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def postgres() -> Iterator[dict[str, str]]:
    """Production-mode settings on a throwaway PostgreSQL database (Redis db 13)."""
    if not (_reachable(5432) and _reachable(6379)):
        pytest.skip("PostgreSQL and Redis are needed on 127.0.0.1")
    import psycopg

    name = f"letmepost_web_{secrets.token_hex(4)}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
            "REDIS_URL": "redis://127.0.0.1:6379/13",
            "LETMEPOST_SECRET_KEY": secrets.token_urlsafe(50),
            "LETMEPOST_ENCRYPTION_KEYS": "3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        }
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _serve(env: dict[str, str], data_dir: Path) -> Iterator[dict[str, str]]:
    """Bootstrap a key (it migrates: the web role never does), then run the web role."""
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    key = bootstrap_key(env)
    port = free_port()
    process = spawn(
        "web", web_command(), env={**env, "LETMEPOST_PORT": str(port)}, log_dir=data_dir
    )
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if not process.alive():
            raise AssertionError(f"the web role exited:\n{process.output()}")
        try:
            return http("GET", f"{url}/health", timeout=2)[0] == 200
        except (OSError, ValueError):
            return False

    try:
        with sigterm_unwinds():
            wait_for(healthy, timeout=60, interval=0.1, what="/health")
            yield {"url": url, "key": key}
    finally:
        assert process.terminate() == 0, process.output()


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Embedded settings (SQLite): the role itself does not depend on the database."""
    data_dir = Path(tmp_path_factory.mktemp("web-role"))
    env = boot_env(data_dir, LETMEPOST_WEB_WORKERS="2", LETMEPOST_WEB_THREADS="2")
    yield from _serve(env, data_dir)


@pytest.fixture(scope="module")
def web_pg(
    tmp_path_factory: pytest.TempPathFactory, postgres: dict[str, str]
) -> Iterator[dict[str, str]]:
    """One process with one thread: its pool is the default for that thread count."""
    data_dir = Path(tmp_path_factory.mktemp("web-role-pg"))
    env = boot_env(
        data_dir, LETMEPOST_WEB_WORKERS="1", LETMEPOST_WEB_THREADS="1", **postgres
    )
    yield from _serve(env, data_dir)


def connect(web: dict[str, str], handle: str) -> str:
    status, account = http(
        "POST",
        f"{web['url']}/v1/accounts/connect/sandbox/complete",
        {"handle": handle},
        web["key"],
    )
    assert status == 201, account
    return account["id"]


def test_the_api_answers_on_the_web_role(web: dict[str, str]) -> None:
    account = connect(web, "web-role")
    status, body = http(
        "POST",
        f"{web['url']}/v1/posts",
        {"targets": [{"accountId": account}], "text": "over gunicorn"},
        web["key"],
    )
    assert (status, body["status"]) == (200, "published")


def test_mcp_is_served_by_the_wsgi_web_role(web: dict[str, str]) -> None:
    async def run() -> tuple[Any, Any]:
        headers = {"Authorization": f"Bearer {web['key']}"}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=30) as client,
            streamable_http_client(f"{web['url']}/mcp", http_client=client) as streams,
            ClientSession(streams[0], streams[1]) as session,
        ):
            await session.initialize()
            tools = (await session.list_tools()).tools
            return tools, await session.call_tool("list_accounts", {})

    tools, accounts = asyncio.run(run())
    # Task tools and the tools derived from the OpenAPI, which the WSGI process builds too.
    assert {"publish_post", "list_accounts", "get_v1_posts_by_id"} <= {
        tool.name for tool in tools
    }
    assert (
        not accounts.is_error
    )  # the tool called the API in-process, through the bridge
    assert "data" in json.loads(accounts.content[0].text)


def test_the_pool_covers_an_immediate_publish_fan_out(web_pg: dict[str, str]) -> None:
    """The request's thread keeps its connection while each target publishes on a thread of
    its own, each needing one too: a pool of one connection per request thread would stall
    them until the pool's timeout and answer 500."""
    accounts = [connect(web_pg, f"fan-out-{n}") for n in range(5)]
    status, body = http(
        "POST",
        f"{web_pg['url']}/v1/posts",
        {"targets": [{"accountId": a} for a in accounts], "text": "five at once"},
        web_pg["key"],
        timeout=30,
    )
    assert (status, body["status"]) == (200, "published"), body

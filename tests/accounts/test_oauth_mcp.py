"""An MCP client signs in with OAuth end to end, as the MCP authorization spec describes.

The official `mcp` client's OAuth support against a real `serve` process: the 401 challenge →
protected-resource metadata → authorization-server metadata → dynamic client registration →
PKCE → consent (a small HTTP session that signs in and submits the dashboard's consent form, as
the person's browser would) → token → tool calls on /mcp.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from mcp import ClientSession
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import (
    AuthorizationCodeResult,
    OAuthClientInformationFull,
    OAuthClientMetadata,
    OAuthToken,
)

from tests.e2e.support import EMAIL, PASSWORD, boot_env, bootstrap_key, http, serving

CALLBACK = (
    "http://127.0.0.1:9/callback"  # never contacted: the consent's redirect is read
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    env = boot_env(Path(tmp_path_factory.mktemp("mcp-oauth")))
    key = bootstrap_key(env)
    with serving(env) as process:
        url = process.extra["url"]
        status, account = http(
            "POST",
            f"{url}/v1/accounts/connect/sandbox/complete",
            {"handle": "oauth"},
            key,
        )
        assert status == 201, account
        yield {"url": url, "accountId": account["id"]}


class Memory:
    """Token storage for one client run (a real agent keeps this on disk)."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


def hidden_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


class Person:
    """The person's browser: signs in to the dashboard, then allows or denies on the consent page."""

    def __init__(
        self, url: str, *, allow: bool = True, scope: str | None = None
    ) -> None:
        self.url = url
        self.allow = allow
        self.scope = scope
        self.browser = httpx2.AsyncClient(base_url=url, timeout=30)
        self.redirect: dict[str, list[str]] = {}

    async def sign_in(self) -> None:
        page = await self.browser.get("/accounts/login/")
        fields = hidden_fields(page.text) | {"login": EMAIL, "password": PASSWORD}
        response = await self.browser.post("/accounts/login/", data=fields)
        assert response.status_code == 302, response.text[:300]

    async def consent(self, authorization_url: str) -> None:
        page = await self.browser.get(authorization_url)
        assert page.status_code == 200, page.text[:300]
        fields = hidden_fields(page.text)
        fields["target"] = re.search(r'<option value="(w:[^"]+)"', page.text)[1]  # type: ignore[index]
        if self.scope:
            fields["scope"] = self.scope  # the person grants less than asked
        if self.allow:
            fields["allow"] = "on"
        response = await self.browser.post(
            urlsplit(authorization_url).path, data=fields
        )
        assert response.status_code == 302, response.text[:300]
        self.redirect = parse_qs(urlsplit(response.headers["location"]).query)

    async def callback(self) -> AuthorizationCodeResult:
        if "code" not in self.redirect:
            raise PermissionError(self.redirect.get("error"))
        return AuthorizationCodeResult(
            code=self.redirect["code"][0],
            state=self.redirect["state"][0],
            iss=self.redirect.get("iss", [None])[0],
        )


def run_agent(
    url: str, person: Person, steps: Any, storage: Memory | None = None
) -> Any:
    async def run() -> Any:
        await person.sign_in()
        provider = OAuthClientProvider(
            server_url=f"{url}/mcp",
            client_metadata=OAuthClientMetadata(
                client_name="e2e agent",
                redirect_uris=[CALLBACK],  # type: ignore[list-item]
                grant_types=["authorization_code", "refresh_token"],
                token_endpoint_auth_method="none",
            ),
            storage=storage or Memory(),
            redirect_handler=person.consent,
            callback_handler=person.callback,
        )
        async with (
            httpx2.AsyncClient(auth=provider, timeout=30) as client,
            streamable_http_client(f"{url}/mcp", http_client=client) as streams,
            ClientSession(streams[0], streams[1]) as session,
        ):
            await session.initialize()
            return await steps(session)

    return asyncio.run(run())


def payload(result: Any) -> Any:
    text = result.content[0].text
    return json.loads(text[text.index("{") :])


def test_an_mcp_client_signs_in_and_publishes(server: dict[str, str]) -> None:
    storage = Memory()

    async def steps(session: ClientSession) -> Any:
        accounts = payload(await session.call_tool("list_accounts", {}))
        published = await session.call_tool(
            "publish_post",
            {
                "text": "signed in with OAuth",
                "account_ids": [accounts["data"][0]["id"]],
            },
        )
        return accounts, published

    accounts, published = run_agent(
        server["url"], Person(server["url"]), steps, storage
    )
    assert [a["id"] for a in accounts["data"]] == [server["accountId"]]
    assert not published.is_error, published.content
    assert payload(published)["status"] == "published"
    # What the client discovered and was given: a public client, a rotating refresh token.
    assert (
        storage.client is not None
        and storage.client.token_endpoint_auth_method == "none"
    )
    assert storage.tokens is not None and storage.tokens.refresh_token
    assert set((storage.tokens.scope or "").split()) == {
        "read",
        "publish",
        "offline_access",
    }


def test_a_read_only_grant_lists_but_cannot_publish(server: dict[str, str]) -> None:
    async def steps(session: ClientSession) -> Any:
        listed = await session.call_tool("list_accounts", {})
        published = await session.call_tool(
            "publish_post", {"text": "nope", "account_ids": [server["accountId"]]}
        )
        return listed, published

    person = Person(server["url"], scope="read")
    listed, published = run_agent(server["url"], person, steps)
    assert not listed.is_error
    assert published.is_error
    assert payload(published)["error"]["rule"] == "oauth.insufficient_scope"


def test_a_denied_consent_gets_no_token(server: dict[str, str]) -> None:
    async def steps(session: ClientSession) -> Any:
        return await session.list_tools()

    person = Person(server["url"], allow=False)
    # The callback's refusal surfaces as is, or wrapped in the SDK's task groups.
    with pytest.raises((PermissionError, ExceptionGroup)) as caught:
        run_agent(server["url"], person, steps)
    assert caught.errisinstance(PermissionError) or caught.group_contains(
        PermissionError
    )
    assert person.redirect["error"] == ["access_denied"]
    assert "code" not in person.redirect


def test_mcp_without_credentials_points_to_the_metadata(server: dict[str, str]) -> None:
    response = httpx2.post(f"{server['url']}/mcp", json={"jsonrpc": "2.0"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == (
        f'Bearer resource_metadata="{server["url"]}/.well-known/oauth-protected-resource/mcp"'
    )
    meta = httpx2.get(
        f"{server['url']}/.well-known/oauth-protected-resource/mcp"
    ).json()
    assert meta["resource"] == f"{server['url']}/mcp"

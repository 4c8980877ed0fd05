"""`letmepost login` through the browser: OAuth 2.1 with PKCE, then an API key to keep.

The flow of letmepost.dev's `lmp login`, so both CLIs work against both servers: probe
`GET {base}/oauth2/authorize` (a 404 means the server has no OAuth sign-in: paste a key instead),
register a public client (`POST /oauth2/register`, reused while the server knows it), wait on a
random loopback port for the browser's redirect, trade the code and its PKCE verifier at
`/oauth2/token`, then the access token for an `lmp_live_` key at `POST /v1/oauth-exchange`.
Only the key is stored; the OAuth tokens are revoked once it is minted.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

CLIENT_NAME = "letmepost-cli"
SCOPE = "publish read offline_access"
WAIT_SECONDS = 300.0
DONE_PAGE = (
    b"<!doctype html><title>letmepost</title>"
    b"<p>You can close this tab and go back to the terminal.</p>"
)


class OAuthUnavailable(Exception):
    """The server has no OAuth sign-in (an older letmepost, or letmepost.dev's own API)."""


class LoginFailed(Exception):
    """The person denied access, the browser never came back, or the server refused a step."""


@dataclass(frozen=True)
class LoginResult:
    api_key: str
    client: RegisteredClient
    workspace_id: str | None


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


class _Callback(HTTPServer):
    """One redirect from the browser to http://127.0.0.1:<random port>/callback."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _CallbackHandler)
        self.query: dict[str, list[str]] | None = None
        self.arrived = threading.Event()

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/callback"


class _CallbackHandler(BaseHTTPRequestHandler):
    server: _Callback

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != "/callback":
            self.send_error(404)
            return
        self.server.query = parse_qs(parts.query)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(DONE_PAGE)
        self.server.arrived.set()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows our own messages only


@dataclass(frozen=True)
class RegisteredClient:
    """The CLI's client registration on one server, kept in the config to reuse."""

    client_id: str
    registration_token: str  # RFC 7592: reads the registration back, nothing else


def _still_registered(http: httpx.Client, client: RegisteredClient) -> bool:
    response = http.get(
        f"/oauth2/register/{client.client_id}",
        headers={"Authorization": f"Bearer {client.registration_token}"},
    )
    return response.status_code == 200


def _register(http: httpx.Client, redirect_uri: str) -> RegisteredClient:
    response = http.post(
        "/oauth2/register",
        json={
            "client_name": CLIENT_NAME,
            "redirect_uris": [redirect_uri],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
        },
    )
    if response.status_code != 201:
        raise LoginFailed(f"The server refused to register the CLI: {response.text}")
    body = response.json()
    return RegisteredClient(
        client_id=str(body["client_id"]),
        registration_token=str(body.get("registration_access_token", "")),
    )


def _checked(response: httpx.Response, step: str) -> dict[str, Any]:
    if response.status_code != 200:
        raise LoginFailed(f"{step} failed ({response.status_code}): {response.text}")
    body = response.json()
    return body if isinstance(body, dict) else {}


def browser_login(
    base_url: str,
    *,
    open_url: Callable[[str], Any],
    client: RegisteredClient | None = None,
    wait_seconds: float = WAIT_SECONDS,
) -> LoginResult:
    """Run the whole sign-in; `open_url` shows the authorize page to the person (a browser)."""
    base = base_url.rstrip("/")
    with (
        httpx.Client(base_url=base, timeout=30, follow_redirects=False) as http,
        _Callback() as callback,
    ):
        if http.get("/oauth2/authorize").status_code == 404:
            raise OAuthUnavailable(base)
        redirect_uri = callback.redirect_uri
        # A port change is fine (RFC 8252 §7.3): the server matches loopback callbacks by host.
        if client is None or not _still_registered(http, client):
            client = _register(http, redirect_uri)
        client_id = client.client_id
        verifier, challenge = pkce_pair()
        state = secrets.token_urlsafe(24)
        params = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": SCOPE,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        serving = threading.Thread(target=callback.serve_forever, daemon=True)
        serving.start()
        try:
            open_url(f"{base}/oauth2/authorize?{urlencode(params)}")
            if not callback.arrived.wait(wait_seconds):
                raise LoginFailed("The browser did not come back in time.")
        finally:
            callback.shutdown()
        query = callback.query or {}
        if query.get("state", [""])[0] != state:
            raise LoginFailed("The browser came back with another sign-in's state.")
        if "code" not in query:
            reason = query.get("error_description") or query.get("error") or ["no code"]
            raise LoginFailed(f"Sign-in did not complete: {reason[0]}")
        tokens = _checked(
            http.post(
                "/oauth2/token",
                data={
                    "grant_type": "authorization_code",
                    "code": query["code"][0],
                    "redirect_uri": redirect_uri,
                    "client_id": client_id,
                    "code_verifier": verifier,
                },
            ),
            "The token exchange",
        )
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        minted = _checked(
            http.post("/v1/oauth-exchange", headers=bearer), "Minting a key"
        )
        # The key is what the CLI keeps: the tokens that bought it need not outlive this run.
        for kind in ("refresh_token", "access_token"):
            if tokens.get(kind):
                http.post(
                    "/oauth2/revoke",
                    data={"token": tokens[kind], "client_id": client_id},
                )
        return LoginResult(
            api_key=str(minted["key"]),
            client=client,
            workspace_id=minted.get("workspaceId") or minted.get("organizationId"),
        )

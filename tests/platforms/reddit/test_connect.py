"""Connecting Reddit through the generic OAuth flow: scopes, a permanent token, Basic auth."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

from platforms.models import PlatformAccount
from tests.conftest import Persona, post_json
from tests.platforms.reddit.conftest import (
    CLIENT,
    OAUTH,
    WWW,
    form_of,
    payload,
    swagger,
)

CONNECT = "/v1/accounts/connect/reddit"
CALLBACK = "/v1/accounts/oauth/reddit/callback"


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_the_scopes_and_urls_are_the_documented_ones() -> None:
    oauth = swagger()["securityDefinitions"]["OAuth"]
    assert oauth["authorizationUrl"] == f"{WWW}/api/v1/authorize"
    assert oauth["tokenUrl"] == f"{WWW}/api/v1/access_token"
    assert {"submit", "identity"} <= set(oauth["scopes"])


def test_the_descriptor_asks_for_submit_identity_and_a_permanent_token(
    owner: Persona, settings
) -> None:
    response = post_json(owner.client, CONNECT, {})
    assert response.status_code == 200, response.json()
    descriptor = response.json()["descriptor"]
    url = descriptor["authorizationUrl"]
    assert url.startswith(f"{WWW}/api/v1/authorize?")
    assert query(url) == {
        "response_type": "code",
        "client_id": CLIENT["client_id"],
        "redirect_uri": f"{settings.PUBLIC_URL}/v1/accounts/oauth/reddit/callback",
        "scope": "submit identity",
        "state": descriptor["state"],
        "duration": "permanent",
    }


def test_the_callback_exchanges_the_code_with_basic_auth_and_stores_the_account(
    owner: Persona, upstream, settings
) -> None:
    state = post_json(owner.client, CONNECT, {}).json()["descriptor"]["state"]
    upstream.post(f"{WWW}/api/v1/access_token", json=payload("token"))
    upstream.get(f"{OAUTH}/api/v1/me", json=payload("me"))
    response = owner.client.get(CALLBACK, {"code": "reddit-code", "state": state})
    assert response.status_code == 302, response.content
    exchange = upstream.calls[0].request
    scheme, _, value = exchange.headers["Authorization"].partition(" ")
    assert scheme == "Basic"
    assert (
        base64.b64decode(value).decode()
        == f"{CLIENT['client_id']}:{CLIENT['client_secret']}"
    )
    assert form_of(upstream.calls[0]) == {
        "grant_type": "authorization_code",
        "code": "reddit-code",
        "redirect_uri": f"{settings.PUBLIC_URL}/v1/accounts/oauth/reddit/callback",
    }
    assert upstream.calls[1].request.headers["Authorization"].startswith("bearer ")
    account = PlatformAccount.objects.get(platform="reddit")
    assert (account.external_id, account.display_name) == ("1w72", "spez_bot")
    assert account.credentials["refreshToken"] == "1234567-refresh"
    assert account.metadata["avatarUrl"].endswith("profileIcon_x.png")


def test_the_dashboard_shows_a_reddit_tile(owner: Persona) -> None:
    from django.urls import reverse

    from tests.dashboard.conftest import signed_in

    page = signed_in(owner.user).get(reverse("platforms:accounts")).content.decode()
    assert 'id="connect-reddit"' in page

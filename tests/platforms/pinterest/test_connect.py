"""Connecting Pinterest through the generic OAuth flow, and renewing its tokens."""

from __future__ import annotations

import base64
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone

from platforms.models import PlatformAccount
from platforms.tokens import refresh_account
from tests.conftest import Persona, error_of, post_json
from tests.fixtures.reference_openapi import assert_matches_reference
from tests.platforms.pinterest.conftest import (
    CLIENT,
    DOC,
    answer,
    api,
    checked_query,
    connect_pinterest,
    payload,
)
from webhooks.models import WebhookEvent

CONNECT = "/v1/accounts/connect/pinterest"
CALLBACK = "/v1/accounts/oauth/pinterest/callback"
SCOPES = "boards:read,boards:write,pins:read,pins:write,user_accounts:read"


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def form(call) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


def basic(call) -> tuple[str, str]:
    scheme, _, value = call.request.headers["Authorization"].partition(" ")
    assert scheme == "Basic"
    user, _, secret = base64.b64decode(value).decode().partition(":")
    return user, secret


def start(persona: Persona) -> dict:
    response = post_json(persona.client, CONNECT, {})
    assert response.status_code == 200, response.json()
    return response.json()["descriptor"]


def finish(persona: Persona, upstream, state: str, *, boards: dict | None = None):
    answer(upstream, "POST", "/oauth/token", payload("token"))
    answer(upstream, "GET", "/user_account", payload("user_account"))
    answer(upstream, "GET", "/boards", boards or payload("boards"))
    return persona.client.get(CALLBACK, {"code": "pin-code", "state": state})


def test_the_descriptor_asks_for_comma_scopes_without_pkce(
    owner: Persona, settings
) -> None:
    descriptor = start(owner)
    url = descriptor["authorizationUrl"]
    assert url.startswith("https://www.pinterest.com/oauth/?")
    assert query(url) == {
        "response_type": "code",
        "client_id": CLIENT["client_id"],
        "redirect_uri": f"{settings.PUBLIC_URL}/v1/accounts/oauth/pinterest/callback",
        "scope": SCOPES,
        "state": descriptor["state"],
    }
    assert descriptor["scopes"] == SCOPES.split(",")


def test_without_credentials_connecting_is_not_enabled(
    owner: Persona, settings
) -> None:
    settings.OAUTH_CLIENTS = {**settings.OAUTH_CLIENTS, "pinterest": {}}
    response = post_json(owner.client, CONNECT, {})
    assert response.status_code == 403
    assert "PINTEREST_CLIENT_ID" in error_of(response)["remediation"]


def test_the_callback_stores_the_real_user_id_and_the_first_board(
    owner: Persona, upstream
) -> None:
    descriptor = start(owner)
    response = finish(owner, upstream, descriptor["state"])
    assert response.status_code == 302
    assert "connected=pinterest" in response["Location"]
    token_call = upstream.calls[0]
    assert token_call.request.url == api("/oauth/token")
    assert basic(token_call) == (CLIENT["client_id"], CLIENT["client_secret"])
    sent = form(token_call)
    assert sent == {
        "grant_type": "authorization_code",
        "code": "pin-code",
        "redirect_uri": descriptor["redirectUri"],
    }
    assert (
        DOC.request_errors(
            "POST", "/oauth/token", sent, "application/x-www-form-urlencoded"
        )
        == []
    )
    assert upstream.calls[1].request.headers["Authorization"] == (
        f"Bearer {payload('token')['access_token']}"
    )
    assert checked_query(upstream.calls[2], "GET", "/boards") == {"page_size": "25"}
    account = PlatformAccount.objects.get()
    assert (account.external_id, account.display_name) == (
        "2783136121146311751",
        "makerstudio",
    )
    assert account.credentials["refreshToken"] == payload("token")["refresh_token"]
    assert account.metadata["defaultBoardId"] == "549755885175"
    assert account.metadata["defaultBoardName"] == "Summer recipes"
    assert account.token_expires_at > timezone.now() + timedelta(days=29)


def test_reconnecting_updates_the_same_account(owner: Persona, upstream) -> None:
    finish(owner, upstream, start(owner)["state"])
    upstream.reset()
    answer(upstream, "POST", "/oauth/token", payload("token", access_token="new"))
    answer(upstream, "GET", "/user_account", payload("user_account"))
    answer(upstream, "GET", "/boards", {"items": [], "bookmark": None})
    owner.client.get(CALLBACK, {"code": "c2", "state": start(owner)["state"]})
    account = PlatformAccount.objects.get()
    assert account.credentials["accessToken"] == "new"
    assert account.metadata["defaultBoardId"] == "549755885175"  # kept: no boards now


def test_refresh_uses_basic_auth_and_keeps_the_default_board(
    owner: Persona, upstream
) -> None:
    account = connect_pinterest(owner, default_board="549755885176")
    account.token_expires_at = timezone.now() + timedelta(days=6)  # inside 7 days
    account.save()
    answer(upstream, "POST", "/oauth/token", payload("refresh"))
    assert refresh_account(account.pk) is True
    call = upstream.calls[0]
    assert basic(call) == (CLIENT["client_id"], CLIENT["client_secret"])
    sent = form(call)
    assert sent == {"grant_type": "refresh_token", "refresh_token": "pinr-refresh"}
    assert (
        DOC.request_errors(
            "POST", "/oauth/token", sent, "application/x-www-form-urlencoded"
        )
        == []
    )
    account.refresh_from_db()
    assert account.credentials["accessToken"] == "pina_AMAUTH-access-2"
    assert account.credentials["refreshToken"] == "pinr_AMAUTH-refresh-2"
    assert account.metadata["defaultBoardId"] == "549755885176"
    assert account.token_expires_at > timezone.now() + timedelta(days=29)


def test_a_token_outside_the_seven_day_horizon_is_left_alone(
    owner: Persona, upstream
) -> None:
    account = connect_pinterest(owner)
    account.token_expires_at = timezone.now() + timedelta(days=8)
    account.save()
    assert refresh_account(account.pk) is False


def test_a_refused_refresh_revokes_and_needs_reconnecting(
    owner: Persona, upstream
) -> None:
    account = connect_pinterest(owner)
    account.token_expires_at = timezone.now() + timedelta(days=1)
    account.save()
    upstream.post(
        api("/oauth/token"),
        status=401,
        json={"code": 2, "message": "Authentication failed."},
    )
    assert refresh_account(account.pk) is False
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH
    (event,) = WebhookEvent.objects.filter(type="token.revoked")
    assert event.envelope["data"]["reason"] == "refresh_failed"


def test_the_account_carries_the_reference_pinterest_block(
    owner: Persona, upstream
) -> None:
    finish(owner, upstream, start(owner)["state"])
    account = PlatformAccount.objects.get()
    body = owner.client.get(f"/v1/accounts/{account.pk}").json()
    assert_matches_reference(body, "Account")
    assert body["pinterest"] == {
        "defaultBoardId": "549755885175",
        "defaultBoardName": "Summer recipes",
    }
    assert "instagram" not in body


def test_without_boards_the_pinterest_block_is_null_valued(
    owner: Persona, upstream
) -> None:
    finish(
        owner, upstream, start(owner)["state"], boards={"items": [], "bookmark": None}
    )
    (body,) = owner.client.get("/v1/accounts").json()["data"]
    assert_matches_reference(body, "Account")
    assert body["pinterest"] == {"defaultBoardId": None, "defaultBoardName": None}

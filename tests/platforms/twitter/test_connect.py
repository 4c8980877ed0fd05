"""Connecting X through the generic OAuth flow: PKCE, HTTP Basic, /2/users/me, refresh, revoke."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from platforms.models import PlatformAccount
from platforms.tokens import refresh_due_tokens
from tests.conftest import Persona, error_of, post_json
from tests.platforms.twitter.conftest import (
    PROBLEM,
    REVOKE_URL,
    TOKEN_URL,
    USER_ID,
    api,
    connect_x,
    payload,
)
from webhooks.models import WebhookEvent

CONNECT = "/v1/accounts/connect/twitter"
CALLBACK = "/v1/accounts/oauth/twitter/callback"
SCOPES = "tweet.read tweet.write users.read media.write offline.access"
BASIC = "Basic " + base64.b64encode(b"x-client-id:x-client-secret").decode()


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def form(call) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


def start(persona: Persona) -> dict:
    response = post_json(persona.client, CONNECT, {})
    assert response.status_code == 200, response.json()
    return response.json()["descriptor"]


def test_the_descriptor_asks_x_for_the_publishing_scopes_with_pkce(
    owner: Persona, settings
) -> None:
    descriptor = start(owner)
    redirect = f"{settings.PUBLIC_URL}/v1/accounts/oauth/twitter/callback"
    assert descriptor["redirectUri"] == redirect
    assert descriptor["scopes"] == SCOPES.split()
    url = descriptor["authorizationUrl"]
    assert url.startswith("https://x.com/i/oauth2/authorize?")
    params = query(url)
    assert params == {
        "response_type": "code",
        "client_id": "x-client-id",
        "redirect_uri": redirect,
        "scope": SCOPES,
        "state": descriptor["state"],
        "code_challenge": params["code_challenge"],
        "code_challenge_method": "S256",
    }


def test_media_upload_needs_the_scope_we_ask_for() -> None:
    from tests.platforms.twitter.openapi import X

    needed = {
        scope
        for path in ("/2/media/upload/initialize", "/2/media/metadata", "/2/tweets")
        for security in X.operation("POST", path)["security"]
        for scope in security.get("OAuth2UserToken", [])
    }
    assert needed <= set(SCOPES.split())


def test_the_callback_stores_the_real_x_user(owner: Persona, upstream) -> None:
    descriptor = start(owner)
    upstream.post(TOKEN_URL, json=payload("token"))
    upstream.get(api("/2/users/me"), json=payload("users_me"))
    response = owner.client.get(
        CALLBACK, {"code": "the-code", "state": descriptor["state"]}
    )
    assert response.status_code == 302
    assert "connected=twitter&accounts=1" in response["Location"]

    exchange = upstream.calls[0].request
    assert exchange.headers["Authorization"] == BASIC  # confidential client
    sent = form(upstream.calls[0])
    verifier = sent.pop("code_verifier")
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        .rstrip(b"=")
        .decode()
    )
    assert challenge == query(descriptor["authorizationUrl"])["code_challenge"]
    assert sent == {
        "grant_type": "authorization_code",
        "code": "the-code",
        "redirect_uri": descriptor["redirectUri"],
    }
    token = payload("token")
    assert upstream.calls[1].request.headers["Authorization"] == (
        f"Bearer {token['access_token']}"
    )
    account = PlatformAccount.objects.get()
    assert (account.platform, account.external_id, account.display_name) == (
        "twitter",
        USER_ID,
        "@letmepost_demo",
    )
    assert account.credentials == {
        "accessToken": token["access_token"],
        "refreshToken": token["refresh_token"],
        "scope": token["scope"],
    }
    assert account.metadata["username"] == "letmepost_demo"
    assert (
        timezone.now() + timedelta(minutes=115)
        < account.token_expires_at
        < timezone.now() + timedelta(minutes=121)
    )


def test_reconnecting_the_same_person_updates_the_row(owner: Persona, upstream) -> None:
    old = connect_x(owner, accessToken="stale")
    descriptor = start(owner)
    upstream.post(TOKEN_URL, json=payload("token"))
    upstream.get(api("/2/users/me"), json=payload("users_me"))
    owner.client.get(CALLBACK, {"code": "c", "state": descriptor["state"]})
    (account,) = PlatformAccount.objects.all()
    assert account.pk == old.pk
    assert account.credentials["accessToken"] == payload("token")["access_token"]


def test_a_token_x_refuses_at_users_me_connects_nothing(
    owner: Persona, upstream
) -> None:
    descriptor = start(owner)
    upstream.post(TOKEN_URL, json=payload("token"))
    upstream.get(
        api("/2/users/me"),
        status=401,
        json=payload("problem_401"),
        content_type=PROBLEM,
    )
    location = owner.client.get(CALLBACK, {"code": "c", "state": descriptor["state"]})[
        "Location"
    ]
    assert query(location)["connect_error"] == "platform_auth_failed"
    assert not PlatformAccount.objects.exists()


def test_without_app_credentials_x_is_not_enabled(owner: Persona, settings) -> None:
    settings.OAUTH_CLIENTS = {**settings.OAUTH_CLIENTS, "twitter": {}}
    response = post_json(owner.client, CONNECT, {})
    error = error_of(response)
    assert (response.status_code, error["code"]) == (403, "platform_not_enabled")
    assert "TWITTER_CLIENT_ID" in error["remediation"]
    assert "TWITTER_CLIENT_SECRET" in error["remediation"]


def expiring(account: PlatformAccount, minutes: int) -> PlatformAccount:
    account.token_expires_at = timezone.now() + timedelta(minutes=minutes)
    account.save()
    return account


def test_a_token_15_minutes_from_expiry_is_refreshed_with_basic_auth(
    account: PlatformAccount, upstream
) -> None:
    expiring(account, 14)
    upstream.post(
        TOKEN_URL,
        json={**payload("token"), "access_token": "new", "refresh_token": "rotated"},
    )
    assert refresh_due_tokens() == 1
    assert upstream.calls[0].request.headers["Authorization"] == BASIC
    assert form(upstream.calls[0]) == {
        "grant_type": "refresh_token",
        "refresh_token": "x-refresh",
    }
    account.refresh_from_db()
    assert (
        account.credentials["accessToken"],
        account.credentials["refreshToken"],
    ) == (
        "new",
        "rotated",
    )
    assert account.token_expires_at > timezone.now() + timedelta(minutes=115)


def test_a_token_further_away_is_left_alone(account: PlatformAccount, upstream) -> None:
    expiring(account, 16)
    assert refresh_due_tokens() == 0
    assert len(upstream.calls) == 0


def test_a_refused_refresh_revokes_and_the_account_needs_reconnecting(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    expiring(account, 5)
    upstream.post(
        TOKEN_URL,
        status=400,
        json={
            "error": "invalid_request",
            "error_description": "Value passed for the token was invalid.",
        },
    )
    refresh_due_tokens()
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH
    (event,) = WebhookEvent.objects.filter(type="token.revoked")
    assert json.loads(event.body)["data"]["reason"] == "refresh_failed"
    assert (
        owner.client.get(f"/v1/accounts/{account.pk}").json()["needsReconnect"] is True
    )


@pytest.mark.parametrize("status", [200, 503])
def test_disconnecting_revokes_both_tokens_at_x(
    owner: Persona, account: PlatformAccount, upstream, status
) -> None:
    upstream.post(REVOKE_URL, status=status, json={"revoked": status == 200})
    upstream.post(REVOKE_URL, status=status, json={"revoked": status == 200})
    response = owner.client.delete(f"/v1/accounts/{account.pk}")
    assert response.status_code == 200
    hints = [form(c) for c in upstream.calls]
    assert hints == [
        {"token": "x-refresh", "token_type_hint": "refresh_token"},
        {"token": "x-access", "token_type_hint": "access_token"},
    ]
    assert all(c.request.headers["Authorization"] == BASIC for c in upstream.calls)

"""Connecting Instagram (Instagram API with Instagram Login) and keeping its token alive."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from platforms.models import PlatformAccount
from platforms.tokens import refresh_due_tokens
from tests.conftest import Persona, error_of, post_json
from tests.fixtures.reference_openapi import assert_matches_reference
from tests.platforms.instagram.conftest import (
    CLIENT,
    GRAPH,
    IG_ID,
    IG_USER,
    TOKEN,
    api,
    connect_instagram,
    payload,
    sent,
)
from webhooks.models import WebhookEvent

CONNECT = "/v1/accounts/connect/instagram"
CALLBACK = "/v1/accounts/oauth/instagram/callback"
TOKEN_URL = "https://api.instagram.com/oauth/access_token"
SHORT = payload("token")["data"][0]["access_token"]


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def start(persona: Persona) -> dict:
    response = post_json(persona.client, CONNECT, {})
    assert response.status_code == 200, response.json()
    return response.json()["descriptor"]


def exchange_stubs(upstream, *, me: dict | None = None) -> None:
    upstream.post(TOKEN_URL, json=payload("token"))
    upstream.get(f"{GRAPH}/access_token", json=payload("long_lived"))
    upstream.get(api("me"), json=me or payload("me"))


def complete(persona: Persona, state: str):
    return post_json(
        persona.client, f"{CONNECT}/complete", {"code": "AQBx-code", "state": state}
    )


def test_the_descriptor_sends_people_to_instagrams_authorization_window(
    owner: Persona, settings
) -> None:
    descriptor = start(owner)
    url = descriptor["authorizationUrl"]
    assert url.startswith("https://www.instagram.com/oauth/authorize?")
    assert query(url) == {
        "response_type": "code",
        "client_id": CLIENT["client_id"],
        "redirect_uri": f"{settings.PUBLIC_URL}/v1/accounts/oauth/instagram/callback",
        "scope": "instagram_business_basic,instagram_business_content_publish,"
        "instagram_business_manage_comments",
        "state": descriptor["state"],
    }  # no PKCE: Instagram's window does not take it
    assert descriptor["scopes"] == [
        "instagram_business_basic",
        "instagram_business_content_publish",
        "instagram_business_manage_comments",
    ]


def test_without_app_credentials_instagram_is_not_enabled(
    owner: Persona, settings
) -> None:
    settings.OAUTH_CLIENTS = {**settings.OAUTH_CLIENTS, "instagram": {}}
    response = post_json(owner.client, CONNECT, {})
    assert response.status_code == 403
    assert error_of(response)["code"] == "platform_not_enabled"
    assert "INSTAGRAM_CLIENT_ID" in error_of(response)["remediation"]


def test_the_callback_swaps_for_a_long_lived_token_and_stores_the_professional_account(
    owner: Persona, upstream, settings
) -> None:
    state = start(owner)["state"]
    exchange_stubs(upstream)
    response = owner.client.get(CALLBACK, {"code": "AQBx-code#_", "state": state})
    assert response.status_code == 302
    assert "connected=instagram" in response["Location"]
    exchange, long_lived, me = upstream.calls
    assert {k: v[0] for k, v in parse_qs(exchange.request.body).items()} == {
        "grant_type": "authorization_code",
        "code": "AQBx-code#_",
        "redirect_uri": f"{settings.PUBLIC_URL}/v1/accounts/oauth/instagram/callback",
        "client_id": CLIENT["client_id"],
        "client_secret": CLIENT["client_secret"],
    }
    assert query(long_lived.request.url) == {
        "grant_type": "ig_exchange_token",
        "client_secret": CLIENT["client_secret"],
        "access_token": SHORT,
    }
    assert sent(me) == {"fields": "id,user_id,username,account_type"}
    assert query(me.request.url)["access_token"] == TOKEN  # the long-lived one
    account = PlatformAccount.objects.get(platform="instagram")
    assert (account.external_id, account.display_name) == (IG_ID, "@bakery.studio")
    assert account.credentials == {"accessToken": TOKEN}
    assert account.metadata["userId"] == IG_USER
    assert account.metadata["accountType"] == "BUSINESS"
    assert account.metadata["grantedScopes"] == (
        "instagram_business_basic,instagram_business_content_publish"
    )
    lifetime = account.token_expires_at - timezone.now()
    assert (
        timedelta(days=59) < lifetime < timedelta(days=61)
    )  # the 60-day token's, not 1 h


def test_reconnecting_updates_the_account_instead_of_adding_one(
    owner: Persona, upstream
) -> None:
    connect_instagram(owner, token="IGAAOldToken")
    exchange_stubs(upstream, me=payload("me", username="bakery.renamed"))
    response = complete(owner, start(owner)["state"])
    assert response.status_code == 200, response.json()
    account = PlatformAccount.objects.get(platform="instagram")
    assert account.credentials["accessToken"] == TOKEN
    assert account.display_name == "@bakery.renamed"


def test_a_personal_account_is_refused_with_the_professional_rule(
    owner: Persona, upstream
) -> None:
    exchange_stubs(upstream, me=payload("me", account_type="PERSONAL"))
    response = complete(owner, start(owner)["state"])
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["rule"]) == (
        "platform_rejected",
        "instagram.account_type.requires_professional",
    )
    assert not PlatformAccount.objects.filter(platform="instagram").exists()


def test_a_refused_long_lived_swap_is_an_auth_failure_without_the_secret(
    owner: Persona, upstream
) -> None:
    upstream.post(TOKEN_URL, json=payload("token"))
    upstream.get(f"{GRAPH}/access_token", status=400, json=payload("error_token"))
    response = complete(owner, start(owner)["state"])
    assert response.status_code == 502
    error = error_of(response)
    assert (error["code"], error["rule"]) == (
        "platform_auth_failed",
        "instagram.oauth.long_lived_exchange",
    )
    assert CLIENT["client_secret"] not in json.dumps(error)
    assert SHORT not in json.dumps(error)


def expiring(persona: Persona) -> PlatformAccount:
    account = connect_instagram(persona)
    account.token_expires_at = timezone.now() + timedelta(days=3)
    account.save()
    return account


def test_refresh_renews_the_token_inside_the_seven_day_horizon(
    owner: Persona, upstream
) -> None:
    account = expiring(owner)
    upstream.get(f"{GRAPH}/refresh_access_token", json=payload("refreshed"))
    assert refresh_due_tokens() == 1
    assert query(upstream.calls[0].request.url) == {
        "grant_type": "ig_refresh_token",
        "access_token": TOKEN,
    }
    account.refresh_from_db()
    assert account.credentials["accessToken"] == payload("refreshed")["access_token"]
    assert account.token_expires_at - timezone.now() > timedelta(days=59)


def test_a_refused_refresh_revokes_the_token_and_asks_for_a_reconnect(
    owner: Persona, upstream
) -> None:
    account = expiring(owner)
    upstream.get(
        f"{GRAPH}/refresh_access_token", status=400, json=payload("error_token")
    )
    refresh_due_tokens()
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH
    assert WebhookEvent.objects.filter(type="token.revoked").count() == 1
    assert owner.client.get(f"/v1/accounts/{account.pk}").json()["needsReconnect"]


@pytest.mark.parametrize("status", [500, 503])
def test_a_refresh_that_fails_for_now_keeps_the_account(
    owner: Persona, upstream, status: int
) -> None:
    account = expiring(owner)
    upstream.get(
        f"{GRAPH}/refresh_access_token", status=status, body="<html>oops</html>"
    )
    assert refresh_due_tokens() == 0
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.ACTIVE
    assert account.credentials["accessToken"] == TOKEN


def test_the_account_carries_the_reference_instagram_block(
    owner: Persona, upstream
) -> None:
    exchange_stubs(upstream)
    response = complete(owner, start(owner)["state"])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert_matches_reference(body, "Account")
    assert body["instagram"] == {
        "kind": "ig-login",
        "accountType": "BUSINESS",
        # Meta's comma-joined string, as the list the reference types it as
        "grantedScopes": [
            "instagram_business_basic",
            "instagram_business_content_publish",
        ],
    }
    assert "pinterest" not in body
    assert owner.client.get(f"/v1/accounts/{body['id']}").json() == body


def test_what_meta_did_not_report_is_null_in_the_instagram_block(
    owner: Persona,
) -> None:
    account = connect_instagram(owner)  # stored without grantedScopes
    body = owner.client.get(f"/v1/accounts/{account.pk}").json()
    assert_matches_reference(body, "Account")
    assert body["instagram"]["grantedScopes"] is None

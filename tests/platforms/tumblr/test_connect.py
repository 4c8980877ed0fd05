"""Connecting a Tumblr blog through the generic OAuth 2 flow, and refreshing its token.

The token endpoint and `/user/info` are faked from Tumblr's prose docs (no machine-readable
description exists): api.md "OAuth2 Authorization" and "/user/info"."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse
from django.utils import timezone

from platforms.models import PlatformAccount
from platforms.tokens import refresh_account
from tests.conftest import Persona, post_json
from tests.dashboard.conftest import signed_in
from tests.platforms.tumblr.conftest import CLIENT, api, connect_tumblr, payload

CONNECT = "/v1/accounts/connect/tumblr"
CALLBACK = "/v1/accounts/oauth/tumblr/callback"


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def form(call) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


def start(persona: Persona) -> dict:
    response = post_json(persona.client, CONNECT, {})
    assert response.status_code == 200, response.json()
    return response.json()["descriptor"]


def test_the_descriptor_asks_for_the_documented_scopes_without_pkce(
    owner: Persona, settings
) -> None:
    descriptor = start(owner)
    url = descriptor["authorizationUrl"]
    assert url.startswith("https://www.tumblr.com/oauth2/authorize?")
    # api.md "/oauth2/authorize": client_id, response_type, scope (space delimited), state,
    # redirect_uri; no PKCE parameter is documented.
    assert query(url) == {
        "response_type": "code",
        "client_id": CLIENT["client_id"],
        "redirect_uri": f"{settings.PUBLIC_URL}/v1/accounts/oauth/tumblr/callback",
        "scope": "basic write offline_access",
        "state": descriptor["state"],
    }


def test_the_callback_connects_the_primary_blog(owner: Persona, upstream) -> None:
    descriptor = start(owner)
    upstream.post(api("/oauth2/token"), json=payload("token"))
    upstream.get(api("/user/info"), json=payload("user_info"))
    response = owner.client.get(
        CALLBACK, {"code": "tb-code", "state": descriptor["state"]}
    )
    assert response.status_code == 302
    assert "connected=tumblr" in response["Location"]
    assert form(upstream.calls[0]) == {
        "grant_type": "authorization_code",
        "code": "tb-code",
        "redirect_uri": descriptor["redirectUri"],
        "client_id": CLIENT["client_id"],
        "client_secret": CLIENT["client_secret"],
    }
    assert (
        upstream.calls[1].request.headers["Authorization"] == "Bearer tumblr-access-1"
    )
    account = PlatformAccount.objects.get()
    assert (account.external_id, account.display_name) == ("derekg", "derekg")
    assert account.metadata == {
        "blog": "derekg",
        "blogName": "derekg",
        "blogUrl": "https://derekg.org/",
        "username": "derekg",
        "blogs": ["ihatehipstrz", "derekg"],
    }
    assert account.credentials["refreshToken"] == "tumblr-refresh-1"
    # expires_in 2520: the access token lives 42 minutes.
    assert account.token_expires_at < timezone.now() + timedelta(minutes=43)


def test_a_blog_uuid_is_the_stable_identifier_when_given(
    owner: Persona, upstream
) -> None:
    info = payload("user_info")
    info["response"]["user"]["blogs"][1]["uuid"] = "t:0aY0xL2Fi1OFJg4YxpmegQ"
    upstream.post(api("/oauth2/token"), json=payload("token"))
    upstream.get(api("/user/info"), json=info)
    owner.client.get(CALLBACK, {"code": "c", "state": start(owner)["state"]})
    account = PlatformAccount.objects.get()
    assert account.external_id == account.metadata["blog"] == "t:0aY0xL2Fi1OFJg4YxpmegQ"


def test_a_refresh_stores_the_new_refresh_token(owner: Persona, upstream) -> None:
    account = connect_tumblr(owner)
    account.token_expires_at = timezone.now() + timedelta(minutes=5)
    account.save()
    refreshed = {**payload("token"), "access_token": "a2", "refresh_token": "r2"}
    upstream.post(api("/oauth2/token"), json=refreshed)
    assert refresh_account(account.pk) is True
    assert form(upstream.calls[0]) == {
        "grant_type": "refresh_token",
        "refresh_token": "tumblr-refresh",
        "client_id": CLIENT["client_id"],
        "client_secret": CLIENT["client_secret"],
    }
    account.refresh_from_db()
    assert (
        account.credentials["accessToken"],
        account.credentials["refreshToken"],
    ) == (
        "a2",
        "r2",
    )


def test_the_dashboard_sends_the_browser_to_tumblr(owner: Persona) -> None:
    response = signed_in(owner.user).post(
        reverse("platforms:connect", args=["tumblr"]),
        {"tumblr-profile": str(owner.profile.pk)},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("https://www.tumblr.com/oauth2/authorize?")

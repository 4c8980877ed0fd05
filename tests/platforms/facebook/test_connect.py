"""Connecting Facebook Pages: one account per Page, holding that Page's own token."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from platforms.models import PlatformAccount
from tests.conftest import Persona, error_of, post_json
from tests.platforms.facebook.conftest import (
    CLIENT,
    PAGE_ID,
    PAGE_TOKEN,
    USER_ID,
    api,
    connect_page,
    payload,
    sent,
)

CONNECT = "/v1/accounts/connect/facebook"
CALLBACK = "/v1/accounts/oauth/facebook/callback"
TOKEN_URL = api("oauth/access_token")
SHORT = payload("token")["access_token"]
LONG = payload("long_lived")["access_token"]


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def start(persona: Persona) -> str:
    response = post_json(persona.client, CONNECT, {})
    assert response.status_code == 200, response.json()
    return response.json()["descriptor"]["state"]


def stubs(upstream, accounts: dict | None = None) -> None:
    upstream.post(TOKEN_URL, json=payload("token"))
    upstream.get(TOKEN_URL, json=payload("long_lived"))
    upstream.get(api("me"), json={"id": USER_ID})
    upstream.get(api("me/accounts"), json=accounts or payload("accounts"))


def test_the_descriptor_opens_the_facebook_login_dialog(
    owner: Persona, settings
) -> None:
    response = post_json(owner.client, CONNECT, {})
    descriptor = response.json()["descriptor"]
    url = descriptor["authorizationUrl"]
    assert url.startswith("https://www.facebook.com/v23.0/dialog/oauth?")
    assert query(url) == {
        "response_type": "code",
        "client_id": CLIENT["client_id"],
        "redirect_uri": f"{settings.PUBLIC_URL}/v1/accounts/oauth/facebook/callback",
        "scope": "pages_show_list,pages_manage_posts,pages_read_engagement,"
        "pages_manage_engagement",
        "state": descriptor["state"],
    }


def test_meta_app_variables_enable_facebook_too(owner: Persona, settings) -> None:
    settings.OAUTH_CLIENTS = {**settings.OAUTH_CLIENTS, "facebook": {}}
    response = post_json(owner.client, CONNECT, {})
    assert response.status_code == 403
    assert error_of(response)["code"] == "platform_not_enabled"


def test_the_callback_stores_one_account_per_page_with_its_page_token(
    owner: Persona, upstream, settings
) -> None:
    state = start(owner)
    stubs(upstream)
    response = owner.client.get(CALLBACK, {"code": "AQD-code", "state": state})
    assert response.status_code == 302
    assert "connected=facebook" in response["Location"]
    assert "accounts=2" in response["Location"]
    exchange, extend, me, pages = upstream.calls
    assert {k: v[0] for k, v in parse_qs(exchange.request.body).items()} == {
        "grant_type": "authorization_code",
        "code": "AQD-code",
        "redirect_uri": f"{settings.PUBLIC_URL}/v1/accounts/oauth/facebook/callback",
        "client_id": CLIENT["client_id"],
        "client_secret": CLIENT["client_secret"],
    }
    assert query(extend.request.url) == {
        "grant_type": "fb_exchange_token",
        "client_id": CLIENT["client_id"],
        "client_secret": CLIENT["client_secret"],
        "fb_exchange_token": SHORT,
    }
    assert sent(me) == {"fields": "id"}
    assert sent(pages) == {"fields": "id,name,access_token", "limit": "100"}
    assert query(pages.request.url)["access_token"] == LONG
    stored = {
        a.external_id: a for a in PlatformAccount.objects.filter(platform="facebook")
    }
    assert set(stored) == {PAGE_ID, "109876543210987"}
    bakery = stored[PAGE_ID]
    assert (bakery.display_name, bakery.credentials) == (
        "Corner Bakery",
        {"accessToken": PAGE_TOKEN},
    )
    assert bakery.token_expires_at is None  # Page tokens do not expire
    # Meta's deauthorize and data-deletion callbacks name the person, not the Page.
    assert bakery.metadata["userId"] == USER_ID


def test_reconnecting_updates_the_pages_without_duplicates(
    owner: Persona, upstream
) -> None:
    connect_page(owner, token="EAAGOldPageToken")
    stubs(upstream)
    response = post_json(
        owner.client, f"{CONNECT}/complete", {"code": "c", "state": start(owner)}
    )
    assert response.status_code == 200, response.json()
    assert PlatformAccount.objects.filter(platform="facebook").count() == 2
    assert (
        PlatformAccount.objects.get(external_id=PAGE_ID).credentials["accessToken"]
        == PAGE_TOKEN
    )


def test_a_user_without_pages_gets_the_pages_none_rule(
    owner: Persona, upstream
) -> None:
    stubs(upstream, accounts=payload("accounts_empty"))
    response = post_json(
        owner.client, f"{CONNECT}/complete", {"code": "c", "state": start(owner)}
    )
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["rule"]) == (
        "platform_rejected",
        "facebook.pages.none",
    )
    assert not PlatformAccount.objects.filter(platform="facebook").exists()


def test_a_refused_token_extension_never_shows_the_secret(
    owner: Persona, upstream
) -> None:
    upstream.post(TOKEN_URL, json=payload("token"))
    upstream.get(TOKEN_URL, status=400, json=payload("error_token"))
    response = post_json(
        owner.client, f"{CONNECT}/complete", {"code": "c", "state": start(owner)}
    )
    assert response.status_code == 502
    assert error_of(response)["code"] == "platform_auth_failed"
    assert CLIENT["client_secret"] not in json.dumps(error_of(response))


def test_page_tokens_are_never_refreshed(account: PlatformAccount) -> None:
    from platforms.facebook.adapter import FacebookAdapter

    assert account.token_expires_at is None
    assert FacebookAdapter.can_refresh(account) is False

"""Connecting Threads and keeping its 60-day token alive."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone

from platforms.models import PlatformAccount
from platforms.tokens import refresh_due_tokens
from tests.conftest import Persona, error_of, post_json
from tests.platforms.threads.conftest import (
    CLIENT,
    GRAPH,
    TOKEN,
    USER_ID,
    api,
    connect_threads,
    payload,
    sent,
)
from webhooks.models import WebhookEvent

CONNECT = "/v1/accounts/connect/threads"
CALLBACK = "/v1/accounts/oauth/threads/callback"
TOKEN_URL = f"{GRAPH}/oauth/access_token"
SHORT = payload("token")["access_token"]


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def start(persona: Persona) -> dict:
    response = post_json(persona.client, CONNECT, {})
    assert response.status_code == 200, response.json()
    return response.json()["descriptor"]


def stubs(upstream, me: dict | None = None) -> None:
    upstream.post(TOKEN_URL, json=payload("token"))
    upstream.get(f"{GRAPH}/access_token", json=payload("long_lived"))
    upstream.get(api("me"), json=me or payload("me"))


def test_the_descriptor_uses_threads_oauth_with_comma_scopes(
    owner: Persona, settings
) -> None:
    descriptor = start(owner)
    url = descriptor["authorizationUrl"]
    assert url.startswith("https://threads.net/oauth/authorize?")
    assert query(url) == {
        "response_type": "code",
        "client_id": CLIENT["client_id"],
        "redirect_uri": f"{settings.PUBLIC_URL}/v1/accounts/oauth/threads/callback",
        "scope": "threads_basic,threads_content_publish",
        "state": descriptor["state"],
    }


def test_the_callback_stores_the_profile_with_a_long_lived_token(
    owner: Persona, upstream, settings
) -> None:
    state = start(owner)["state"]
    stubs(upstream)
    response = owner.client.get(CALLBACK, {"code": "th-code", "state": state})
    assert response.status_code == 302 and "connected=threads" in response["Location"]
    exchange, long_lived, me = upstream.calls
    form = {k: v[0] for k, v in parse_qs(exchange.request.body).items()}
    assert form["client_secret"] == CLIENT["client_secret"]  # in the body, no PKCE
    assert "code_verifier" not in form
    assert query(long_lived.request.url) == {
        "grant_type": "th_exchange_token",
        "client_secret": CLIENT["client_secret"],
        "access_token": SHORT,
    }
    assert sent(me) == {"fields": "id,username,name,threads_profile_picture_url"}
    account = PlatformAccount.objects.get(platform="threads")
    assert (account.external_id, account.display_name) == (USER_ID, "@cornerbakery")
    assert account.credentials == {"accessToken": TOKEN}
    assert account.token_expires_at - timezone.now() > timedelta(days=59)


def test_reconnecting_keeps_one_account(owner: Persona, upstream) -> None:
    connect_threads(owner, token="THQVJOld")
    stubs(upstream)
    response = post_json(
        owner.client,
        f"{CONNECT}/complete",
        {"code": "c", "state": start(owner)["state"]},
    )
    assert response.status_code == 200, response.json()
    assert (
        PlatformAccount.objects.get(platform="threads").credentials["accessToken"]
        == TOKEN
    )


def test_a_refused_long_lived_swap_is_an_auth_failure(owner: Persona, upstream) -> None:
    upstream.post(TOKEN_URL, json=payload("token"))
    upstream.get(f"{GRAPH}/access_token", status=400, json=payload("error_token"))
    response = post_json(
        owner.client,
        f"{CONNECT}/complete",
        {"code": "c", "state": start(owner)["state"]},
    )
    assert response.status_code == 502
    assert error_of(response)["code"] == "platform_auth_failed"
    assert CLIENT["client_secret"] not in response.content.decode()


def expiring(persona: Persona) -> PlatformAccount:
    account = connect_threads(persona)
    account.token_expires_at = timezone.now() + timedelta(days=6)
    account.save()
    return account


def test_refresh_renews_inside_the_horizon(owner: Persona, upstream) -> None:
    account = expiring(owner)
    upstream.get(f"{GRAPH}/refresh_access_token", json=payload("refreshed"))
    assert refresh_due_tokens() == 1
    assert query(upstream.calls[0].request.url) == {
        "grant_type": "th_refresh_token",
        "access_token": TOKEN,
    }
    account.refresh_from_db()
    assert account.credentials["accessToken"] == payload("refreshed")["access_token"]


def test_a_refused_refresh_revokes_the_token(owner: Persona, upstream) -> None:
    account = expiring(owner)
    upstream.get(
        f"{GRAPH}/refresh_access_token", status=400, json=payload("error_token")
    )
    refresh_due_tokens()
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH
    assert WebhookEvent.objects.filter(type="token.revoked").count() == 1

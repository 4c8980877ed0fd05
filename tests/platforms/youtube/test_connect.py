"""Connecting a YouTube channel with Google OAuth (offline access, PKCE) and refreshing it."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone

from platforms.models import PlatformAccount
from platforms.services import disconnect_account
from platforms.tokens import refresh_account
from tests.conftest import Persona, post_json
from tests.platforms.youtube.conftest import (
    CHANNEL_ID,
    CLIENT,
    api,
    channel,
    channel_list,
    connect_youtube,
)
from webhooks.models import WebhookEvent

CONNECT = "/v1/accounts/connect/youtube"
CALLBACK = "/v1/accounts/oauth/youtube/callback"
TOKEN = "https://oauth2.googleapis.com/token"
SCOPES = (
    "https://www.googleapis.com/auth/youtube.upload "
    "https://www.googleapis.com/auth/youtube.readonly "
    "https://www.googleapis.com/auth/youtube.force-ssl"
)
GOOGLE_TOKEN = {
    "access_token": "ya29.a0AfB_byC",
    "expires_in": 3599,
    "refresh_token": "1//0gLx-refresh",
    "scope": SCOPES,
    "token_type": "Bearer",
}


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def form(call) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


def start(persona: Persona) -> dict:
    response = post_json(persona.client, CONNECT, {})
    assert response.status_code == 200, response.json()
    return response.json()["descriptor"]


def test_the_descriptor_asks_google_for_offline_access_with_pkce(
    owner: Persona,
) -> None:
    descriptor = start(owner)
    url = descriptor["authorizationUrl"]
    assert url.startswith("https://accounts.google.com/o/oauth2/v2/auth?")
    params = query(url)
    assert (params["client_id"], params["scope"]) == (CLIENT["client_id"], SCOPES)
    assert (params["access_type"], params["prompt"]) == ("offline", "consent")
    assert params["code_challenge_method"] == "S256" and params["state"]


def test_the_callback_stores_the_channel(owner: Persona, upstream) -> None:
    descriptor = start(owner)
    upstream.post(TOKEN, json=GOOGLE_TOKEN)
    upstream.get(api("/youtube/v3/channels"), json=channel_list(channel()))
    response = owner.client.get(
        CALLBACK, {"code": "4/0Ad", "state": descriptor["state"]}
    )
    assert response.status_code == 302 and "connected=youtube" in response["Location"]
    sent = form(upstream.calls[0])
    assert sent["code_verifier"] and sent["client_id"] == CLIENT["client_id"]
    assert query(upstream.calls[1].request.url) == {"part": "snippet", "mine": "true"}
    account = PlatformAccount.objects.get()
    assert (account.external_id, account.display_name) == (CHANNEL_ID, "Maker Studio")
    assert account.credentials["refreshToken"] == "1//0gLx-refresh"
    assert account.token_expires_at < timezone.now() + timedelta(hours=1)


def test_a_google_account_without_a_channel_is_refused(
    owner: Persona, upstream
) -> None:
    descriptor = start(owner)
    upstream.post(TOKEN, json=GOOGLE_TOKEN)
    upstream.get(api("/youtube/v3/channels"), json=channel_list())
    response = owner.client.get(CALLBACK, {"code": "c", "state": descriptor["state"]})
    assert "connect_rule=youtube.channel.required" in response["Location"]
    assert not PlatformAccount.objects.exists()


def test_reconnecting_updates_the_same_channel(owner: Persona, upstream) -> None:
    connect_youtube(owner)
    upstream.post(TOKEN, json={**GOOGLE_TOKEN, "access_token": "ya29.new"})
    upstream.get(api("/youtube/v3/channels"), json=channel_list(channel()))
    owner.client.get(CALLBACK, {"code": "c", "state": start(owner)["state"]})
    assert PlatformAccount.objects.get().credentials["accessToken"] == "ya29.new"


def expiring(persona: Persona, within: timedelta) -> PlatformAccount:
    account = connect_youtube(persona)
    account.token_expires_at = timezone.now() + within
    account.save()
    return account


def test_refresh_keeps_the_refresh_token_google_does_not_resend(
    owner: Persona, upstream
) -> None:
    account = expiring(owner, timedelta(minutes=10))
    upstream.post(
        TOKEN, json={k: v for k, v in GOOGLE_TOKEN.items() if k != "refresh_token"}
    )
    assert refresh_account(account.pk) is True
    assert form(upstream.calls[0]) == {
        "grant_type": "refresh_token",
        "refresh_token": "1//refresh",
        "client_id": CLIENT["client_id"],
        "client_secret": CLIENT["client_secret"],
    }
    account.refresh_from_db()
    assert account.credentials["accessToken"] == "ya29.a0AfB_byC"
    assert account.credentials["refreshToken"] == "1//refresh"


def test_a_token_outside_the_horizon_is_left_alone(owner: Persona, upstream) -> None:
    assert refresh_account(expiring(owner, timedelta(minutes=30)).pk) is False


def test_a_refused_refresh_revokes_and_needs_reconnecting(
    owner: Persona, upstream
) -> None:
    account = expiring(owner, timedelta(minutes=10))
    upstream.post(
        TOKEN,
        status=400,
        json={
            "error": "invalid_grant",
            "error_description": "Token has been expired or revoked.",
        },
    )
    assert refresh_account(account.pk) is False
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH
    assert WebhookEvent.objects.filter(type="token.revoked").count() == 1


def test_disconnecting_revokes_at_google(owner: Persona, upstream) -> None:
    account = connect_youtube(owner)
    upstream.post("https://oauth2.googleapis.com/revoke", status=200)
    upstream.post("https://oauth2.googleapis.com/revoke", status=200)
    disconnect_account(account=account)
    assert [form(c)["token"] for c in upstream.calls] == ["1//refresh", "ya29.current"]

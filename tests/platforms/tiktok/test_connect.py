"""Connecting TikTok (OAuth + PKCE with `client_key`), refreshing with rotation, revoking."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone

from platforms.models import PlatformAccount
from platforms.services import disconnect_account
from platforms.tokens import refresh_account
from tests.conftest import Persona, post_json
from tests.platforms.tiktok.conftest import (
    CLIENT,
    OPEN_ID,
    api,
    connect_tiktok,
    payload,
)
from webhooks.models import WebhookEvent

CONNECT = "/v1/accounts/connect/tiktok"
CALLBACK = "/v1/accounts/oauth/tiktok/callback"
TOKEN = api("/v2/oauth/token/")
USER = api("/v2/user/info/")
CREATOR = api("/v2/post/publish/creator_info/query/")


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def form(call) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


def start(persona: Persona) -> dict:
    response = post_json(persona.client, CONNECT, {})
    assert response.status_code == 200, response.json()
    return response.json()["descriptor"]


def test_the_descriptor_uses_client_key_comma_scopes_and_pkce(
    owner: Persona, settings
) -> None:
    descriptor = start(owner)
    url = descriptor["authorizationUrl"]
    assert url.startswith("https://www.tiktok.com/v2/auth/authorize/?")
    params = query(url)
    assert params == {
        "response_type": "code",
        "client_key": CLIENT["client_id"],
        "redirect_uri": f"{settings.PUBLIC_URL}/v1/accounts/oauth/tiktok/callback",
        "scope": "user.info.basic,video.upload,video.publish",
        "state": descriptor["state"],
        "code_challenge": params["code_challenge"],
        "code_challenge_method": "S256",
    }


def test_the_callback_stores_the_open_id_and_creator_info(
    owner: Persona, upstream
) -> None:
    descriptor = start(owner)
    upstream.post(TOKEN, json=payload("token"))
    upstream.get(USER, json=payload("user_info"))
    upstream.post(CREATOR, json=payload("creator_info"))
    response = owner.client.get(
        CALLBACK, {"code": "tt-code", "state": descriptor["state"]}
    )
    assert response.status_code == 302 and "connected=tiktok" in response["Location"]
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
        "code": "tt-code",
        "redirect_uri": descriptor["redirectUri"],
        "client_key": CLIENT["client_id"],
        "client_secret": CLIENT["client_secret"],
    }
    assert query(upstream.calls[1].request.url) == {
        "fields": "open_id,union_id,avatar_url,display_name,username"
    }
    assert upstream.calls[2].request.headers["Authorization"] == (
        f"Bearer {payload('token')['access_token']}"
    )
    account = PlatformAccount.objects.get()
    assert (account.external_id, account.display_name) == (OPEN_ID, "makerstudio")
    assert account.credentials["refreshToken"] == payload("token")["refresh_token"]
    meta = account.metadata
    assert meta["privacyLevelOptions"] == [
        "PUBLIC_TO_EVERYONE",
        "MUTUAL_FOLLOW_FRIENDS",
        "SELF_ONLY",
    ]
    assert meta["auditState"] == "production"
    assert meta["creatorInfo"] == {
        "commentDisabled": False,
        "duetDisabled": False,
        "stitchDisabled": True,
        "maxVideoPostDurationSec": 300,
    }
    assert meta["grantedScopes"] == ["user.info.basic", "video.upload", "video.publish"]
    assert account.token_expires_at < timezone.now() + timedelta(hours=25)


def test_without_creator_info_the_account_is_in_audit(owner: Persona, upstream) -> None:
    upstream.post(
        TOKEN, json={**payload("token"), "scope": "user.info.basic,video.upload"}
    )
    upstream.get(USER, json=payload("user_info"))
    upstream.post(
        CREATOR,
        status=401,
        json={
            "data": {},
            "error": {
                "code": "scope_not_authorized",
                "message": "The user did not authorize the scope required.",
                "log_id": "1",
            },
        },
    )
    owner.client.get(CALLBACK, {"code": "c", "state": start(owner)["state"]})
    account = PlatformAccount.objects.get()
    assert account.metadata["auditState"] == "audit"
    assert account.metadata["privacyLevelOptions"] == []


def test_reconnecting_updates_the_same_account(owner: Persona, upstream) -> None:
    connect_tiktok(owner)
    upstream.post(TOKEN, json={**payload("token"), "access_token": "act.new"})
    upstream.get(USER, json=payload("user_info"))
    upstream.post(CREATOR, json=payload("creator_info"))
    owner.client.get(CALLBACK, {"code": "c", "state": start(owner)["state"]})
    account = PlatformAccount.objects.get()
    assert account.credentials["accessToken"] == "act.new"


def expiring(persona: Persona, within: timedelta) -> PlatformAccount:
    account = connect_tiktok(persona, audit=True)
    account.token_expires_at = timezone.now() + within
    account.save()
    return account


def test_refresh_stores_the_rotated_token_and_rereads_creator_info(
    owner: Persona, upstream
) -> None:
    account = expiring(owner, timedelta(minutes=30))
    rotated = {**payload("token"), "access_token": "act.2", "refresh_token": "rft.2"}
    upstream.post(TOKEN, json=rotated)
    upstream.post(CREATOR, json=payload("creator_info"))
    assert refresh_account(account.pk) is True
    assert form(upstream.calls[0]) == {
        "grant_type": "refresh_token",
        "refresh_token": "rft.current",
        "client_key": CLIENT["client_id"],
        "client_secret": CLIENT["client_secret"],
    }
    assert upstream.calls[1].request.headers["Authorization"] == "Bearer act.2"
    account.refresh_from_db()
    assert (
        account.credentials["accessToken"],
        account.credentials["refreshToken"],
    ) == (
        "act.2",
        "rft.2",
    )
    assert account.metadata["auditState"] == "production"  # creator info re-read


def test_a_token_outside_the_one_hour_horizon_is_left_alone(
    owner: Persona, upstream
) -> None:
    account = expiring(owner, timedelta(hours=2))
    assert refresh_account(account.pk) is False


def test_a_refused_refresh_revokes_and_needs_reconnecting(
    owner: Persona, upstream
) -> None:
    account = expiring(owner, timedelta(minutes=30))
    upstream.post(
        TOKEN,
        status=400,
        json={
            "error": "invalid_grant",
            "error_description": "Refresh token is invalid or expired.",
            "log_id": "2",
        },
    )
    assert refresh_account(account.pk) is False
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH
    assert WebhookEvent.objects.filter(type="token.revoked").count() == 1


def test_disconnecting_revokes_the_access_token(owner: Persona, upstream) -> None:
    account = connect_tiktok(owner)
    upstream.post(api("/v2/oauth/revoke/"), json={})
    disconnect_account(account=account)
    assert form(upstream.calls[0]) == {
        "client_key": CLIENT["client_id"],
        "client_secret": CLIENT["client_secret"],
        "token": "act.current",
    }

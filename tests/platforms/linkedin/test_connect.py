"""Connecting LinkedIn: 3-legged OAuth, /v2/userinfo, organizations, refresh or expiry notice."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone

from platforms.models import PlatformAccount
from platforms.tokens import refresh_due_tokens
from tests.conftest import Persona, post_json
from tests.platforms.linkedin.conftest import (
    ORGANIZATION,
    PERSON,
    REVOKE_URL,
    SUB,
    TOKEN_URL,
    api,
    connect_linkedin,
    payload,
)
from webhooks.models import WebhookEvent

CONNECT = "/v1/accounts/connect/linkedin"
CALLBACK = "/v1/accounts/oauth/linkedin/callback"


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def form(call) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


def start(persona: Persona) -> dict:
    response = post_json(persona.client, CONNECT, {})
    assert response.status_code == 200, response.json()
    return response.json()["descriptor"]


def test_the_descriptor_asks_for_member_scopes_without_pkce(
    owner: Persona, settings
) -> None:
    descriptor = start(owner)
    redirect = f"{settings.PUBLIC_URL}/v1/accounts/oauth/linkedin/callback"
    assert descriptor["scopes"] == ["openid", "profile", "w_member_social"]
    url = descriptor["authorizationUrl"]
    assert url.startswith("https://www.linkedin.com/oauth/v2/authorization?")
    assert query(url) == {
        "response_type": "code",
        "client_id": "li-client-id",
        "redirect_uri": redirect,
        "scope": "openid profile w_member_social",
        "state": descriptor["state"],
    }


def test_organization_scopes_only_when_enabled(owner: Persona, settings) -> None:
    settings.LINKEDIN_ORGANIZATIONS = True
    assert start(owner)["scopes"] == [
        "openid",
        "profile",
        "w_member_social",
        "w_organization_social",
        "r_organization_social",
    ]


def test_the_callback_stores_the_member_as_a_person_author(
    owner: Persona, upstream
) -> None:
    descriptor = start(owner)
    upstream.post(TOKEN_URL, json=payload("token"))
    upstream.get(api("/v2/userinfo"), json=payload("userinfo"))
    response = owner.client.get(
        CALLBACK, {"code": "the-code", "state": descriptor["state"]}
    )
    assert "connected=linkedin" in response["Location"]
    assert form(upstream.calls[0]) == {
        "grant_type": "authorization_code",
        "code": "the-code",
        "redirect_uri": descriptor["redirectUri"],
        "client_id": "li-client-id",
        "client_secret": "li-client-secret",
    }
    assert "Authorization" not in upstream.calls[0].request.headers
    account = PlatformAccount.objects.get()
    assert (account.external_id, account.display_name) == (SUB, "Ada Lovelace")
    assert account.metadata["authorUrn"] == PERSON
    assert account.metadata["kind"] == "person"
    assert "refreshToken" not in account.credentials
    assert (
        timezone.now() + timedelta(days=59)
        < account.token_expires_at
        < timezone.now() + timedelta(days=61)
    )


def test_with_organizations_each_administered_page_is_its_own_account(
    owner: Persona, upstream, settings
) -> None:
    settings.LINKEDIN_ORGANIZATIONS = True
    descriptor = start(owner)
    upstream.post(TOKEN_URL, json=payload("token_partner"))
    upstream.get(api("/v2/userinfo"), json=payload("userinfo"))
    upstream.get(api("/rest/organizationAcls"), json=payload("organization_acls"))
    upstream.get(api("/rest/organizations/2414183"), json=payload("organization"))
    second = {
        **payload("organization"),
        "id": 5515715,
        "localizedName": "Difference Co",
    }
    upstream.get(api("/rest/organizations/5515715"), json=second)
    owner.client.get(CALLBACK, {"code": "c", "state": descriptor["state"]})
    assert query(upstream.calls[2].request.url) == {
        "q": "roleAssignee",
        "role": "ADMINISTRATOR",
        "state": "APPROVED",
    }
    rows = {
        a.external_id: (a.display_name, a.metadata["authorUrn"], a.metadata["kind"])
        for a in PlatformAccount.objects.all()
    }
    assert rows == {
        SUB: ("Ada Lovelace", PERSON, "person"),
        ORGANIZATION: ("Analytical Engines Ltd", ORGANIZATION, "organization"),
        "urn:li:organization:5515715": (
            "Difference Co",
            "urn:li:organization:5515715",
            "organization",
        ),
    }
    assert all(
        a.credentials["refreshToken"] == payload("token_partner")["refresh_token"]
        for a in PlatformAccount.objects.all()
    )


def test_reconnecting_updates_the_row(owner: Persona, upstream) -> None:
    old = connect_linkedin(owner, accessToken="stale")
    descriptor = start(owner)
    upstream.post(TOKEN_URL, json=payload("token"))
    upstream.get(api("/v2/userinfo"), json=payload("userinfo"))
    owner.client.get(CALLBACK, {"code": "c", "state": descriptor["state"]})
    (account,) = PlatformAccount.objects.all()
    assert account.pk == old.pk
    assert account.credentials["accessToken"] == payload("token")["access_token"]


def events(kind: str) -> list[dict]:
    return [json.loads(e.body)["data"] for e in WebhookEvent.objects.filter(type=kind)]


def expiring(account: PlatformAccount, days: int) -> PlatformAccount:
    account.token_expires_at = timezone.now() + timedelta(days=days)
    account.save()
    return account


def test_a_token_without_refresh_warns_7_days_before_it_expires(
    owner: Persona, upstream
) -> None:
    account = expiring(connect_linkedin(owner), 6)
    assert refresh_due_tokens() == 0
    assert len(upstream.calls) == 0
    (notice,) = events("token.expiring")
    assert notice["accountId"] == str(account.pk)
    refresh_due_tokens()
    assert len(events("token.expiring")) == 1  # once per expiry


def test_a_partner_refresh_token_is_used_7_days_ahead(owner: Persona, upstream) -> None:
    account = expiring(connect_linkedin(owner, refreshToken="li-refresh"), 6)
    upstream.post(TOKEN_URL, json=payload("token_partner"))
    assert refresh_due_tokens() == 1
    assert form(upstream.calls[0]) == {
        "grant_type": "refresh_token",
        "refresh_token": "li-refresh",
        "client_id": "li-client-id",
        "client_secret": "li-client-secret",
    }
    account.refresh_from_db()
    assert (
        account.credentials["accessToken"] == payload("token_partner")["access_token"]
    )
    assert account.token_expires_at > timezone.now() + timedelta(days=59)


def test_a_refused_refresh_revokes(owner: Persona, upstream) -> None:
    account = expiring(connect_linkedin(owner, refreshToken="li-refresh"), 6)
    upstream.post(
        TOKEN_URL,
        status=400,
        json={
            "error": "invalid_request",
            "error_description": "The provided refresh token is invalid or has expired",
        },
    )
    refresh_due_tokens()
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH
    assert [e["reason"] for e in events("token.revoked")] == ["refresh_failed"]
    assert (
        owner.client.get(f"/v1/accounts/{account.pk}").json()["needsReconnect"] is True
    )


def test_disconnecting_revokes_the_token(owner: Persona, upstream) -> None:
    account = connect_linkedin(owner)
    upstream.post(REVOKE_URL, body="")
    assert owner.client.delete(f"/v1/accounts/{account.pk}").status_code == 200
    assert form(upstream.calls[0]) == {
        "token": "li-access",
        "token_type_hint": "access_token",
        "client_id": "li-client-id",
        "client_secret": "li-client-secret",
    }

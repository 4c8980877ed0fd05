"""The OAuth token lifecycle (platforms.tokens) at the HTTP boundary, on Mastodon accounts.

Mastodon is the OAuth platform every install has; its token endpoint is plain RFC 6749, so it
exercises the generic refresh. Per-platform refresh variants are tested with their adapters.
"""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
import responses
from django.utils import timezone

from letmepost.maintenance import run_job
from platforms.models import MastodonApp, PlatformAccount
from platforms.oauth import redirect_uri_for
from platforms.tokens import refresh_account, refresh_due_tokens
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.mastodon.conftest import INSTANCE, api, connect_mastodon, payload
from webhooks.models import WebhookEvent

TOKEN_URL = api("/oauth/token")


@pytest.fixture
def app(db: None) -> MastodonApp:
    return MastodonApp.objects.create(
        instance_url=INSTANCE,
        redirect_uri=redirect_uri_for("mastodon"),
        scopes="read write",
        client_id="client-1",
        secrets={"clientSecret": "secret-1"},
    )


def expiring_account(
    persona: Persona, *, in_: timedelta, refresh: str | None = "refresh-1"
) -> PlatformAccount:
    account = connect_mastodon(persona, token="old-access")
    if refresh:
        account.credentials = {**account.credentials, "refreshToken": refresh}
    account.token_expires_at = timezone.now() + in_
    account.save()
    return account


def events(kind: str) -> list[dict]:
    """The `data` of every event of this type, oldest first."""
    return [
        json.loads(e.body)["data"]
        for e in WebhookEvent.objects.filter(type=kind).order_by("seq")
    ]


def publish_due(persona: Persona, account: PlatformAccount) -> PostTarget:
    """Schedule a post on `account`, make it due, and run one dispatch of it."""
    response = post_json(
        persona.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": "hello",
            "scheduledAt": (timezone.now() + timedelta(hours=1)).isoformat(),
        },
    )
    assert response.status_code == 202, response.json()
    target = PostTarget.objects.get()
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    (claim,) = claim_due()
    publish_claimed(claim)
    target.refresh_from_db()
    return target


def test_a_token_inside_its_horizon_is_refreshed_and_stored(
    owner: Persona, app: MastodonApp
) -> None:
    account = expiring_account(owner, in_=timedelta(minutes=5))
    with responses.RequestsMock() as upstream:
        upstream.post(
            TOKEN_URL,
            json={
                "access_token": "new-access",
                "refresh_token": "refresh-2",
                "token_type": "Bearer",
                "expires_in": 7200,
            },
        )
        assert refresh_due_tokens() == 1
        form = parse_qs(upstream.calls[0].request.body)
    assert form["grant_type"] == ["refresh_token"]
    assert form["refresh_token"] == ["refresh-1"]
    assert form["client_id"] == ["client-1"]
    account.refresh_from_db()
    assert account.credentials["accessToken"] == "new-access"
    assert account.credentials["refreshToken"] == "refresh-2"
    assert account.token_expires_at > timezone.now() + timedelta(minutes=110)
    assert account.status == PlatformAccount.Status.ACTIVE
    assert events("token.expiring") == []


def test_a_token_outside_its_horizon_is_left_alone(
    owner: Persona, app: MastodonApp
) -> None:
    account = expiring_account(owner, in_=timedelta(hours=3))
    with responses.RequestsMock():  # any HTTP call would fail the test
        assert refresh_account(account.pk) is False
    account.refresh_from_db()
    assert account.credentials["accessToken"] == "old-access"


def test_a_refused_refresh_revokes_once_and_the_account_needs_reconnecting(
    owner: Persona, app: MastodonApp
) -> None:
    account = expiring_account(owner, in_=timedelta(minutes=5))
    with responses.RequestsMock() as upstream:
        upstream.post(
            TOKEN_URL,
            status=400,
            json={"error": "invalid_grant", "error_description": "revoked"},
        )
        refresh_due_tokens()
        refresh_due_tokens()  # a needs-reauth account is not tried again
        assert len(upstream.calls) == 1
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH
    (revoked,) = events("token.revoked")
    assert revoked["accountId"] == str(account.pk)
    assert revoked["reason"] == "refresh_failed"
    response = owner.client.get(f"/v1/accounts/{account.pk}")
    assert response.json()["needsReconnect"] is True


def test_a_passing_failure_warns_that_the_token_is_expiring_and_keeps_the_account(
    owner: Persona, app: MastodonApp
) -> None:
    account = expiring_account(owner, in_=timedelta(minutes=5))
    with responses.RequestsMock() as upstream:
        upstream.post(TOKEN_URL, status=503, body="maintenance")
        refresh_due_tokens()
        refresh_due_tokens()
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.ACTIVE
    (expiring,) = events("token.expiring")  # once per expiry, not once per attempt
    assert expiring["accountId"] == str(account.pk)
    assert events("token.revoked") == []


def test_a_token_that_cannot_be_refreshed_is_announced_seven_days_ahead_once(
    owner: Persona, app: MastodonApp
) -> None:
    later = expiring_account(owner, in_=timedelta(days=9), refresh=None)
    with responses.RequestsMock():
        run_job("refresh-oauth-tokens")
    assert events("token.expiring") == []
    later.token_expires_at = timezone.now() + timedelta(days=6)
    later.save()
    with responses.RequestsMock():
        run_job("refresh-oauth-tokens")
        run_job("refresh-oauth-tokens")
    (expiring,) = events("token.expiring")
    assert expiring["accountId"] == str(later.pk)


def test_publishing_with_an_expired_token_refreshes_it_first(
    owner: Persona, app: MastodonApp
) -> None:
    account = expiring_account(owner, in_=timedelta(seconds=-30))
    with responses.RequestsMock() as upstream:
        upstream.post(
            TOKEN_URL,
            json={"access_token": "fresh", "token_type": "Bearer", "expires_in": 7200},
        )
        upstream.post(api("/api/v1/statuses"), json=payload("status"))
        target = publish_due(owner, account)
        status_call = upstream.calls[1]
    assert target.status == PostTarget.Status.PUBLISHED
    assert status_call.request.headers["Authorization"] == "Bearer fresh"


def test_publishing_when_the_refresh_is_refused_fails_with_auth_and_revokes(
    owner: Persona, app: MastodonApp
) -> None:
    account = expiring_account(owner, in_=timedelta(seconds=-30))
    with responses.RequestsMock() as upstream:
        upstream.post(TOKEN_URL, status=401, json={"error": "invalid_client"})
        target = publish_due(owner, account)  # no status is sent: only the refresh
    assert target.status == PostTarget.Status.REJECTED
    assert target.error["code"] == "platform_auth_failed"
    assert target.error["rule"] == "account.needs_reauth"
    assert len(events("token.revoked")) == 1

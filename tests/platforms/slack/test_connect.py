"""Connecting Slack with OAuth v2 through the generic flow (platforms.oauth)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from platforms.models import PlatformAccount
from tests.conftest import Persona, error_of, post_json
from tests.platforms.at_rest import stored_credentials
from tests.platforms.slack.conftest import (
    CLIENT,
    TOKEN,
    answer,
    answer_errors,
    form_errors,
    payload,
)

CONNECT = "/v1/accounts/connect/slack"
CALLBACK = "/v1/accounts/oauth/slack/callback"


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def start(persona: Persona) -> dict:
    response = post_json(persona.client, CONNECT, {})
    assert response.status_code == 200, response.json()
    return response.json()["descriptor"]


def test_the_descriptor_asks_for_the_bot_scopes_without_pkce(
    owner: Persona, settings
) -> None:
    descriptor = start(owner)
    url = descriptor["authorizationUrl"]
    assert url.startswith("https://slack.com/oauth/v2/authorize?")
    assert query(url) == {
        "response_type": "code",
        "client_id": CLIENT["client_id"],
        "redirect_uri": f"{settings.PUBLIC_URL}/v1/accounts/oauth/slack/callback",
        "scope": "chat:write,files:write",
        "state": descriptor["state"],
    }


def test_without_credentials_connecting_is_not_enabled(
    owner: Persona, settings
) -> None:
    settings.OAUTH_CLIENTS = {**settings.OAUTH_CLIENTS, "slack": {}}
    response = post_json(owner.client, CONNECT, {})
    assert response.status_code == 403
    assert error_of(response)["code"] == "platform_not_enabled"


def test_the_callback_stores_the_workspace_with_its_token_encrypted(
    owner: Persona, upstream
) -> None:
    state = start(owner)["state"]
    token = payload(
        "token", incoming_webhook={"channel": "#releases", "channel_id": "C0RELEASES"}
    )
    assert answer_errors("oauth.v2.access", token) == []
    answer(upstream, "oauth.v2.access", token)
    answer(upstream, "auth.test", payload("auth_test"))
    response = owner.client.get(CALLBACK, {"code": "slack-code", "state": state})
    assert response.status_code == 302
    account = PlatformAccount.objects.get(platform="slack")
    assert (account.external_id, account.display_name) == (
        "T9TK3CUKW",
        "Slack Softball Team",
    )
    assert account.metadata == {
        "teamId": "T9TK3CUKW",
        "teamUrl": "https://softball.slack.com/",
        "botUserId": "U0KRQLJ9H",
        "defaultChannel": "C0RELEASES",
        "defaultChannelName": "#releases",
    }
    assert account.credentials["accessToken"] == TOKEN
    assert TOKEN not in stored_credentials(account)
    exchange = dict(parse_qs(upstream.calls[0].request.body))
    form = {k: v[0] for k, v in exchange.items()}
    assert form.pop("grant_type") == "authorization_code"  # newer than the Swagger file
    assert form_errors("oauth.v2.access", form) == []
    assert form["client_secret"] == CLIENT["client_secret"]
    assert upstream.calls[1].request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_a_refused_code_fails_the_connect(owner: Persona, upstream) -> None:
    state = start(owner)["state"]
    upstream.add(
        "POST",
        "https://slack.com/api/oauth.v2.access",
        json={"ok": False, "error": "invalid_code"},
    )
    response = owner.client.get(
        CALLBACK, {"code": "stale", "state": state}, HTTP_ACCEPT="application/json"
    )
    assert "connect_error" in response["Location"]
    assert not PlatformAccount.objects.filter(platform="slack").exists()

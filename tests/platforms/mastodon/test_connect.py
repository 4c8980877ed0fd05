"""Connecting Mastodon: app registration per instance and the generic OAuth flow (platforms.oauth)."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.utils import timezone

from platforms.mastodon.preflight import limits_from_instance
from platforms.models import MastodonApp, OAuthState, PlatformAccount
from platforms.oauth import purge_expired_states, trusted_return_to, with_query
from tests.conftest import Persona, error_of, post_json
from tests.platforms.mastodon.conftest import INSTANCE, api, checked_json, payload

CONNECT = "/v1/accounts/connect/mastodon"
CALLBACK = "/v1/accounts/oauth/mastodon/callback"
RETURN_TO = "https://app.example.com/accounts?tab=social"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(autouse=True)
def trusted(settings) -> None:
    settings.TRUSTED_ORIGINS = [settings.PUBLIC_URL, "https://app.example.com"]


def start(persona: Persona, upstream, *, register: bool = True, **body) -> dict:
    upstream.get(api("/api/v2/instance"), json=payload("instance_v2"))
    if register:
        upstream.post(api("/api/v1/apps"), json=payload("app"))
    response = post_json(
        persona.client,
        CONNECT,
        {"instanceUrl": "Mastodon.Example", "returnTo": RETURN_TO, **body},
    )
    assert response.status_code == 200, response.json()
    return response.json()


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def finish_stubs(upstream, *, token_status: int = 200) -> None:
    if token_status != 200:
        upstream.post(
            api("/oauth/token"),
            status=token_status,
            json={
                "error": "invalid_grant",
                "error_description": "The provided authorization grant is invalid",
            },
        )
        return
    upstream.post(api("/oauth/token"), json=payload("token"))
    upstream.get(
        api("/api/v1/accounts/verify_credentials"), json=payload("verify_credentials")
    )
    upstream.get(api("/api/v2/instance"), json=payload("instance_v2"))


def test_connect_registers_an_app_once_per_instance_and_describes_the_oauth_step(
    owner: Persona, upstream, settings
) -> None:
    body = start(owner, upstream)
    redirect = f"{settings.PUBLIC_URL}/v1/accounts/oauth/mastodon/callback"
    registration = checked_json(upstream.calls[1], "POST", "/api/v1/apps")
    assert registration == {
        "client_name": "letmepost",
        "redirect_uris": [redirect],
        "scopes": "read:accounts write:statuses write:media",
        "website": settings.PUBLIC_URL,
    }
    descriptor = body["descriptor"]
    assert (body["platform"], body["state"], descriptor["kind"]) == (
        "mastodon",
        "live",
        "oauth",
    )
    assert descriptor["redirectUri"] == redirect
    assert descriptor["scopes"] == ["read:accounts", "write:statuses", "write:media"]
    url = descriptor["authorizationUrl"]
    assert url.startswith(f"{INSTANCE}/oauth/authorize?")
    params = query(url)
    assert params == {
        "response_type": "code",
        "client_id": payload("app")["client_id"],
        "redirect_uri": redirect,
        "scope": "read:accounts write:statuses write:media",
        "state": descriptor["state"],
        "code_challenge": params["code_challenge"],
        "code_challenge_method": "S256",
    }
    app = MastodonApp.objects.get()
    assert (app.instance_url, app.client_secret) == (
        INSTANCE,
        payload("app")["client_secret"],
    )
    start(owner, upstream, register=False)  # the app is reused
    assert MastodonApp.objects.count() == 1


def test_the_callback_exchanges_the_code_with_pkce_and_stores_the_account(
    owner: Persona, upstream
) -> None:
    descriptor = start(owner, upstream)["descriptor"]
    finish_stubs(upstream)
    response = owner.client.get(
        CALLBACK, {"code": "the-code", "state": descriptor["state"]}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{RETURN_TO}&connected=mastodon&accounts=1"
    token_form = {k: v[0] for k, v in parse_qs(upstream.calls[2].request.body).items()}
    verifier = token_form.pop("code_verifier")
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        .rstrip(b"=")
        .decode()
    )
    assert challenge == query(descriptor["authorizationUrl"])["code_challenge"]
    assert token_form == {
        "grant_type": "authorization_code",
        "code": "the-code",
        "redirect_uri": descriptor["redirectUri"],
        "client_id": payload("app")["client_id"],
        "client_secret": payload("app")["client_secret"],
    }
    assert (
        upstream.calls[3].request.headers["Authorization"]
        == f"Bearer {payload('token')['access_token']}"
    )
    account = PlatformAccount.objects.get()
    me = payload("verify_credentials")
    assert (account.external_id, account.display_name) == (
        f"{me['id']}@mastodon.example",
        "@alice@mastodon.example",
    )
    assert account.credentials["accessToken"] == payload("token")["access_token"]
    assert account.metadata["instanceUrl"] == INSTANCE
    limits = account.metadata["limits"]
    assert limits == limits_from_instance(
        payload("instance_v2")
    )  # preflight's own reader
    assert (limits["max_characters"], limits["max_media_attachments"]) == (500, 4)
    assert limits["characters_reserved_per_url"] == 23
    assert account.profile_id == owner.profile.pk and account.token_expires_at is None
    assert not OAuthState.objects.exists()


def test_a_state_works_once(owner: Persona, upstream, settings) -> None:
    state = start(owner, upstream)["descriptor"]["state"]
    finish_stubs(upstream)
    assert owner.client.get(CALLBACK, {"code": "c", "state": state}).status_code == 302
    replay = owner.client.get(
        CALLBACK, {"code": "c", "state": state}, HTTP_ACCEPT=BROWSER
    )
    assert (
        replay["Location"]
        == f"{settings.PUBLIC_URL}/?connect_error=invalid_state_malformed&platform=mastodon"
    )
    scripted = owner.client.get(
        CALLBACK, {"code": "c", "state": state}
    )  # no HTML wanted
    assert (scripted.status_code, error_of(scripted)["rule"]) == (400, "oauth.state")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"error": "access_denied"}, "connect_error=access_denied&platform=mastodon"),
        ({"code": "c"}, "connect_error=missing_params&platform=mastodon"),
        (
            {"code": "c", "state": "forged"},
            "connect_error=invalid_state_malformed&platform=mastodon",
        ),
    ],
)
def test_callback_problems_redirect_with_connect_error(
    owner: Persona, settings, params, expected
) -> None:
    response = owner.client.get(CALLBACK, params, HTTP_ACCEPT=BROWSER)
    assert (response.status_code, response["Location"]) == (
        302,
        f"{settings.PUBLIC_URL}/?{expected}",
    )


def test_an_expired_or_misdirected_state_is_refused(
    owner: Persona, upstream, settings
) -> None:
    old = start(owner, upstream)["descriptor"]["state"]
    OAuthState.objects.filter(state=old).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    expired = owner.client.get(CALLBACK, {"code": "c", "state": old})
    assert (
        expired["Location"]
        == f"{RETURN_TO}&connect_error=invalid_state_expired&platform=mastodon"
    )
    other = start(owner, upstream, register=False)["descriptor"]["state"]
    mismatch = owner.client.get(
        "/v1/accounts/oauth/bluesky/callback", {"code": "c", "state": other}
    )
    assert "connect_error=platform_mismatch" in mismatch["Location"]


def test_a_refused_code_goes_back_with_the_error_code_and_rule(
    owner: Persona, upstream
) -> None:
    state = start(owner, upstream)["descriptor"]["state"]
    finish_stubs(upstream, token_status=400)
    location = owner.client.get(CALLBACK, {"code": "bad", "state": state})["Location"]
    assert location.startswith(RETURN_TO + "&")
    params = query(location)
    assert params["connect_error"] == "platform_auth_failed"
    assert params["connect_rule"] == "mastodon.oauth.code_exchange"
    assert params["connect_message"]
    assert not PlatformAccount.objects.exists()


def test_an_untrusted_return_to_is_ignored(owner: Persona, upstream, settings) -> None:
    state = start(owner, upstream, returnTo="https://evil.example.net/steal")[
        "descriptor"
    ]["state"]
    finish_stubs(upstream)
    location = owner.client.get(CALLBACK, {"code": "c", "state": state})["Location"]
    assert location == f"{settings.PUBLIC_URL}/?connected=mastodon&accounts=1"


def test_manual_completion_works_only_in_the_workspace_that_started(
    owner: Persona, outsider: Persona, upstream
) -> None:
    state = start(owner, upstream)["descriptor"]["state"]
    stolen = post_json(
        outsider.client, f"{CONNECT}/complete", {"code": "c", "state": state}
    )
    assert (stolen.status_code, error_of(stolen)["rule"]) == (400, "oauth.state")
    finish_stubs(upstream)
    done = post_json(owner.client, f"{CONNECT}/complete", {"code": "c", "state": state})
    assert done.status_code == 201, done.json()
    assert done.json()["platform"] == "mastodon"
    missing = post_json(owner.client, f"{CONNECT}/complete", {"state": state})
    assert missing.status_code == 400


def test_an_unreachable_instance_is_platform_unavailable(
    owner: Persona, upstream
) -> None:
    upstream.get(
        api("/api/v2/instance"),
        body=requests.ConnectionError("Name or service not known"),
    )
    response = post_json(owner.client, CONNECT, {"instanceUrl": INSTANCE})
    error = error_of(response)
    assert (response.status_code, error["code"], error["platform"]) == (
        503,
        "platform_unavailable",
        "mastodon",
    )
    assert error["platformResponse"]["error"] == "ConnectionError"
    assert error["platformVersion"] == "mastodon-v1"


def test_bad_instance_urls_are_validation_rules(owner: Persona) -> None:
    for value in ("", "ftp://x.example", "http://mastodon.example"):
        response = post_json(owner.client, CONNECT, {"instanceUrl": value})
        assert (response.status_code, error_of(response)["rule"]) == (
            400,
            "instanceUrl",
        ), value
    assert post_json(owner.client, CONNECT, {}).status_code == 400


def test_old_servers_without_v2_instance_use_v1(owner: Persona, upstream) -> None:
    upstream.get(
        api("/api/v2/instance"), status=404, json={"error": "Record not found"}
    )
    upstream.get(
        api("/api/v1/instance"),
        json={"uri": "mastodon.example", "max_toot_chars": 1000},
    )
    upstream.post(api("/api/v1/apps"), json=payload("app"))
    assert (
        post_json(owner.client, CONNECT, {"instanceUrl": INSTANCE}).status_code == 200
    )


def test_the_maintenance_job_purges_expired_states(owner: Persona, upstream) -> None:
    from letmepost.maintenance import run_job

    live = start(owner, upstream)["descriptor"]["state"]
    dead = start(owner, upstream, register=False)["descriptor"]["state"]
    OAuthState.objects.filter(state=dead).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert run_job("purge-platform-rows") == 1
    assert list(OAuthState.objects.values_list("state", flat=True)) == [live]
    assert purge_expired_states() == 0


def test_return_to_helpers(settings) -> None:
    settings.TRUSTED_ORIGINS = ["https://app.example.com"]
    assert trusted_return_to("https://APP.example.com/x") == "https://APP.example.com/x"
    assert trusted_return_to("https://app.example.com.evil.net/x") == ""
    assert trusted_return_to("javascript:alert(1)") == ""
    assert (
        with_query("https://a.example/p?x=1", {"y": "2 3"})
        == "https://a.example/p?x=1&y=2+3"
    )

"""The generic OAuth flow end to end against a real authorization server on loopback.

django-oauth-toolkit (a real OAuth 2.0 + OIDC server, in a tiny Django project) plays X's
authorization server: the authorization code grant with PKCE required, HTTP Basic client
authentication, rotating refresh tokens and RFC 7009 revocation, plus an X-shaped `GET /2/users/me`
its tokens protect. Our side is unchanged production code: the X adapter's provider description
with its URLs pointed at the server by settings, the connect descriptor, the callback, the refresh
job and disconnect.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.utils import timezone

from platforms.models import PlatformAccount
from platforms.oauth import redirect_uri_for
from platforms.registry import PLATFORMS, adapter_class
from platforms.tokens import refresh_due_tokens
from tests.conftest import Persona, post_json
from tests.e2e.support import REPO, free_port, wait_for
from webhooks.models import WebhookEvent

pytestmark = [pytest.mark.e2e]

PASSWORD = "alice-password-123"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@dataclass
class Provider:
    url: str
    client_id: str
    client_secret: str

    def me(self, access_token: str) -> requests.Response:
        return requests.get(
            f"{self.url}/2/users/me",
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=10,
        )


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    """One server for the module: each test connects afresh, so tokens never carry over."""
    tmp_path = tmp_path_factory.mktemp("oauth-provider")
    if "twitter" not in PLATFORMS:
        pytest.skip("the X adapter is not installed")
    scopes = " ".join(adapter_class("twitter").oauth_provider.scopes)
    client = Provider(
        url="", client_id="x-client-e2e", client_secret=secrets.token_urlsafe(24)
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.e2e.oauth_provider.settings",
        "PYTHONPATH": str(REPO),
        "OAUTH_PROVIDER_DB": str(tmp_path / "provider.sqlite3"),
        "OAUTH_PROVIDER_SCOPES": scopes,
        "OAUTH_PROVIDER_PASSWORD": PASSWORD,
        "OAUTH_PROVIDER_CLIENT_ID": client.client_id,
        "OAUTH_PROVIDER_CLIENT_SECRET": client.client_secret,
        "OAUTH_PROVIDER_REDIRECT_URI": redirect_uri_for("twitter"),
    }
    python = sys.executable
    for command in (
        [python, "-m", "django", "migrate", "-v", "0"],
        [python, "tests/e2e/oauth_provider/bootstrap.py"],
    ):
        subprocess.run(  # noqa: S603 - our own interpreter and test server
            command, env=env, cwd=REPO, check=True, timeout=120
        )
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and test server
        [python, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client.url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(client.url), timeout=30, what="the OAuth server")
        yield client
    finally:
        server.terminate()
        server.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/login/", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def x_pointed_at_provider(settings, provider: Provider) -> Provider:
    settings.ALLOW_PRIVATE_URLS = True  # the server is on loopback, over http://
    settings.OAUTH_CLIENTS = {
        **settings.OAUTH_CLIENTS,
        "twitter": {
            "client_id": provider.client_id,
            "client_secret": provider.client_secret,
            "authorize_url": f"{provider.url}/o/authorize/",
            "token_url": f"{provider.url}/o/token/",
            "revoke_url": f"{provider.url}/o/revoke_token/",
            "api_base": provider.url,
        },
    }
    return provider


def sign_in_and_authorize(provider: Provider, authorization_url: str) -> dict[str, str]:
    """Be the person in the browser: sign in at the provider, come back with code and state."""
    browser = requests.Session()
    login = f"{provider.url}/login/"
    browser.get(login, timeout=10)
    response = browser.post(
        login,
        data={
            "username": "alice",
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["provider_csrf"],
        },
        headers={"Referer": login},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    response = browser.get(authorization_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == redirect_uri_for(
        "twitter"
    )
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def connect(persona: Persona, provider: Provider) -> PlatformAccount:
    response = post_json(persona.client, "/v1/accounts/connect/twitter", {})
    assert response.status_code == 200, response.json()
    descriptor = response.json()["descriptor"]
    query = parse_qs(urlsplit(descriptor["authorizationUrl"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["client_id"] == [provider.client_id]
    returned = sign_in_and_authorize(provider, descriptor["authorizationUrl"])
    assert returned["state"] == descriptor["state"]
    callback = persona.client.get(
        "/v1/accounts/oauth/twitter/callback",
        {"code": returned["code"], "state": returned["state"]},
    )
    assert callback.status_code in (302, 303), callback.content
    assert "connected=" in callback["Location"]
    return PlatformAccount.objects.get(platform="twitter", deleted_at__isnull=True)


def test_connect_with_pkce_stores_the_real_user_and_a_working_token(
    owner: Persona, x_pointed_at_provider: Provider
) -> None:
    account = connect(owner, x_pointed_at_provider)
    me = x_pointed_at_provider.me(account.credentials["accessToken"])
    assert me.status_code == 200
    assert account.external_id == me.json()["data"]["id"]
    assert account.credentials["refreshToken"]
    assert account.token_expires_at > timezone.now() + timedelta(minutes=100)
    # A second connect of the same person updates the account instead of adding one.
    connect(owner, x_pointed_at_provider)
    assert PlatformAccount.objects.filter(platform="twitter").count() == 1


def test_the_state_is_single_use(
    owner: Persona, x_pointed_at_provider: Provider
) -> None:
    response = post_json(owner.client, "/v1/accounts/connect/twitter", {})
    descriptor = response.json()["descriptor"]
    returned = sign_in_and_authorize(
        x_pointed_at_provider, descriptor["authorizationUrl"]
    )
    path = "/v1/accounts/oauth/twitter/callback"
    assert "connected=" in owner.client.get(path, returned)["Location"]
    replay = owner.client.get(path, returned, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert replay.status_code == 302, replay.content
    assert "connect_error=invalid_state_malformed" in replay["Location"]


def test_refresh_rotates_the_refresh_token_and_keeps_the_account_working(
    owner: Persona, x_pointed_at_provider: Provider
) -> None:
    account = connect(owner, x_pointed_at_provider)
    old = dict(account.credentials)
    PlatformAccount.objects.filter(pk=account.pk).update(
        token_expires_at=timezone.now() + timedelta(minutes=5)
    )
    assert refresh_due_tokens() == 1
    account.refresh_from_db()
    assert account.credentials["accessToken"] != old["accessToken"]
    assert account.credentials["refreshToken"] != old["refreshToken"]
    assert x_pointed_at_provider.me(account.credentials["accessToken"]).ok
    assert x_pointed_at_provider.me(old["accessToken"]).status_code == 401
    assert account.token_expires_at > timezone.now() + timedelta(minutes=100)


def test_a_refresh_token_revoked_at_the_provider_revokes_the_account(
    owner: Persona, x_pointed_at_provider: Provider
) -> None:
    account = connect(owner, x_pointed_at_provider)
    revoked = requests.post(
        f"{x_pointed_at_provider.url}/o/revoke_token/",
        data={"token": account.credentials["refreshToken"]},
        auth=(x_pointed_at_provider.client_id, x_pointed_at_provider.client_secret),
        timeout=10,
    )
    assert revoked.status_code == 200
    PlatformAccount.objects.filter(pk=account.pk).update(
        token_expires_at=timezone.now() + timedelta(minutes=5)
    )
    refresh_due_tokens()
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH
    (event,) = WebhookEvent.objects.filter(type="token.revoked")
    assert json.loads(event.body)["data"]["reason"] == "refresh_failed"
    assert owner.client.get(f"/v1/accounts/{account.pk}").json()["needsReconnect"]


def test_disconnect_revokes_the_tokens_at_the_provider(
    owner: Persona, x_pointed_at_provider: Provider
) -> None:
    account = connect(owner, x_pointed_at_provider)
    token = account.credentials["accessToken"]
    assert x_pointed_at_provider.me(token).ok
    response = owner.client.delete(f"/v1/accounts/{account.pk}")
    assert response.status_code in (200, 204), response.content
    assert x_pointed_at_provider.me(token).status_code == 401

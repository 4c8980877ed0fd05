"""Sign in with Google and GitHub end to end: our real server against a real OAuth server.

django-oauth-toolkit on loopback (tests/e2e/oauth_provider) answers on Google's and GitHub's
paths; our `manage.py serve` is pointed at it only by environment variables
(LETMEPOST_LOGIN_{GOOGLE,GITHUB}_{CLIENT_ID,CLIENT_SECRET,URL}), as an operator would configure
it. A `requests` session plays the browser: our sign-in page, the provider's login, the consent
redirect, our callback (which exchanges the code and reads the person server to server).
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.e2e.support import REPO, boot_env, free_port, manage, serving, wait_for

pytestmark = [pytest.mark.e2e]

EMAIL = "alice@example.com"
PROVIDER_PASSWORD = "alice-password-123"


@dataclass
class Setup:
    url: str  # our server
    provider: str
    env: dict[str, str]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    tmp = tmp_path_factory.mktemp("social-login")
    provider = f"http://127.0.0.1:{free_port()}"
    client_id, client_secret = "letmepost-sign-in", secrets.token_urlsafe(24)
    env = boot_env(
        tmp / "data",
        **{
            f"LETMEPOST_LOGIN_{name}_{key}": value
            for name in ("GOOGLE", "GITHUB")
            for key, value in (
                ("CLIENT_ID", client_id),
                ("CLIENT_SECRET", client_secret),
                ("URL", provider),
            )
        },
    )
    (tmp / "data").mkdir()
    with serving(env) as server:
        url = server.extra["url"]
        with provider_running(tmp, provider, client_id, client_secret, url):
            yield Setup(url=url, provider=provider, env=env)


@contextmanager
def provider_running(
    tmp: Path, provider: str, client_id: str, client_secret: str, ours: str
) -> Iterator[None]:
    env = {
        **boot_env(tmp),
        "DJANGO_SETTINGS_MODULE": "tests.e2e.oauth_provider.settings",
        "PYTHONPATH": str(REPO),
        "OAUTH_PROVIDER_DB": str(tmp / "provider.sqlite3"),
        "OAUTH_PROVIDER_SCOPES": "profile email user:email",
        "OAUTH_PROVIDER_PKCE_REQUIRED": "0",
        "OAUTH_PROVIDER_PASSWORD": PROVIDER_PASSWORD,
        "OAUTH_PROVIDER_EMAIL": EMAIL,
        "OAUTH_PROVIDER_CLIENT_ID": client_id,
        "OAUTH_PROVIDER_CLIENT_SECRET": client_secret,
        "OAUTH_PROVIDER_REDIRECT_URI": " ".join(
            f"{ours}/accounts/{slug}/login/callback/" for slug in ("google", "github")
        ),
    }
    for command in (
        [sys.executable, "-m", "django", "migrate", "-v", "0"],
        [sys.executable, "tests/e2e/oauth_provider/bootstrap.py"],
    ):
        subprocess.run(command, env=env, cwd=REPO, check=True, timeout=120)  # noqa: S603
    port = provider.rsplit(":", 1)[1]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and test server
        [
            sys.executable,
            "-m",
            "django",
            "runserver",
            f"127.0.0.1:{port}",
            "--noreload",
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(
            lambda: _answers(f"{provider}/login/"), timeout=30, what="the provider"
        )
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def sign_in(setup: Setup, slug: str) -> tuple[requests.Session, requests.Response]:
    """Click "Continue with <provider>" on our page; return the browser and our callback's answer."""
    browser = requests.Session()
    browser.trust_env = False  # loopback: never through a proxy
    page = browser.get(f"{setup.url}/accounts/login/", timeout=10).text
    action = re.search(rf'action="(/accounts/{slug}/login/\?process=login)"', page)
    assert action, f"no {slug} button on the sign-in page"
    login = f"{setup.provider}/login/"
    browser.get(login, timeout=10)
    signed_in = browser.post(
        login,
        data={
            "username": "alice",
            "password": PROVIDER_PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["provider_csrf"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    start = browser.post(
        setup.url + action.group(1),
        data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=10,
    )
    assert start.headers["Location"].startswith(setup.provider), start.text[:500]
    consent = browser.get(start.headers["Location"], allow_redirects=False, timeout=10)
    callback = consent.headers["Location"]
    assert callback.startswith(f"{setup.url}/accounts/{slug}/login/callback/?code=")
    return browser, browser.get(callback, allow_redirects=False, timeout=30)


def shell(setup: Setup, code: str) -> object:
    result = manage("shell", "-c", code, env=setup.env)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def people(setup: Setup) -> object:
    """Who our server knows by the provider's address: users, linked providers, workspaces."""
    return shell(
        setup,
        "import json\n"
        "from allauth.socialaccount.models import SocialAccount\n"
        "from accounts.models import Membership, User\n"
        "print(json.dumps({"
        f"'users': list(User.objects.filter(email__iexact='{EMAIL}')"
        ".values_list('email', flat=True)),"
        "'providers': sorted(SocialAccount.objects.values_list('provider', flat=True)),"
        "'workspaces': Membership.objects.count()}))",
    )


def test_google_signs_up_github_signs_in_the_same_person_and_mfa_still_asks(
    setup: Setup,
) -> None:
    browser, done = sign_in(setup, "google")
    assert (done.status_code, done.headers.get("Location")) == (302, "/"), done.text[
        :500
    ]
    dashboard = browser.get(f"{setup.url}/", allow_redirects=False, timeout=10)
    assert dashboard.status_code == 200
    assert people(setup) == {
        "users": [EMAIL],
        "providers": ["google"],
        "workspaces": 1,
    }

    # GitHub vouches for the same verified address: the same account, now with both providers.
    _, done = sign_in(setup, "github")
    assert done.headers.get("Location") == "/", done.text[:500]
    assert people(setup) == {
        "users": [EMAIL],
        "providers": ["github", "google"],
        "workspaces": 1,
    }

    shell(
        setup,
        "from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret\n"
        "from accounts.models import User\n"
        f"TOTP.activate(User.objects.get(email='{EMAIL}'), generate_totp_secret())\n"
        "print('{}')",
    )
    browser, done = sign_in(setup, "google")
    assert done.headers.get("Location") == "/accounts/2fa/authenticate/"
    assert (
        browser.get(f"{setup.url}/", allow_redirects=False, timeout=10).status_code
        == 302
    )

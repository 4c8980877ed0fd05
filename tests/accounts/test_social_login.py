"""Sign in with Google or GitHub (allauth social accounts), the providers faked at HTTP.

Google and GitHub answer as they document: Google's token endpoint and `oauth2/v2/userinfo`
(developers.google.com/identity/protocols/oauth2/web-server), GitHub's
`login/oauth/access_token`, `GET /user` and `GET /user/emails`
(docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps). The same
flows run against a real OAuth server on loopback in tests/e2e/test_social_login.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, User
from tests.conftest import Persona

GOOGLE_TOKEN = "https://oauth2.googleapis.com/token"
GOOGLE_USERINFO = "https://www.googleapis.com/oauth2/v2/userinfo"
GITHUB_TOKEN = "https://github.com/login/oauth/access_token"
GITHUB_USER = "https://api.github.com/user"
GITHUB_EMAILS = "https://api.github.com/user/emails"

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(settings) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {
        slug: {
            **config,
            "APPS": [{"client_id": f"{slug}-client", "secret": f"{slug}-secret"}],
        }
        for slug, config in settings.SOCIALACCOUNT_PROVIDERS.items()
    }


def google_person(email: str, verified: bool = True) -> dict[str, Any]:
    return {
        "id": "108204268033311374519",
        "email": email,
        "verified_email": verified,
        "name": "Ada Lovelace",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "picture": "https://lh3.googleusercontent.com/a/default-user",
    }


def sign_in_with_google(client: Client, person: dict[str, Any]) -> Any:
    """Click the button, come back from Google with a code; return our callback's answer."""
    start = client.post(reverse("google_login") + "?process=login")
    assert start.status_code == 302, start.content
    authorize = urlsplit(start["Location"])
    assert authorize.netloc == "accounts.google.com"
    query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    assert query["code_challenge_method"] == "S256"
    with responses.RequestsMock() as google:
        google.post(
            GOOGLE_TOKEN,
            json={
                "access_token": "ya29.a0-google-access",
                "expires_in": 3599,
                "scope": "https://www.googleapis.com/auth/userinfo.email openid",
                "token_type": "Bearer",
            },
        )
        google.get(GOOGLE_USERINFO, json=person)
        return client.get(
            reverse("google_callback"),
            {"code": "4/0google-code", "state": query["state"]},
        )


def signed_in_as(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_without_credentials_there_is_no_button_and_no_route(client: Client) -> None:
    page = client.get(reverse("account_login")).content.decode()
    assert "Continue with Google" not in page and "Continue with GitHub" not in page
    assert client.post(reverse("google_login")).status_code == 404
    assert client.post(reverse("github_login")).status_code == 404


def test_configured_providers_show_one_click_buttons(
    client: Client, configured
) -> None:
    for name in ("account_login", "account_signup"):
        page = client.get(reverse(name)).content.decode()
        assert "Continue with Google" in page and "Continue with GitHub" in page
        assert f'action="{reverse("google_login")}?process=login"' in page


def test_a_new_google_user_gets_a_verified_account_and_a_workspace(
    client: Client, configured
) -> None:
    response = sign_in_with_google(client, google_person("ada@example.com"))
    assert response.status_code == 302, response.content
    assert response["Location"] == "/"
    user = signed_in_as(client)
    assert user is not None and user.email == "ada@example.com"
    assert EmailAddress.objects.get(user=user).verified  # Google verified it
    assert Membership.objects.get(user=user).role == Membership.Role.OWNER
    assert SocialAccount.objects.get(user=user).uid == "108204268033311374519"
    assert client.get(reverse("home")).status_code == 200


def test_a_verified_email_signs_in_to_its_account_but_mfa_still_asks(
    client: Client, owner: Persona, configured
) -> None:
    EmailAddress.objects.create(
        user=owner.user, email=owner.user.email, verified=True, primary=True
    )
    TOTP.activate(owner.user, generate_totp_secret())
    assert Authenticator.objects.filter(user=owner.user).exists()

    response = sign_in_with_google(client, google_person(owner.user.email))

    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_as(client) is None
    assert client.get(reverse("home")).status_code == 302  # not signed in yet


def test_a_verified_email_without_mfa_signs_in_to_the_existing_account(
    client: Client, owner: Persona, configured
) -> None:
    EmailAddress.objects.create(
        user=owner.user, email=owner.user.email, verified=True, primary=True
    )
    response = sign_in_with_google(client, google_person(owner.user.email))
    assert response["Location"] == "/"
    assert signed_in_as(client) == owner.user
    assert Membership.objects.filter(user=owner.user).count() == 1  # no new workspace


def test_an_unverified_email_never_takes_over_an_existing_account(
    client: Client, owner: Persona, configured, mailoutbox
) -> None:
    EmailAddress.objects.create(
        user=owner.user, email=owner.user.email, verified=True, primary=True
    )
    response = sign_in_with_google(
        client, google_person(owner.user.email, verified=False)
    )
    # As for an email signup with a taken address: the page says "check your email" (no
    # account enumeration), the owner is told by email, and nothing is created or signed in.
    assert response["Location"] == reverse("account_email_verification_sent")
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()
    assert list(User.objects.all()) == [owner.user]
    (notice,) = mailoutbox
    assert notice.to == [owner.user.email] and "already" in notice.body


def test_a_new_github_user_signs_up_with_the_verified_primary_email(
    client: Client, configured
) -> None:
    start = client.post(reverse("github_login") + "?process=login")
    authorize = urlsplit(start["Location"])
    assert (authorize.netloc, authorize.path) == (
        "github.com",
        "/login/oauth/authorize",
    )
    state = parse_qs(authorize.query)["state"][0]
    with responses.RequestsMock() as github:
        github.post(
            GITHUB_TOKEN,
            json={
                "access_token": "gho_16C7e42F292c6912E7710c838347Ae178B4a",
                "scope": "user:email",
                "token_type": "bearer",
            },
        )
        github.get(
            GITHUB_USER,
            json={
                "login": "octocat",
                "id": 583231,
                "name": "The Octocat",
                "email": None,
                "type": "User",
            },
        )
        github.get(
            GITHUB_EMAILS,
            json=[
                {
                    "email": "octocat@github.com",
                    "verified": True,
                    "primary": True,
                    "visibility": "public",
                },
                {
                    "email": "old@example.com",
                    "verified": False,
                    "primary": False,
                    "visibility": None,
                },
            ],
        )
        response = client.get(
            reverse("github_callback"), {"code": "gh-code", "state": state}
        )
    assert response.status_code == 302, response.content
    user = signed_in_as(client)
    assert user is not None and user.email == "octocat@github.com"
    assert EmailAddress.objects.get(user=user, primary=True).verified
    assert Membership.objects.filter(user=user).count() == 1

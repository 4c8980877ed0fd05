"""People sign up with email and password through allauth's real views, verify, then use the API.

Dashboard sessions reach /v1 too (D14), so a session write needs the CSRF token and an owner or
admin role.
"""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import ApiKey, Membership, Profile, User
from tests.conftest import Persona, error_of

EMAIL = "new.person@example.com"
PASSWORD = "a-long-enough-passphrase-42"
CONFIRM_LINK = re.compile(r"http://testserver(/accounts/confirm-email/\S+/)")


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db: None) -> None:
    """allauth counts sign-ups and logins in the cache, which outlives a test on Redis."""
    cache.clear()


def sign_up(client: Client) -> None:
    response = client.post(
        reverse("account_signup"),
        {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("account_email_verification_sent")


def sign_in(client: Client, email: str = EMAIL, password: str = PASSWORD) -> str:
    """Post the login form; return where it redirects."""
    response = client.post(
        reverse("account_login"), {"login": email, "password": password}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def confirmation_path(message: mail.EmailMessage) -> str:
    match = CONFIRM_LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_sends_a_verification_email_and_creates_an_owned_workspace(
    client: Client,
) -> None:
    sign_up(client)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [EMAIL]
    confirmation_path(mail.outbox[0])
    user = User.objects.get(email=EMAIL)
    assert user.check_password(PASSWORD)
    assert not EmailAddress.objects.get(user=user, email=EMAIL).verified
    membership = Membership.objects.get(user=user)
    assert membership.role == Membership.Role.OWNER
    profiles = Profile.objects.filter(workspace=membership.workspace)
    assert [p.slug for p in profiles] == [Profile.DEFAULT_SLUG]
    assert signed_in_user_id(client) is None  # verification is mandatory


def test_sign_in_before_verifying_does_not_log_in(client: Client) -> None:
    sign_up(client)

    assert sign_in(client) == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None
    response = client.get("/v1/profiles")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"


def test_after_following_the_emailed_link_sign_in_works_and_the_api_answers(
    client: Client,
) -> None:
    sign_up(client)
    link = confirmation_path(mail.outbox[-1])

    assert (
        client.get(link).status_code == 200
    )  # a page asking to confirm; GET changes nothing
    assert not EmailAddress.objects.get(email=EMAIL).verified
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(email=EMAIL).verified

    assert sign_in(client) == "/"
    user = User.objects.get(email=EMAIL)
    assert signed_in_user_id(client) == str(user.pk)
    response = client.get("/v1/profiles")
    assert response.status_code == 200, response.content
    workspace = Membership.objects.get(user=user).workspace
    default = Profile.objects.get(workspace=workspace, slug=Profile.DEFAULT_SLUG)
    assert [(p["id"], p["slug"]) for p in response.json()["data"]] == [
        (str(default.pk), "default")
    ]


def browser_signed_in_as(persona: Persona) -> Client:
    """A CSRF-enforcing browser that signed in through the login form, as a person would."""
    EmailAddress.objects.create(
        user=persona.user, email=persona.user.email, verified=True, primary=True
    )
    browser = Client(enforce_csrf_checks=True)
    assert browser.get(reverse("account_login")).status_code == 200  # sets csrftoken
    response = browser.post(
        reverse("account_login"),
        {
            "login": persona.user.email,
            "password": "correct-horse-battery",
            "csrfmiddlewaretoken": browser.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert signed_in_user_id(browser) == str(persona.user.pk)
    return browser


def test_a_session_write_without_the_csrf_token_is_refused(owner: Persona) -> None:
    browser = browser_signed_in_as(owner)
    keys_before = ApiKey.objects.count()

    response = browser.post(
        "/v1/api-keys",
        data={"name": "from-the-dashboard"},
        content_type="application/json",
    )

    assert response.status_code == 403
    error = error_of(response)
    assert (error["code"], error["rule"]) == ("unauthorized", "csrf")
    assert ApiKey.objects.count() == keys_before


def test_a_session_write_with_the_csrf_token_creates_the_key(owner: Persona) -> None:
    browser = browser_signed_in_as(owner)
    token = browser.cookies[
        "csrftoken"
    ].value  # login rotated it; this is the current one

    response = browser.post(
        "/v1/api-keys",
        data={"name": "from-the-dashboard"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["key"].startswith("lmp_live_")
    created = ApiKey.objects.get(pk=body["id"])
    assert (created.workspace, created.created_by) == (owner.workspace, owner.user)


def test_a_member_session_cannot_create_api_keys(owner: Persona, member: User) -> None:
    browser = Client()
    browser.force_login(member)
    keys_before = ApiKey.objects.count()

    response = browser.post(
        "/v1/api-keys", data={"name": "sneaky"}, content_type="application/json"
    )

    assert response.status_code == 403
    error = error_of(response)
    assert (error["code"], error["rule"]) == ("unauthorized", "membership.role")
    assert ApiKey.objects.count() == keys_before
    # The same session can still read: the role limits writes, not membership.
    listed = browser.get("/v1/profiles")
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["data"]] == [str(owner.profile.pk)]


def test_without_smtp_the_sent_page_says_the_link_is_in_the_serve_terminal(
    client: Client, settings, capsys
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    sign_up(client)
    sent = reverse("account_email_verification_sent")
    page = client.get(sent).content.decode()
    assert "printed in the terminal running <code>make run</code>" in page
    assert "spam" not in page
    # ...and that is where it is: the console backend wrote the confirmation link to stdout.
    assert CONFIRM_LINK.search(capsys.readouterr().out)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # SMTP set
    page = client.get(sent).content.decode()
    assert "check your spam folder" in page
    assert "make run" not in page

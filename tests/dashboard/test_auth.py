"""Sign-up, verification, sign-in, password reset and TOTP: allauth, dressed as the product."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, User
from tests.conftest import Persona

STYLED = "vendor/pico.min.css"


@pytest.mark.parametrize(
    "name", ["account_login", "account_signup", "account_reset_password"]
)
def test_auth_pages_look_like_the_product(client: Client, db: None, name: str) -> None:
    html = client.get(reverse(name)).content.decode()
    assert STYLED in html and "entrance-card" in html and "letmepost" in html


def test_sign_up_verify_and_land_on_onboarding(client: Client, db: None) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "Fresh@Example.com",
            "password1": "a-good-long-pass-1",
            "password2": "a-good-long-pass-1",
        },
    )
    assert response.status_code == 302
    assert (
        reverse("home") not in response["Location"] or "confirm" in response["Location"]
    )
    user = User.objects.get(email__iexact="fresh@example.com")
    assert Membership.objects.get(user=user).role == "owner"
    link = re.search(
        r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body
    ).group(0)
    confirm = client.get(link)
    assert confirm.status_code == 200 and STYLED in confirm.content.decode()
    response = client.post(link)
    assert response.status_code == 302
    home = client.get(reverse("home"), follow=True)
    assert "Get started in three steps" in home.content.decode()


def test_sign_up_errors_are_inline(client: Client, db: None) -> None:
    response = client.post(
        reverse("account_signup"),
        {"email": "bad", "password1": "short", "password2": "nope"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html and 'class="field-error"' in html


def test_wrong_password_is_shown_on_the_form(owner: Persona, client: Client) -> None:
    html = client.post(
        reverse("account_login"),
        {"login": owner.user.email, "password": "wrong-password"},
    ).content.decode()
    assert "form-errors" in html and "not correct" in html


def test_password_reset_sends_a_link(owner: Persona, client: Client) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(
        user=owner.user, email=owner.user.email, verified=True, primary=True
    )
    response = client.post(
        reverse("account_reset_password"), {"email": owner.user.email}
    )
    assert response.status_code == 302
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_two_factor_setup_is_offered(owner: Persona, owner_client: Client) -> None:
    settings_page = owner_client.get(reverse("accounts:settings")).content.decode()
    assert reverse("mfa_activate_totp") in settings_page
    page = owner_client.get(reverse("mfa_index"))
    assert page.status_code == 200 and STYLED in page.content.decode()


def totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_turn_on_totp_then_sign_in_needs_the_code(
    owner: Persona, client: Client
) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    EmailAddress.objects.create(
        user=owner.user, email=owner.user.email, verified=True, primary=True
    )
    password = "correct-horse-battery"
    client.post(
        reverse("account_login"), {"login": owner.user.email, "password": password}
    )
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(
        reverse("account_reauthenticate")  # turning 2FA on asks for the password again
    )
    client.post(reverse("account_reauthenticate"), {"password": password})
    page = client.get(reverse("mfa_activate_totp"))
    html = page.content.decode()
    assert page.status_code == 200 and STYLED in html and "data:image/svg+xml" in html
    secret = re.search(r'id="authenticator_secret"\s+value="([A-Z2-7]+)"', html).group(
        1
    )
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert 'class="field-error"' in wrong.content.decode()
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=owner.user, type="totp").exists()

    client.post(reverse("account_logout"))
    response = client.post(
        reverse("account_login"), {"login": owner.user.email, "password": password}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("home")).status_code == 302  # not signed in yet
    step = client.get(reverse("mfa_authenticate"))
    assert STYLED in step.content.decode()
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.get(reverse("home")).status_code == 200

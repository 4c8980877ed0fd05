"""Every dashboard write needs the CSRF token, as a form field or htmx's X-CSRFToken header."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiKey
from tests.conftest import Persona


@pytest.fixture
def strict(owner: Persona) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner.user)
    return client


def token(client: Client) -> str:
    html = client.get(reverse("accounts:api-keys")).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize(
    "name",
    [
        "accounts:api-keys",
        "accounts:members",
        "accounts:profiles",
        "accounts:switch-workspace",
        "posts:compose",
        "posts:preflight",
        "onboarding-key",
    ],
)
def test_writes_without_a_token_are_refused(strict: Client, name: str) -> None:
    assert strict.post(reverse(name), {"name": "x"}).status_code == 403


def test_a_form_with_the_token_goes_through(owner: Persona, strict: Client) -> None:
    response = strict.post(
        reverse("accounts:api-keys"),
        {
            "csrfmiddlewaretoken": token(strict),
            "name": "with token",
            "prefix": "lmp_live_",
        },
    )
    assert response.status_code == 200
    assert ApiKey.objects.filter(name="with token").exists()


def test_htmx_sends_the_token_in_a_header(
    owner: Persona, strict: Client, sandbox
) -> None:
    html = strict.get(reverse("posts:compose")).content.decode()
    header = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', html).group(1)
    response = strict.post(
        reverse("posts:preflight"),
        {"text": "hi", "accounts": [str(sandbox.pk)]},
        HTTP_X_CSRFTOKEN=header,
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'data-preflight="ok"' in response.content.decode()

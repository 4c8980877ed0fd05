"""The Mastodon connect form answers a typed-in server address it cannot use with a sentence
for a person (what to enter), never the API's `instanceUrl` / `Send {...}` wording."""

from __future__ import annotations

import re
from html import unescape

import pytest
import responses
from django.test import Client
from django.urls import reverse

from tests.conftest import Persona


def connect(client: Client, persona: Persona, address: str) -> str:
    # No server answers: any request to one fails as a dead address does.
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        response = client.post(
            reverse("platforms:connect", args=["mastodon"]),
            {
                "mastodon-profile": str(persona.profile.pk),
                "mastodon-instance_url": address,
            },
        )
    assert response.status_code == 400
    html = response.content.decode()
    shown = re.findall(r'class="(?:field-error|form-errors)"[^>]*>(.*?)</', html, re.S)
    errors = unescape(" ".join(shown))
    assert "Send {" not in errors and "instanceUrl" not in errors
    return errors


@pytest.mark.parametrize(
    ("address", "sentence"),
    [
        ("ftp://x.example", "ftp://x.example is not a server address."),
        ("not a url", "No Mastodon server answered at not a url."),
        (
            "https://mastodon.invalid",
            "No Mastodon server answered at https://mastodon.invalid.",
        ),
    ],
)
def test_an_address_that_is_no_server_says_what_to_enter(
    owner: Persona, owner_client: Client, address: str, sentence: str
) -> None:
    shown = connect(owner_client, owner, address)
    assert sentence in shown
    assert (
        "Check your server's address, for example https://mastodon.social, and try again."
        in shown
    )


def test_a_plain_http_address_asks_for_https(
    owner: Persona, owner_client: Client, settings
) -> None:
    settings.ALLOW_PRIVATE_URLS = False
    shown = connect(owner_client, owner, "http://mastodon.example")
    assert "The address must start with https://" in shown

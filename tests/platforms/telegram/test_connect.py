"""Connecting Telegram with a bot token and a chat through `/v1/accounts/connect/telegram/complete`."""

from __future__ import annotations

import pytest
from django.urls import reverse

from platforms.models import PlatformAccount
from tests.conftest import Persona, error_of, post_json
from tests.dashboard.conftest import signed_in
from tests.platforms.at_rest import stored_credentials
from tests.platforms.telegram.conftest import CHAT_ID, TOKEN, answer, sent

COMPLETE = "/v1/accounts/connect/telegram/complete"


def test_the_descriptor_asks_for_the_token_and_the_chat(owner: Persona) -> None:
    body = post_json(owner.client, "/v1/accounts/connect/telegram", {}).json()
    fields = {f["name"]: f for f in body["descriptor"]["fields"]}
    assert list(fields) == ["botToken", "chatId"]
    assert fields["botToken"]["type"] == "password"


def test_a_channel_connects_with_its_numeric_id_and_the_token_encrypted(
    owner: Persona, upstream
) -> None:
    answer(upstream, "getMe", "get_me")
    answer(upstream, "getChat", "get_chat")
    response = post_json(
        owner.client, COMPLETE, {"botToken": TOKEN, "chatId": "@releasenotes"}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["platformAccountId"], body["displayName"]) == (
        CHAT_ID,
        "@releasenotes",
    )
    account = PlatformAccount.objects.get(pk=body["id"])
    assert account.metadata == {
        "chatId": CHAT_ID,
        "chatType": "channel",
        "username": "releasenotes",
        "botUsername": "letmepost_bot",
    }
    assert TOKEN not in stored_credentials(account)
    assert sent(upstream.calls[1], "getChat") == {"chat_id": "@releasenotes"}


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"botToken": "not-a-token", "chatId": "@releasenotes"}, "botToken"),
        ({"botToken": TOKEN, "chatId": "release notes"}, "chatId"),
    ],
)
def test_malformed_credentials_are_refused_before_any_call(
    owner: Persona, upstream, fields: dict, rule: str
) -> None:
    response = post_json(owner.client, COMPLETE, fields)
    assert response.status_code == 400 and error_of(response)["rule"] == rule
    assert len(upstream.calls) == 0


def test_a_revoked_token_is_refused_without_leaking_it(
    owner: Persona, upstream
) -> None:
    answer(upstream, "getMe", "error_unauthorized")
    response = post_json(owner.client, COMPLETE, {"botToken": TOKEN, "chatId": CHAT_ID})
    assert error_of(response)["code"] == "platform_auth_failed"
    assert TOKEN not in response.content.decode()


def test_the_dashboard_form_connects_a_channel(owner: Persona, upstream) -> None:
    answer(upstream, "getMe", "get_me")
    answer(upstream, "getChat", "get_chat")
    client = signed_in(owner.user)
    page = client.get(reverse("platforms:accounts")).content.decode()
    assert 'name="telegram-botToken"' in page and 'name="telegram-chatId"' in page
    response = client.post(
        reverse("platforms:connect", args=["telegram"]),
        {
            "telegram-profile": str(owner.profile.pk),
            "telegram-botToken": TOKEN,
            "telegram-chatId": "@releasenotes",
        },
    )
    assert response.status_code == 302
    assert PlatformAccount.objects.get(platform="telegram").external_id == CHAT_ID

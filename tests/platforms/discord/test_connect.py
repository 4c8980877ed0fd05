"""Connecting Discord: an incoming webhook URL, or a bot token and a channel id."""

from __future__ import annotations

import pytest
from django.urls import reverse

from platforms.models import PlatformAccount
from tests.conftest import Persona, error_of, post_json
from tests.dashboard.conftest import signed_in
from tests.platforms.at_rest import stored_credentials
from tests.platforms.discord.conftest import (
    BOT_TOKEN,
    CHANNEL_ID,
    GUILD_ID,
    HOOK_ID,
    HOOK_TOKEN,
    WEBHOOK_PATH,
    WEBHOOK_URL,
    answer,
    payload,
)

COMPLETE = "/v1/accounts/connect/discord/complete"


def test_the_descriptor_asks_for_a_webhook_or_a_bot(owner: Persona) -> None:
    body = post_json(owner.client, "/v1/accounts/connect/discord", {}).json()
    assert body["descriptor"]["kind"] == "credentials"
    fields = {f["name"]: f for f in body["descriptor"]["fields"]}
    assert list(fields) == ["webhookUrl", "botToken", "channelId"]
    assert fields["webhookUrl"]["type"] == fields["botToken"]["type"] == "password"


def test_a_webhook_connects_and_its_url_is_stored_encrypted(
    owner: Persona, upstream
) -> None:
    at = f"/webhooks/{HOOK_ID}/{HOOK_TOKEN}"
    answer(upstream, "GET", WEBHOOK_PATH, payload("webhook"), at=at)
    response = post_json(owner.client, COMPLETE, {"webhookUrl": WEBHOOK_URL})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["displayName"] == "Release notes"
    account = PlatformAccount.objects.get(pk=body["id"])
    assert account.external_id == f"webhook:{HOOK_ID}"
    assert account.metadata == {
        "mode": "webhook",
        "channelId": CHANNEL_ID,
        "guildId": GUILD_ID,
    }
    assert HOOK_TOKEN not in stored_credentials(account)
    assert HOOK_TOKEN not in str(account.metadata) + account.display_name
    assert "Authorization" not in upstream.calls[0].request.headers


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/api/webhooks/1199022917981278268/abcdefghijklmnopqrstuvwxyz",
        "http://discord.com/api/webhooks/1199022917981278268/abcdefghijklmnopqrstuvwxyz",
        "https://discord.com.evil.example/api/webhooks/1199022917981278268/abcdefghijklmnopqrst",
        "https://127.0.0.1/api/webhooks/1199022917981278268/abcdefghijklmnopqrstuvwxyz",
        "https://discord.com:8443/api/webhooks/1199022917981278268/abcdefghijklmnopqrstuvwxyz",
        "https://discord.com/api/v10/channels/1199020377051824211/messages",
    ],
)
def test_only_discord_webhook_urls_are_accepted(
    owner: Persona, upstream, url: str
) -> None:
    response = post_json(owner.client, COMPLETE, {"webhookUrl": url})
    assert response.status_code == 400
    assert error_of(response)["rule"] == "webhookUrl"
    assert len(upstream.calls) == 0  # nothing was fetched


def test_a_discordapp_url_is_called_on_the_api_host(owner: Persona, upstream) -> None:
    at = f"/webhooks/{HOOK_ID}/{HOOK_TOKEN}"
    answer(upstream, "GET", WEBHOOK_PATH, payload("webhook"), at=at)
    url = f"https://discordapp.com/api/webhooks/{HOOK_ID}/{HOOK_TOKEN}"
    assert post_json(owner.client, COMPLETE, {"webhookUrl": url}).status_code == 201


def test_a_deleted_webhook_is_refused_without_leaking_its_token(
    owner: Persona, upstream
) -> None:
    at = f"/webhooks/{HOOK_ID}/{HOOK_TOKEN}"
    answer(upstream, "GET", WEBHOOK_PATH, payload("error_unknown_webhook"), 404, at=at)
    response = post_json(owner.client, COMPLETE, {"webhookUrl": WEBHOOK_URL})
    error = error_of(response)
    assert error["code"] == "platform_auth_failed"
    assert "Unknown Webhook (code 10015)" in error["message"]
    assert HOOK_TOKEN not in response.content.decode()


def test_a_bot_connects_to_its_channel(owner: Persona, upstream) -> None:
    answer(upstream, "GET", "/users/@me", payload("user"), at="/users/@me")
    answer(
        upstream,
        "GET",
        "/channels/{channel_id}",
        payload("channel"),
        at=f"/channels/{CHANNEL_ID}",
    )
    response = post_json(
        owner.client, COMPLETE, {"botToken": BOT_TOKEN, "channelId": CHANNEL_ID}
    )
    assert response.status_code == 201, response.json()
    account = PlatformAccount.objects.get(pk=response.json()["id"])
    assert account.display_name == "#announcements"
    assert account.metadata["botUserId"] == payload("user")["id"]
    assert upstream.calls[0].request.headers["Authorization"] == f"Bot {BOT_TOKEN}"
    assert BOT_TOKEN not in stored_credentials(account)


def test_a_bot_without_a_channel_is_a_validation_error(owner: Persona) -> None:
    response = post_json(owner.client, COMPLETE, {"botToken": BOT_TOKEN})
    assert response.status_code == 400 and error_of(response)["rule"] == "webhookUrl"


def test_the_dashboard_form_connects_a_webhook(owner: Persona, upstream) -> None:
    owner_client = signed_in(owner.user)
    at = f"/webhooks/{HOOK_ID}/{HOOK_TOKEN}"
    answer(upstream, "GET", WEBHOOK_PATH, payload("webhook"), at=at)
    page = owner_client.get(reverse("platforms:accounts")).content.decode()
    assert 'id="connect-discord"' in page and 'name="discord-webhookUrl"' in page
    response = owner_client.post(
        reverse("platforms:connect", args=["discord"]),
        {"discord-profile": str(owner.profile.pk), "discord-webhookUrl": WEBHOOK_URL},
    )
    assert response.status_code == 302
    assert (
        PlatformAccount.objects.get(platform="discord").display_name == "Release notes"
    )

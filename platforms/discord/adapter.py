"""Discord (API v10): connect an incoming webhook or a bot in one channel, publish messages.

Connecting (a credentials form, stored encrypted like every credential): either an incoming
webhook URL, which is a secret (anyone holding it can post), or a bot token and a channel id.
The webhook is checked with `GET /webhooks/{id}/{token}`, the bot with `GET /users/@me` and
`GET /channels/{id}`. The webhook's host must be Discord's own (`client.parse_webhook_url`),
and calls go to the API host whatever was typed.

Publishing: one message (`POST /webhooks/{id}/{token}?wait=true`, or
`POST /channels/{id}/messages` for a bot) with the text as `content`, up to ten attachments
uploaded as `files[n]` parts beside `payload_json`, and `options.embeds`. Mentions are never
parsed (`allowed_mentions.parse = []`): a scheduled post must not ping @everyone by accident.
A thread item or first comment is a reply (`message_reference` to the previous message).

Exactly once: a bot message carries a `nonce` derived from the target id with
`enforce_nonce`, Discord's idempotency key: a repeat within its window returns the first
message instead of posting again. After a lost answer, `reconcile()` reads the channel's newest
messages for the bot's message with our exact text. A webhook takes no nonce and cannot read the
channel, so a webhook target whose answer was lost is reported as unknown, never re-sent.
"""

from __future__ import annotations

import hashlib
from typing import Any

from letmepost.errors import PlatformAuthFailed, ValidationFailed
from platforms.attachments import Attachment, read_attachment
from platforms.base import (
    ConnectedAccount,
    CredentialField,
    Draft,
    PlatformAdapter,
    PublishResult,
    ReconcileUnsupported,
    ReplyTo,
    option,
)
from platforms.discord import PLATFORM_INFO
from platforms.discord.client import (
    PLATFORM,
    DiscordClient,
    Webhook,
    gone,
    parse_webhook_url,
)
from platforms.discord.preflight import MAX_FILE_BYTES
from platforms.reauth import answer, flag_if_revoked
from platforms.versions import pinned_label

MESSAGE_URL = "https://discord.com/channels/{guild}/{channel}/{message}"
NONCE_CHARS = 25  # Discord's maximum nonce length
RECONCILE_PAGE = 50


def nonce(token: str) -> str:
    """A stable 25-character nonce for the target: the same target, the same nonce."""
    return hashlib.sha256(token.encode()).hexdigest()[:NONCE_CHARS]


def _revoked(exc: PlatformAuthFailed) -> bool:
    # "401: Unauthorized": the bot token was reset; 10015/10003: the webhook or the channel
    # was deleted. A 403 (missing permission) is fixed in Discord, not by reconnecting.
    body = answer(exc)
    return str(body.get("message", "")).startswith("401") or gone(body)


def _text(payload: dict[str, Any], name: str) -> str:
    """A credential field by its snake_case (API) or camelCase (dashboard) name."""
    value = option(payload, name)
    return value.strip() if isinstance(value, str) else ""


class DiscordAdapter(PlatformAdapter):
    platform = PLATFORM_INFO
    connect_kind = "credentials"
    credential_fields = (
        CredentialField(
            "webhookUrl",
            "Incoming webhook URL (or a bot token and channel id below)",
            type="password",
            required=False,
            placeholder="https://discord.com/api/webhooks/…",
        ),
        CredentialField("botToken", "Bot token", type="password", required=False),
        CredentialField(
            "channelId",
            "Channel id (with a bot token)",
            required=False,
            placeholder="1234567890123456789",
        ),
    )
    thread_style = "replies"

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def connect_with_credentials(cls, payload: dict[str, Any]) -> ConnectedAccount:
        version = pinned_label(cls.slug)
        if url := _text(payload, "webhook_url"):
            return cls._connect_webhook(parse_webhook_url(url), version)
        token, channel_id = _text(payload, "bot_token"), _text(payload, "channel_id")
        if not token or not channel_id.isdigit():
            raise ValidationFailed(
                "Send webhookUrl, or botToken with a numeric channelId.",
                rule="webhookUrl",
                remediation="Paste a channel's webhook URL, or a bot token and the channel's "
                "id (Developer Mode → right-click the channel → Copy Channel ID).",
            )
        return cls._connect_bot(token, channel_id, version)

    @classmethod
    def _connect_webhook(cls, webhook: Webhook, version: str) -> ConnectedAccount:
        with DiscordClient(version=version, webhook=webhook) as client:
            hook = client.get_webhook()
        channel_id = str(hook.get("channel_id") or "")
        return ConnectedAccount(
            external_id=f"webhook:{hook.get('id') or webhook.id}",
            display_name=str(hook.get("name") or f"Webhook {webhook.id}"),
            credentials={"webhookUrl": f"{webhook.id}/{webhook.token}"},
            metadata={
                "mode": "webhook",
                "channelId": channel_id,
                "guildId": str(hook.get("guild_id") or ""),
            },
        )

    @classmethod
    def _connect_bot(
        cls, token: str, channel_id: str, version: str
    ) -> ConnectedAccount:
        with DiscordClient(version=version, bot_token=token) as client:
            bot = client.me()
            channel = client.channel(channel_id)
        name = channel.get("name")
        return ConnectedAccount(
            external_id=f"channel:{channel_id}",
            display_name=f"#{name}" if name else f"Channel {channel_id}",
            credentials={"botToken": token},
            metadata={
                "mode": "bot",
                "channelId": channel_id,
                "guildId": str(channel.get("guild_id") or ""),
                "botUserId": str(bot.get("id") or ""),
                "botName": str(bot.get("username") or ""),
            },
        )

    # --- publishing -------------------------------------------------------------------------

    @property
    def is_bot(self) -> bool:
        return bool(self.account.metadata.get("mode") == "bot")

    def client(self) -> DiscordClient:
        credentials = self.account.credentials
        if self.is_bot:
            return DiscordClient(
                version=self.platform_version, bot_token=str(credentials["botToken"])
            )
        hook_id, _, hook_token = str(credentials["webhookUrl"]).partition("/")
        return DiscordClient(
            version=self.platform_version, webhook=Webhook(hook_id, hook_token)
        )

    def channel_id(self, draft: Draft) -> str:
        return str(
            draft.options.get("channel_id") or self.account.metadata["channelId"]
        )

    def publish(self, draft: Draft) -> PublishResult:
        return self._send(draft, None)

    def publish_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult:
        return self._send(draft, reply_to.parent.cid)

    def _send(self, draft: Draft, reply_to: str | None) -> PublishResult:
        payload = self.payload(draft, reply_to)
        files = self.files(draft)
        with self.client() as client, flag_if_revoked(self.account, _revoked):
            if self.is_bot:
                message = client.create_message(self.channel_id(draft), payload, files)
            else:
                message = client.execute_webhook(payload, files)
        return self.result(message)

    def payload(self, draft: Draft, reply_to: str | None) -> dict[str, Any]:
        payload: dict[str, Any] = {"allowed_mentions": {"parse": []}}
        if draft.text.strip():
            payload["content"] = draft.text
        if embeds := draft.options.get("embeds"):
            payload["embeds"] = embeds
        if draft.media:
            payload["attachments"] = [
                {"id": str(i), **({"description": m.alt_text} if m.alt_text else {})}
                for i, m in enumerate(draft.media)
            ]
        if self.is_bot:
            payload |= {"nonce": nonce(draft.idempotency_token), "enforce_nonce": True}
            if reply_to:
                payload["message_reference"] = {
                    "message_id": reply_to,
                    "fail_if_not_exists": False,
                }
        elif username := draft.options.get("username"):
            payload["username"] = str(username)
        return payload

    def files(self, draft: Draft) -> list[Attachment]:
        return [
            read_attachment(item, platform=PLATFORM, max_bytes=MAX_FILE_BYTES, index=i)
            for i, item in enumerate(draft.media)
        ]

    def result(self, message: dict[str, Any]) -> PublishResult:
        message_id = str(message["id"])
        uri = MESSAGE_URL.format(
            guild=self.account.metadata.get("guildId") or "@me",
            channel=message.get("channel_id") or self.account.metadata.get("channelId"),
            message=message_id,
        )
        return PublishResult(uri=uri, cid=message_id)

    def reconcile(self, draft: Draft) -> PublishResult | None:
        """A bot's message with our exact text and attachment count among the channel's
        newest, or None.

        None is safe here: the retry carries the same nonce, so a request that lands late is
        still answered with the first message. A webhook cannot read the channel.
        """
        if not self.is_bot:
            raise ReconcileUnsupported(self.slug)
        bot = self.account.metadata.get("botUserId")
        with self.client() as client:
            messages = client.recent_messages(self.channel_id(draft), RECONCILE_PAGE)
        for message in messages:
            author = message.get("author") or {}
            if (
                author.get("id") == bot
                and (message.get("content") or "") == draft.text
                and len(message.get("attachments") or []) == len(draft.media)
            ):
                return self.result(message)
        return None

    def reconcile_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult | None:
        return self.reconcile(draft)

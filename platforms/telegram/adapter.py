"""Telegram (Bot API 10.1): connect a bot to a channel or group, publish messages and media.

Connecting (a credentials form, the token stored encrypted like every credential): the bot token
from @BotFather and the chat (`@channelname` or a numeric id). `getMe` checks the token and
`getChat` that the bot can see the chat; the account is the chat, by its numeric id.

Publishing: text with `sendMessage`; one photo or video with `sendPhoto`/`sendVideo`, the text
as its caption; 2-10 items as one album (`sendMediaGroup`, the caption on the first item). A
media `url` is handed to Telegram, which fetches it; a stored upload is sent as a multipart file
part (`attach://fileN` in a group). A thread item or first comment replies to the previous
message (`reply_parameters`).

Exactly once: the Bot API takes no idempotency key, and a bot cannot read a channel's history,
so `reconcile()` cannot tell: a target whose answer was lost is reported as unknown
(`publish.outcome_unknown`) instead of being sent twice.
"""

from __future__ import annotations

import re
from typing import Any

from letmepost.errors import PlatformAuthFailed, ValidationFailed
from platforms.attachments import Attachment, read_attachment
from platforms.base import (
    ConnectedAccount,
    CredentialField,
    Draft,
    MediaItem,
    PlatformAdapter,
    PublishResult,
    ReplyTo,
    option,
)
from platforms.reauth import answer, flag_if_revoked
from platforms.telegram import PLATFORM_INFO
from platforms.telegram.client import PLATFORM, TelegramClient
from platforms.telegram.preflight import GROUP_MIN, MAX_PHOTO_BYTES, MAX_VIDEO_BYTES
from platforms.versions import pinned_label

BOT_TOKEN = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,64}$")
CHAT = re.compile(r"^(@[A-Za-z][A-Za-z0-9_]{3,31}|-?\d{1,20})$")
SINGLE = {"image": ("sendPhoto", "photo"), "video": ("sendVideo", "video")}
GROUP_TYPES = {"image": "photo", "video": "video"}


def _revoked(exc: PlatformAuthFailed) -> bool:
    # 401: the token was revoked; "kicked": the bot was removed from the chat.
    body = answer(exc)
    return body.get("error_code") == 401 or "kicked" in str(body.get("description"))


def _text(payload: dict[str, Any], name: str) -> str:
    """A credential field by its snake_case (API) or camelCase (dashboard) name."""
    value = option(payload, name)
    return str(value).strip() if value is not None else ""


def message_url(chat: dict[str, Any], message_id: int) -> str | None:
    """A public chat's message link (`t.me/<name>/<id>`); private chats have none."""
    username = chat.get("username")
    if username:
        return f"https://t.me/{username}/{message_id}"
    chat_id = str(chat.get("id", ""))
    if chat_id.startswith("-100"):  # a private supergroup or channel: members-only link
        return f"https://t.me/c/{chat_id.removeprefix('-100')}/{message_id}"
    return None


class TelegramAdapter(PlatformAdapter):
    platform = PLATFORM_INFO
    connect_kind = "credentials"
    credential_fields = (
        CredentialField(
            "botToken",
            "Bot token (from @BotFather)",
            type="password",
            placeholder="123456789:AA…",
        ),
        CredentialField(
            "chatId", "Channel or group (@name or numeric id)", placeholder="@mychannel"
        ),
    )
    thread_style = "replies"

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def connect_with_credentials(cls, payload: dict[str, Any]) -> ConnectedAccount:
        token, chat_id = _text(payload, "bot_token"), _text(payload, "chat_id")
        if not BOT_TOKEN.match(token):
            raise ValidationFailed(
                "botToken does not look like a Telegram bot token (123456789:AA…).",
                rule="botToken",
                remediation="Copy the token @BotFather gave when the bot was created.",
            )
        if not CHAT.match(chat_id):
            raise ValidationFailed(
                "chatId must be a @channelname or a numeric chat id.",
                rule="chatId",
                remediation="Use the channel's public @name, or the numeric id of a private "
                "chat (for example -1001234567890).",
            )
        with TelegramClient(token, version=pinned_label(cls.slug)) as client:
            bot = client.get_me()
            chat = client.get_chat(chat_id)
        # A public chat is known by its @name (what Postiz shows as the channel's profile).
        name = (
            f"@{chat['username']}"
            if chat.get("username")
            else chat.get("title") or chat.get("first_name")
        )
        return ConnectedAccount(
            external_id=str(chat["id"]),
            display_name=str(name or chat["id"]),
            credentials={"botToken": token},
            metadata={
                "chatId": str(chat["id"]),
                "chatType": str(chat.get("type") or ""),
                "username": str(chat.get("username") or ""),
                "botUsername": str(bot.get("username") or ""),
            },
        )

    # --- publishing -------------------------------------------------------------------------

    def client(self) -> TelegramClient:
        return TelegramClient(
            str(self.account.credentials.get("botToken", "")),
            version=self.platform_version,
        )

    def publish(self, draft: Draft) -> PublishResult:
        return self._send(draft, None)

    def publish_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult:
        return self._send(draft, reply_to.parent.cid)

    def _send(self, draft: Draft, reply_to: str | None) -> PublishResult:
        params: dict[str, Any] = {"chat_id": self.account.metadata["chatId"]}
        if reply_to:
            params["reply_parameters"] = {
                "message_id": int(reply_to),
                "allow_sending_without_reply": True,
            }
        if draft.options.get("disable_notification"):
            params["disable_notification"] = True
        with self.client() as client, flag_if_revoked(self.account, _revoked):
            if not draft.media:
                result = client.post("sendMessage", {**params, "text": draft.text})
            elif len(draft.media) < GROUP_MIN:
                result = self._single(client, draft, params)
            else:
                result = self._group(client, draft, params)
        first = result[0] if isinstance(result, list) else result
        message_id = int(first["message_id"])
        chat = {
            **first.get("chat", {}),
            "username": self.account.metadata.get("username"),
        }
        return PublishResult(uri=message_url(chat, message_id), cid=str(message_id))

    def _single(
        self, client: TelegramClient, draft: Draft, params: dict[str, Any]
    ) -> Any:
        item = draft.media[0]
        method, field = SINGLE[item.kind]
        media, files = self._media(item, 0)
        if draft.text.strip():
            params = {**params, "caption": draft.text}
        if files:
            return client.post(method, params, {field: files["file0"]})
        return client.post(method, {**params, field: media})

    def _group(
        self, client: TelegramClient, draft: Draft, params: dict[str, Any]
    ) -> Any:
        media: list[dict[str, Any]] = []
        files: dict[str, Attachment] = {}
        for i, item in enumerate(draft.media):
            reference, uploaded = self._media(item, i)
            entry: dict[str, Any] = {"type": GROUP_TYPES[item.kind], "media": reference}
            if i == 0 and draft.text.strip():
                entry["caption"] = draft.text
            media.append(entry)
            files |= uploaded
        return client.post("sendMediaGroup", {**params, "media": media}, files or None)

    def _media(self, item: MediaItem, i: int) -> tuple[str, dict[str, Attachment]]:
        """A URL Telegram fetches itself, or a stored upload sent as the part `fileN`."""
        if item.url and not item.media_id:
            return item.url, {}
        cap = MAX_VIDEO_BYTES if item.kind == "video" else MAX_PHOTO_BYTES
        file = read_attachment(item, platform=PLATFORM, max_bytes=cap, index=i)
        return f"attach://file{i}", {f"file{i}": file}

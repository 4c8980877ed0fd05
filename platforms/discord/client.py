"""The Discord API v10 calls letmepost makes, over our one HTTP session.

Shapes follow Discord's OpenAPI description (a copy is in
tests/fixtures/platform-apis/discord/openapi.json). Errors are `{"code": int, "message": str}`
(rate limits add `retry_after` in seconds, a float); they map to the catalog:

| upstream | raised |
|---|---|
| 401, 403 | `PlatformAuthFailed` (bad bot token, or the bot may not post in the channel) |
| 404 with code 10015 (Unknown Webhook) or 10003 (Unknown Channel) | `PlatformAuthFailed`: the connection is gone |
| 429 | `PlatformRateLimited`, `retry_after` from the body, `Retry-After` or `X-RateLimit-Reset-After` |
| other 4xx | `PlatformRejected`, the body untouched as `platformResponse` |
| 5xx, or no answer, to a message create | `PublishOutcomeUnknown` |
| 5xx otherwise, or no connection | `PlatformUnavailable` |
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from letmepost.errors import LetmepostError, ValidationFailed
from platforms.attachments import Attachment
from platforms.upstream import Failure, UpstreamClient, delta_seconds, json_object

PLATFORM = "discord"
API_BASE = "https://discord.com/api/v10"
# Where Discord serves incoming webhooks (its stable, PTB and canary clients copy these).
WEBHOOK_HOSTS = frozenset(
    {"discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"}
)
WEBHOOK_PATH = re.compile(
    r"^/api(?:/v\d+)?/webhooks/(\d{15,25})/([A-Za-z0-9_-]{20,})/?$"
)
GONE_CODES = (10003, 10015)  # Unknown Channel, Unknown Webhook
WEBHOOK_CALL = "{} /webhooks/{{id}}/{{token}}"  # how messages name it: never the token


@dataclass(frozen=True)
class Webhook:
    id: str
    token: str


def parse_webhook_url(url: object) -> Webhook:
    """The id and token of a Discord incoming webhook URL; anything else is refused.

    Only the id and token are kept: every call goes to `API_BASE`, never to the host the user
    typed, so the URL cannot point our session anywhere else (SSRF).
    """
    parts = urlsplit(str(url or "").strip())
    match = WEBHOOK_PATH.match(parts.path)
    if (
        parts.scheme != "https"
        or (parts.hostname or "").lower() not in WEBHOOK_HOSTS
        or parts.port not in (None, 443)
        or parts.username
        or not match
    ):
        raise ValidationFailed(
            "webhookUrl must be a Discord incoming webhook URL "
            "(https://discord.com/api/webhooks/<id>/<token>).",
            rule="webhookUrl",
            remediation="Copy the URL from the channel's Integrations → Webhooks → Copy Webhook URL.",
        )
    return Webhook(id=match.group(1), token=match.group(2))


def gone(body: Any) -> bool:
    return isinstance(body, dict) and body.get("code") in GONE_CODES


class DiscordClient(UpstreamClient):
    platform = PLATFORM
    name = "Discord"
    auth_remediation = (
        "Reconnect Discord: check the bot token, or that the bot may view the channel, send "
        "messages and attach files there."
    )

    def __init__(
        self,
        *,
        version: str,
        bot_token: str | None = None,
        webhook: Webhook | None = None,
    ) -> None:
        super().__init__(
            version=version, secrets=(bot_token, webhook.token if webhook else None)
        )
        self.bot_token = bot_token
        self.webhook = webhook

    def call(
        self,
        method: str,
        path: str,
        *,
        write: bool = False,
        what: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """One API call; the parsed 2xx body, or the mapped error. `what` names the call in
        messages when its path holds a secret (a webhook's token)."""
        headers = {"Accept": "application/json"}
        if self.bot_token:
            headers["Authorization"] = f"Bot {self.bot_token}"
        response = self.request(
            method,
            f"{API_BASE}{path}",
            what=what or f"{method} {path}",
            write=write,
            headers=headers,
            **kwargs,
        )
        return json_object(self.read(response))

    def detail(self, body: Any) -> str:
        if not isinstance(body, dict):
            return ""
        message = str(body.get("message") or "").strip()
        return f"{message} (code {body['code']})" if "code" in body else message

    def classify(self, failure: Failure) -> LetmepostError:
        if failure.status == 404 and gone(failure.body):
            return failure.auth_failed(remediation=self.auth_remediation)
        return super().classify(failure)

    def retry_after(self, response: requests.Response) -> int:
        # The body's float seconds are the most precise; the headers are the fallbacks.
        try:
            wait: Any = response.json().get("retry_after")
        except (ValueError, AttributeError):
            wait = None
        body_wait = math.ceil(wait) if isinstance(wait, int | float) else None
        reset = response.headers.get("X-RateLimit-Reset-After")
        try:
            header_wait = math.ceil(float(reset)) if reset else None
        except ValueError:
            header_wait = None
        for value in (
            body_wait,
            delta_seconds(response.headers.get("Retry-After")),
            header_wait,
        ):
            if value is not None:
                return max(1, value)
        return self.default_retry_after

    # --- the calls --------------------------------------------------------------------------

    def get_webhook(self) -> dict[str, Any]:
        return self.call("GET", self._webhook_path(), what=WEBHOOK_CALL.format("GET"))

    def me(self) -> dict[str, Any]:
        return self.call("GET", "/users/@me")

    def channel(self, channel_id: str) -> dict[str, Any]:
        return self.call("GET", f"/channels/{channel_id}")

    def recent_messages(self, channel_id: str, limit: int) -> list[dict[str, Any]]:
        found: Any = self.call(
            "GET", f"/channels/{channel_id}/messages", params={"limit": limit}
        )
        return list(found) if isinstance(found, list) else []

    def execute_webhook(
        self, payload: dict[str, Any], files: list[Attachment]
    ) -> dict[str, Any]:
        """Post through the webhook; `wait=true` makes Discord answer with the message."""
        return self.call(
            "POST",
            self._webhook_path(),
            what=WEBHOOK_CALL.format("POST"),
            params={"wait": "true"},
            write=True,
            **body(payload, files),
        )

    def _webhook_path(self) -> str:
        assert self.webhook, "a webhook call on a bot connection"
        return f"/webhooks/{self.webhook.id}/{self.webhook.token}"

    def create_message(
        self, channel_id: str, payload: dict[str, Any], files: list[Attachment]
    ) -> dict[str, Any]:
        return self.call(
            "POST",
            f"/channels/{channel_id}/messages",
            write=True,
            **body(payload, files),
        )


def body(payload: dict[str, Any], files: list[Attachment]) -> dict[str, Any]:
    """`requests` keywords for a message: JSON, or multipart with `payload_json` and
    `files[n]` parts when there are attachments (each named in `payload.attachments`)."""
    if not files:
        return {"json": payload}
    parts: dict[str, Any] = {
        f"files[{i}]": (file.name, file.data, file.content_type)
        for i, file in enumerate(files)
    }
    parts["payload_json"] = (None, json.dumps(payload), "application/json")
    return {"files": parts}

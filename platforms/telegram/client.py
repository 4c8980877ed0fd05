"""The Telegram Bot API calls letmepost makes, over our one HTTP session.

Shapes follow the Bot API 10.1 description (a copy is in
tests/fixtures/platform-apis/telegram/api.json). Every call is `POST /bot<token>/<method>`; the
token is in the path, so it is blanked out of every message we keep. Answers are
`{"ok": true, "result": …}` or `{"ok": false, "error_code", "description", "parameters"}`:

| upstream | raised |
|---|---|
| 401 | `PlatformAuthFailed` (the token was revoked in @BotFather) |
| 403 | `PlatformAuthFailed` (the bot was removed from the chat, or may not post there) |
| 429 | `PlatformRateLimited`, `retry_after` from `parameters.retry_after` |
| other 4xx | `PlatformRejected`, the body untouched as `platformResponse` |
| 5xx, or no answer, to a send | `PublishOutcomeUnknown` |
| 5xx otherwise, or no connection | `PlatformUnavailable` |
"""

from __future__ import annotations

import json
from typing import Any

import requests

from letmepost.errors import LetmepostError
from platforms.attachments import Attachment
from platforms.upstream import Failure, UpstreamClient, retry_after

PLATFORM = "telegram"
API_BASE = "https://api.telegram.org"


class TelegramClient(UpstreamClient):
    platform = PLATFORM
    name = "Telegram"
    auth_remediation = (
        "Check the bot token (@BotFather → /mybots) and that the bot is still an admin of the "
        "channel or a member of the group, then reconnect."
    )

    def __init__(self, token: str, *, version: str) -> None:
        super().__init__(version=version, secrets=(token,))
        self.token = token

    def call(
        self,
        method: str,
        params: dict[str, Any],
        *,
        files: dict[str, Attachment] | None = None,
        write: bool = False,
    ) -> Any:
        """One method; its `result`, or the mapped error. With `files`, a multipart form whose
        object fields are JSON strings (the Bot API's rule for form requests)."""
        kwargs: dict[str, Any] = {"json": params}
        if files:
            kwargs = {
                "data": {
                    k: json.dumps(v) if isinstance(v, dict | list) else str(v)
                    for k, v in params.items()
                },
                "files": {
                    name: (file.name, file.data, file.content_type)
                    for name, file in files.items()
                },
            }
        response = self.request(
            "POST",
            f"{API_BASE}/bot{self.token}/{method}",
            what=f"Telegram {method}",
            write=write,
            **kwargs,
        )
        return self.read(response)["result"]

    def detail(self, body: Any) -> str:
        return str(body.get("description") or "") if isinstance(body, dict) else ""

    def classify(self, failure: Failure) -> LetmepostError:
        if failure.status == 403:
            return failure.auth_failed(remediation=self.auth_remediation)
        return super().classify(failure)

    def retry_after(self, response: requests.Response) -> int:
        try:
            wait = (response.json().get("parameters") or {}).get("retry_after")
        except (ValueError, AttributeError):
            wait = None
        return retry_after(response, wait if isinstance(wait, int) else None)

    # --- the calls --------------------------------------------------------------------------

    def get_me(self) -> dict[str, Any]:
        me: dict[str, Any] = self.call("getMe", {})
        return me

    def get_chat(self, chat_id: str) -> dict[str, Any]:
        chat: dict[str, Any] = self.call("getChat", {"chat_id": chat_id})
        return chat

    def post(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, Attachment] | None = None,
    ) -> Any:
        """A send method (sendMessage, sendPhoto, sendMediaGroup…): the write that posts."""
        return self.call(method, params, files=files, write=True)

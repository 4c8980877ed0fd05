"""Discord fixtures: documented-shaped payloads, connected accounts, the API behind `responses`.

Every request body we send and every canned answer is checked against Discord's own OpenAPI
description (paths there are relative to https://discord.com/api/v10).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import responses

from platforms.base import ConnectedAccount
from platforms.models import PlatformAccount
from platforms.services import store_connected
from tests.conftest import Persona
from tests.platforms.multipart import parts
from tests.platforms.openapi_doc import OpenApiDoc

API = "https://discord.com/api/v10"
PAYLOADS = Path(__file__).parent / "payloads"
DOC = OpenApiDoc("discord/openapi.json")
HOOK_ID = "1199022917981278268"
HOOK_TOKEN = "k3Xz0-rT_9wQeV2mN8bYc5LhJd7aPfUoGs1iKt4xZq6WvEn"
WEBHOOK_URL = f"https://discord.com/api/webhooks/{HOOK_ID}/{HOOK_TOKEN}"
WEBHOOK_PATH = "/webhooks/{webhook_id}/{webhook_token}"
MESSAGES_PATH = "/channels/{channel_id}/messages"
BOT_TOKEN = "MTE5OTAyMTUzMjQ2MDcyMDEyOA.GxYz12.abcdefghijklmnopqrstuvwxyz0123456789AB"
CHANNEL_ID = "1199020377051824211"
GUILD_ID = "1199020376456233080"


@cache
def _payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def payload(name: str, **changes: Any) -> Any:
    data = copy.deepcopy(_payload(name))
    data.update(changes)
    return data


def answer(
    mock: responses.RequestsMock,
    method: str,
    path: str,
    body: Any,
    status: int = 200,
    *,
    at: str,
    **kwargs: Any,
) -> None:
    """Register a canned answer at `at` after checking it against the documented schema of
    `path` (the spec's templated path); error statuses are Discord's `4XX`."""
    key: Any = status if status < 400 or status == 429 else "4XX"
    errors = DOC.response_errors(method, path, key, body)
    assert errors == [], errors
    mock.add(method, f"{API}{at}", json=body, status=status, **kwargs)


def message_body(call: Any, path: str) -> dict[str, Any]:
    """The message a request sends (JSON, or `payload_json` beside the files), checked against
    the operation's JSON schema: the multipart schema does not describe `payload_json`."""
    request = call.request
    if request.headers["Content-Type"].startswith("multipart/form-data"):
        body = json.loads(parts(request)["payload_json"].text)
    else:
        body = json.loads(request.body)
    errors = DOC.request_errors("POST", path, body)
    assert errors == [], errors
    return body


def connect(persona: Persona, *, mode: str = "webhook") -> PlatformAccount:
    if mode == "webhook":
        connected = ConnectedAccount(
            external_id=f"webhook:{HOOK_ID}",
            display_name="Release notes",
            credentials={"webhookUrl": f"{HOOK_ID}/{HOOK_TOKEN}"},
            metadata={"mode": "webhook", "channelId": CHANNEL_ID, "guildId": GUILD_ID},
        )
    else:
        connected = ConnectedAccount(
            external_id=f"channel:{CHANNEL_ID}",
            display_name="#announcements",
            credentials={"botToken": BOT_TOKEN},
            metadata={
                "mode": "bot",
                "channelId": CHANNEL_ID,
                "guildId": GUILD_ID,
                "botUserId": payload("user")["id"],
            },
        )
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="discord",
        connected=connected,
    )
    return account


@pytest.fixture
def upstream():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock

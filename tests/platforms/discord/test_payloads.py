"""Every recorded Discord payload is what the OpenAPI description says Discord answers."""

from __future__ import annotations

import pytest

from tests.platforms.discord.conftest import (
    DOC,
    MESSAGES_PATH,
    PAYLOADS,
    WEBHOOK_PATH,
    payload,
)

# payload → (method, path, status) whose documented answer it is
ANSWERS = {
    "user": ("GET", "/users/@me", 200),
    "webhook": ("GET", WEBHOOK_PATH, 200),
    "channel": ("GET", "/channels/{channel_id}", 200),
    "message": ("POST", MESSAGES_PATH, 200),
    "error_unknown_webhook": ("POST", WEBHOOK_PATH, "4XX"),
    "error_missing_permissions": ("POST", MESSAGES_PATH, "4XX"),
    "error_invalid_form": ("POST", MESSAGES_PATH, "4XX"),
    "rate_limited": ("POST", MESSAGES_PATH, 429),
}


def test_every_payload_is_listed() -> None:
    assert {p.stem for p in PAYLOADS.glob("*.json")} == set(ANSWERS)


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_the_payload_matches_its_schema(name: str) -> None:
    method, path, status = ANSWERS[name]
    assert DOC.response_errors(method, path, status, payload(name)) == []  # type: ignore[arg-type]

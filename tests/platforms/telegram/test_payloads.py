"""Every recorded Telegram payload is what the Bot API description says the method returns."""

from __future__ import annotations

import pytest

from tests.platforms.telegram.conftest import PAYLOADS, answer_errors, payload

# payload → the method whose documented answer it is
ANSWERS = {
    "get_me": "getMe",
    "get_chat": "getChat",
    "message": "sendMessage",
    "photo_message": "sendPhoto",
    "media_group": "sendMediaGroup",
    "error_unauthorized": "getMe",
    "error_kicked": "sendMessage",
    "error_chat_not_found": "sendMessage",
    "error_too_many": "sendMessage",
}


def test_every_payload_is_listed() -> None:
    assert {p.stem for p in PAYLOADS.glob("*.json")} == set(ANSWERS)


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_the_payload_matches_its_schema(name: str) -> None:
    assert answer_errors(ANSWERS[name], payload(name)) == []

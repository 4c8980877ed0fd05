"""Every recorded Slack payload is what Slack's Swagger description says the method answers."""

from __future__ import annotations

import pytest

from tests.platforms.slack.conftest import PAYLOADS, answer_errors, payload

# payload → the method whose documented answer it is
ANSWERS = {
    "token": "oauth.v2.access",
    "auth_test": "auth.test",
    "post_message": "chat.postMessage",
    "upload_url": "files.getUploadURLExternal",
    "complete_upload": "files.completeUploadExternal",
    "error_not_in_channel": "chat.postMessage",
    "error_invalid_auth": "chat.postMessage",
    "error_ratelimited": "chat.postMessage",
}


def test_every_payload_is_listed() -> None:
    assert {p.stem for p in PAYLOADS.glob("*.json")} == set(ANSWERS)


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_the_payload_matches_its_schema(name: str) -> None:
    body = payload(name)
    key = "200" if body["ok"] else "default"
    assert answer_errors(ANSWERS[name], body, key) == []

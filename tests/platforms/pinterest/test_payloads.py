"""The recorded payloads are what Pinterest documents: each one passes its OpenAPI schema."""

from __future__ import annotations

import pytest

from tests.platforms.pinterest.conftest import DOC, payload

CASES = [
    ("token", "POST", "/oauth/token", 200),
    ("refresh", "POST", "/oauth/token", 200),
    ("user_account", "GET", "/user_account", 200),
    ("boards", "GET", "/boards", 200),
    ("board", "POST", "/boards", 201),
    ("pin", "POST", "/pins", 201),
    ("media_registered", "POST", "/media", 201),
    ("error_401", "POST", "/pins", 401),
    ("error_rate", "POST", "/pins", 429),
    ("error_board_duplicate", "POST", "/boards", 409),
    ("error_invalid", "POST", "/pins", 400),
]


@pytest.mark.parametrize(("name", "method", "path", "status"), CASES)
def test_payload_matches_the_documented_schema(name, method, path, status) -> None:
    assert DOC.response_errors(method, path, status, payload(name)) == []


def test_the_checker_catches_a_wrong_shape() -> None:
    assert DOC.response_errors("GET", "/user_account", 200, {"id": "not-digits"})
    assert DOC.request_errors("POST", "/pins", {"board_id": "abc"})

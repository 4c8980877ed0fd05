"""The canned answers the Lemmy tests serve are valid per the OpenAPI description."""

from __future__ import annotations

import pytest

from tests.platforms.lemmy.conftest import payload
from tests.platforms.lemmy.openapi import LEMMY, response_errors


@pytest.mark.parametrize(
    ("name", "method", "path", "status"),
    [
        ("login", "POST", "/api/v3/user/login", 200),
        ("site", "GET", "/api/v3/site", 200),
        ("community", "GET", "/api/v3/community", 200),
        ("post", "POST", "/api/v3/post", 200),
        ("image_upload", "POST", "/pictrs/image", 201),
        ("person_details", "GET", "/api/v3/user", 200),
        ("comment", "POST", "/api/v3/comment", 200),
        ("comments", "GET", "/api/v3/comment/list", 200),
    ],
)
def test_each_canned_answer_matches_the_spec(
    name: str, method: str, path: str, status: int
) -> None:
    assert response_errors(method, path, status, payload(name)) == []


def error_errors(body: object) -> list[str]:
    """The 4xx answers are `$ref`s to the ErrorResponse response: check its schema."""
    return LEMMY._errors("components/schemas/ErrorResponse", body)


def test_the_error_bodies_the_fakes_send_match_the_spec() -> None:
    for code in ("couldnt_find_community", "not_logged_in", "rate_limit_error"):
        assert error_errors({"error": code}) == []
    assert error_errors({"message": "no code"}) != []

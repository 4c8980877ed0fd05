"""The recorded payloads the tests answer with are what the Mastodon OpenAPI file describes."""

from __future__ import annotations

import pytest

from tests.platforms.mastodon.conftest import payload
from tests.platforms.mastodon.openapi import request_errors, response_errors


@pytest.mark.parametrize(
    ("name", "method", "path", "status"),
    [
        ("instance_v2", "GET", "/api/v2/instance", 200),
        ("app", "POST", "/api/v1/apps", 200),
        ("token", "POST", "/oauth/token", 200),
        ("verify_credentials", "GET", "/api/v1/accounts/verify_credentials", 200),
        ("media", "POST", "/api/v2/media", 200),
        ("media_get", "GET", "/api/v1/media/{id}", 200),
        ("status", "POST", "/api/v1/statuses", 200),
        ("status_422", "POST", "/api/v1/statuses", 422),
        ("error_401", "POST", "/api/v1/statuses", 401),
    ],
)
def test_recorded_payloads_match_the_openapi_description(
    name, method, path, status
) -> None:
    assert response_errors(method, path, status, payload(name)) == []


def test_the_validator_catches_a_bad_status_request() -> None:
    assert request_errors(
        "POST", "/api/v1/statuses", {"status": "x", "visibility": "everyone"}
    )
    assert (
        request_errors("POST", "/api/v1/statuses", {"status": "x", "media_ids": ["1"]})
        == []
    )

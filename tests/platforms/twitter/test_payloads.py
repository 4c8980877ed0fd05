"""The payloads the fakes answer with are what X's OpenAPI file describes, and the checker bites."""

from __future__ import annotations

import pytest

from tests.platforms.twitter.conftest import payload
from tests.platforms.twitter.openapi import X, spec_path


@pytest.mark.parametrize(
    ("name", "method", "path", "status"),
    [
        ("users_me", "GET", "/2/users/me", 200),
        ("initialize_image", "POST", "/2/media/upload/initialize", 200),
        ("initialize_video", "POST", "/2/media/upload/initialize", 200),
        ("append", "POST", "/2/media/upload/{id}/append", 200),
        ("finalize_image", "POST", "/2/media/upload/{id}/finalize", 200),
        ("finalize_video", "POST", "/2/media/upload/{id}/finalize", 200),
        ("status_in_progress", "GET", "/2/media/upload", 200),
        ("status_succeeded", "GET", "/2/media/upload", 200),
        ("status_failed", "GET", "/2/media/upload", 200),
        ("metadata", "POST", "/2/media/metadata", 200),
        ("create_post", "POST", "/2/tweets", 201),
        ("user_posts", "GET", "/2/users/{id}/tweets", 200),
    ],
)
def test_success_payloads_match_the_openapi_file(name, method, path, status) -> None:
    assert X.response_errors(method, path, status, payload(name)) == []


@pytest.mark.parametrize(
    "name",
    [
        "problem_401",
        "problem_403_duplicate",
        "problem_403_reply",
        "problem_403_client",
        "problem_429",
        "problem_503",
        "problem_400_too_long",
    ],
)
def test_problem_payloads_are_problems(name) -> None:
    assert X.problem_errors(payload(name)) == []


def test_the_checker_refuses_what_x_would_refuse() -> None:
    assert X.request_errors("POST", "/2/tweets", {"text": "x", "reply_to": "1"})
    assert X.request_errors(
        "POST", "/2/tweets", {"text": "x", "reply": {"in_reply_to_tweet_id": "abc"}}
    )
    assert X.request_errors(
        "POST", "/2/media/upload/initialize", {"media_type": "video/avi"}
    )
    assert X.response_errors(
        "POST", "/2/media/upload/{id}/finalize", 200, {"data": {"media_key": "3_1"}}
    )
    assert X.problem_errors({"title": "x", "type": "https://example.com/other"})
    assert spec_path("/2/media/upload/initialize") == "/2/media/upload/initialize"
    assert spec_path("/2/media/upload/123/append") == "/2/media/upload/{id}/append"

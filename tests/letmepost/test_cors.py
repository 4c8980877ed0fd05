"""CORS on the API paths: allowed origins from LETMEPOST_CORS_ALLOWED_ORIGINS, none by default.

/mcp (served outside Django) is checked against a real server in test_agent_server.py.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.test import Client

from tests.conftest import Persona, error_of
from tests.e2e.support import REPO, boot_env

APP = "https://app.example.com"


def preflight(path: str, origin: str, method: str = "POST") -> object:
    """What a browser sends before a cross-origin call with a key and a JSON body."""
    return Client().options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )


@pytest.fixture
def allowed(settings) -> None:
    settings.CORS_ALLOWED_ORIGINS = [APP]


@pytest.mark.parametrize(
    "path", ["/v1/posts", "/public/v1/posts", "/api/public/v1/posts"]
)
def test_an_allowed_origins_preflight_is_answered_without_credentials(
    allowed: None, path: str
) -> None:
    response = preflight(path, APP)
    assert response.status_code == 200  # not the 401 a request without a key gets
    assert response["Access-Control-Allow-Origin"] == APP
    assert {"authorization", "content-type", "idempotency-key"} <= {
        h.strip() for h in response["Access-Control-Allow-Headers"].split(",")
    }
    assert "POST" in response["Access-Control-Allow-Methods"]


def test_an_allowed_origin_reads_the_answer_and_its_headers(
    allowed: None, owner: Persona
) -> None:
    response = owner.client.post(
        "/v1/profiles",
        data={"name": "Browser"},
        content_type="application/json",
        HTTP_ORIGIN=APP,
        HTTP_IDEMPOTENCY_KEY="cors-1",
    )
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == APP
    assert "origin" in response["Vary"].lower()
    exposed = {h.strip() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
        "Retry-After",
        "Idempotency-Replayed",
        "X-Request-Id",
    } <= exposed
    # Every header the API actually sent that a browser hides by default is exposed.
    sent = {h for h in response.headers if h.lower().startswith(("ratelimit", "x-"))}
    assert sent - {"X-Content-Type-Options", "X-Frame-Options"} <= exposed


def test_an_error_is_readable_by_an_allowed_origin(allowed: None) -> None:
    refused = Client().get("/v1/posts", HTTP_ORIGIN=APP)
    assert refused.status_code == 401
    assert error_of(refused)["code"] == "unauthenticated"
    assert refused["Access-Control-Allow-Origin"] == APP


def test_another_origin_gets_no_cors_headers(allowed: None, owner: Persona) -> None:
    response = preflight("/v1/posts", "https://evil.example.com")
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    answer = owner.client.get("/v1/posts", HTTP_ORIGIN="https://evil.example.com")
    assert answer.status_code == 200
    assert "Access-Control-Allow-Origin" not in answer


def test_no_origin_is_allowed_by_default(owner: Persona) -> None:
    response = preflight("/v1/posts", APP)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in owner.client.get(
        "/v1/posts", HTTP_ORIGIN=APP
    )


def test_pages_outside_the_api_get_no_cors_headers(allowed: None, db: None) -> None:
    assert "Access-Control-Allow-Origin" not in Client().get(
        "/accounts/login/", HTTP_ORIGIN=APP
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, []),
        (
            "https://app.example.com, http://localhost:3000/",
            ["https://app.example.com", "http://localhost:3000"],
        ),
    ],
)
def test_allowed_origins_come_from_the_environment(
    value: str | None, expected: list[str], tmp_path
) -> None:
    overrides = {} if value is None else {"LETMEPOST_CORS_ALLOWED_ORIGINS": value}
    env = boot_env(tmp_path, **overrides)
    code = "import django; django.setup(); from django.conf import settings; import json; print(json.dumps(settings.CORS_ALLOWED_ORIGINS))"
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == expected

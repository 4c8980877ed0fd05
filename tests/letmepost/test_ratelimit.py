"""Fixed-window limits per credential through the Django cache (D10, spec/api.md §3-4)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from letmepost.api.ratelimit import hit
from tests.conftest import Persona, api_client, error_of


@pytest.fixture(autouse=True)
def small_limit(settings) -> None:
    settings.RATE_LIMIT = 3
    settings.RATE_LIMIT_WINDOW = 60
    cache.clear()


def test_headers_count_down_then_429_with_retry_after(owner: Persona) -> None:
    remaining = []
    for _ in range(3):
        response = owner.client.get("/v1/profiles")
        assert response.status_code == 200
        assert response["RateLimit-Limit"] == response["X-RateLimit-Limit"] == "3"
        remaining.append(int(response["RateLimit-Remaining"]))
    assert remaining == [2, 1, 0]
    blocked = owner.client.get("/v1/profiles")
    assert blocked.status_code == 429
    assert error_of(blocked)["code"] == "rate_limited"
    assert 1 <= int(blocked["Retry-After"]) <= 60
    assert blocked["Retry-After"] == blocked["RateLimit-Reset"]


def test_a_limited_write_is_not_performed(owner: Persona) -> None:
    for _ in range(3):
        owner.client.get("/v1/profiles")
    response = owner.client.post(
        "/v1/profiles", data={"name": "Late"}, content_type="application/json"
    )
    assert response.status_code == 429
    assert owner.workspace.profiles.count() == 1


def test_each_key_has_its_own_bucket(owner: Persona, key_factory) -> None:
    for _ in range(4):
        owner.client.get("/v1/profiles")
    assert owner.client.get("/v1/profiles").status_code == 429
    assert api_client(key_factory()).get("/v1/profiles").status_code == 200


def test_anonymous_callers_are_limited_by_address(db: None) -> None:
    anonymous = Client()
    statuses = [anonymous.get("/v1/profiles").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_health_and_schema_are_not_limited(db: None) -> None:
    anonymous = Client()
    assert {anonymous.get("/health").status_code for _ in range(5)} == {200}


def test_the_window_resets() -> None:
    assert not hit("bucket-x", limit=1, window=10, now=1000.0).exceeded
    assert hit("bucket-x", limit=1, window=10, now=1005.0).exceeded
    fresh = hit("bucket-x", limit=1, window=10, now=1010.0)
    assert not fresh.exceeded and fresh.reset == 10

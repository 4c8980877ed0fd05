"""`/health` is constant; `/health/ready` checks every dependency and says which one is down."""

from __future__ import annotations

import socket

from django.test import Client

from tests.conftest import error_of


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # released on close: nothing listens there


def test_ready_reports_each_check(client: Client, db: None) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "cache", "broker", "storage"}


def test_ready_is_503_with_the_envelope_when_the_cache_is_down(
    client: Client, db: None, settings
) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    response = client.get("/health/ready")
    assert response.status_code == 503
    error = error_of(response)
    assert (error["code"], error["rule"]) == ("internal_error", "health.cache")
    assert error["platformResponse"]["checks"]["database"] == "ok"
    assert error["platformResponse"]["checks"]["cache"].startswith("down")


def test_ready_is_503_when_the_broker_is_unreachable(
    client: Client, db: None, settings
) -> None:
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert error_of(response)["rule"] == "health.broker"

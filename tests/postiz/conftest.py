"""Postiz-surface fixtures: a connected sandbox account and a client that sends the bare key."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from platforms.models import PlatformAccount
from tests.conftest import Persona, post_json

BASES = ("/public/v1", "/api/public/v1")


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def connect_sandbox(persona: Persona, handle: str = "pz") -> PlatformAccount:
    response = post_json(
        persona.client, "/v1/accounts/connect/sandbox/complete", {"handle": handle}
    )
    assert response.status_code == 201, response.content
    return PlatformAccount.objects.get(pk=response.json()["id"])


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_sandbox(owner)


@pytest.fixture
def pz(owner: Persona) -> Client:
    """A Postiz client: `Authorization: <key>`, no scheme."""
    return Client(HTTP_AUTHORIZATION=owner.key)


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def later(**delta: float) -> datetime:
    return datetime.now(UTC) + timedelta(**delta)


def create_body(
    integration_id: str,
    *values: dict[str, Any],
    type: str = "schedule",
    date: datetime | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A create-post body as Postiz clients send it (spec/postiz-compat.md §5.1)."""
    return {
        "type": type,
        "date": iso(date or later(hours=2)),
        "shortLink": False,
        "tags": [],
        "posts": [
            {
                "integration": {"id": integration_id},
                "value": list(values) or [{"content": "<p>Hello</p>", "image": []}],
                "settings": {},
            }
        ],
        **extra,
    }


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method.lower())(path, **kwargs)

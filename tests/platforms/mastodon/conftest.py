"""Mastodon fixtures: recorded payloads, a connected account, the instance behind `responses`."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import responses

from platforms.base import ConnectedAccount
from platforms.mastodon.adapter import instance_limits
from platforms.models import PlatformAccount
from platforms.services import store_connected
from tests.conftest import Persona
from tests.platforms.mastodon.openapi import request_errors

INSTANCE = "https://mastodon.example"
PAYLOADS = Path(__file__).parent / "payloads"


@cache
def _payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def payload(name: str, **changes: Any) -> Any:
    """A recorded payload (a fresh copy), with top-level `changes` applied."""
    data = copy.deepcopy(_payload(name))
    if isinstance(data, dict):
        data.update(changes)
    return data


def api(path: str) -> str:
    return f"{INSTANCE}{path}"


def checked_json(call: Any, method: str, path: str) -> dict[str, Any]:
    """A request's JSON body, after checking it against the OpenAPI description."""
    body = json.loads(call.request.body)
    assert request_errors(method, path, body) == [], request_errors(method, path, body)
    return body


def connect_mastodon(persona: Persona, token: str = "token-abc") -> PlatformAccount:  # noqa: S107
    me = payload("verify_credentials")
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="mastodon",
        connected=ConnectedAccount(
            external_id=f"{me['id']}@mastodon.example",
            display_name="@alice@mastodon.example",
            credentials={
                "accessToken": token,
                "scope": "read:accounts write:statuses write:media",
            },
            metadata={
                "instanceUrl": INSTANCE,
                "accountId": me["id"],
                "username": "alice",
                "limits": instance_limits(payload("instance_v2")),
            },
        ),
    )
    return account


@pytest.fixture
def upstream():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_mastodon(owner)

"""X fixtures: documented-shaped payloads, app credentials, a connected account, the API faked
with `responses`; every request sent and every canned answer is checked against X's OpenAPI."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import responses

from platforms.base import ConnectedAccount
from platforms.models import PlatformAccount
from platforms.services import store_connected
from tests.conftest import Persona
from tests.platforms.twitter.openapi import API, check_call

PAYLOADS = Path(__file__).parent / "payloads"
TOKEN_URL = "https://api.x.com/2/oauth2/token"
REVOKE_URL = "https://api.x.com/2/oauth2/revoke"
USER_ID = "1513345928362274816"
PROBLEM = "application/problem+json"


@cache
def _payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def payload(name: str) -> Any:
    return copy.deepcopy(_payload(name))


def api(path: str) -> str:
    return f"{API}{path}"


def sent_json(call: Any) -> Any:
    return json.loads(call.request.body)


@pytest.fixture(autouse=True)
def x_app(settings) -> None:
    settings.OAUTH_CLIENTS = {
        **settings.OAUTH_CLIENTS,
        "twitter": {"client_id": "x-client-id", "client_secret": "x-client-secret"},
    }
    settings.TWITTER_LAUNCH_CAP_PER_ACCOUNT = 50


@pytest.fixture
def upstream():
    """X behind `responses`; on the way out every call is checked against the OpenAPI file."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock
        problems = {
            f"{c.request.method} {c.request.url}": errors
            for c in mock.calls
            if (errors := check_call(c))
        }
        assert problems == {}, problems


def connect_x(persona: Persona, **credentials: Any) -> PlatformAccount:
    me = payload("users_me")["data"]
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="twitter",
        connected=ConnectedAccount(
            external_id=me["id"],
            display_name=f"@{me['username']}",
            credentials={
                "accessToken": "x-access",
                "refreshToken": "x-refresh",
                **credentials,
            },
            metadata={"userId": me["id"], "username": me["username"]},
        ),
    )
    return account


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_x(owner)

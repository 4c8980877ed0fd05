"""Facebook Pages fixtures: documented-shaped payloads, a connected Page, Graph behind `responses`.

Every call to graph.facebook.com a test makes is checked against Meta's node specs (User,
Page, PagePost) when the test ends, so a request Graph would refuse fails the test.
"""

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
from tests.platforms.meta.graph_spec import call_params, calls_errors

GRAPH_HOST = "graph.facebook.com"
GRAPH = f"https://{GRAPH_HOST}"
PAYLOADS = Path(__file__).parent / "payloads"
CLIENT = {"client_id": "1234567890123", "client_secret": "fb-app-secret-0123"}
PAGE_ID = "104528331234567"
PAGE_TOKEN = "EAAGPageTokenBakery111111111"
USER_ID = "10158000000000001"  # the app-scoped id of the person who connects the Pages


@cache
def _payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def payload(name: str, **changes: Any) -> Any:
    data = copy.deepcopy(_payload(name))
    data.update(changes)
    return data


def api(path: str) -> str:
    return f"{GRAPH}/v23.0/{path.lstrip('/')}"


def route(method: str, segments: list[str], params: dict[str, str]):
    if segments == ["oauth", "access_token"]:
        return None  # OAuth: not in the node specs, checked by hand
    if segments == ["me"]:
        return ("User", None)
    if segments == ["me", "accounts"]:
        return ("User", "accounts")
    if len(segments) == 2 and segments[0] == PAGE_ID:
        return ("Page", segments[1])
    if len(segments) == 2 and segments[1] == "comments":  # a post's comments
        return ("PagePost", "comments")
    raise AssertionError(f"unexpected Graph call {method} /{'/'.join(segments)}")


def sent(call: Any) -> dict[str, str]:
    params = call_params(call)
    params.pop("access_token", None)
    return params


def graph_calls(upstream: Any) -> list[Any]:
    return [c for c in upstream.calls if GRAPH_HOST in c.request.url]


@pytest.fixture(autouse=True)
def facebook_enabled(settings) -> None:
    settings.OAUTH_CLIENTS = {**settings.OAUTH_CLIENTS, "facebook": dict(CLIENT)}


@pytest.fixture
def upstream():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock
        errors = calls_errors(mock.calls, GRAPH_HOST, route)
        assert errors == [], errors


def connect_page(persona: Persona, token: str = PAGE_TOKEN) -> PlatformAccount:
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="facebook",
        connected=ConnectedAccount(
            external_id=PAGE_ID,
            display_name="Corner Bakery",
            credentials={"accessToken": token},
            metadata={"kind": "page", "pageId": PAGE_ID, "userId": USER_ID},
            own_expiry=True,
        ),
    )
    return account


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_page(owner)

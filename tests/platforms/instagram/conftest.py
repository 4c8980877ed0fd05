"""Instagram fixtures: documented-shaped payloads, a connected account, Graph behind `responses`.

Every call to graph.instagram.com a test makes is checked against Meta's node specs
(IGUserForIGOnlyAPI, ShadowIGMediaBuilder, IGMediaForIGOnlyAPI) when the test ends, so a
request Graph would refuse fails the test.
"""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import responses
from django.utils import timezone

from platforms.base import ConnectedAccount
from platforms.models import PlatformAccount
from platforms.services import store_connected
from tests.conftest import Persona
from tests.platforms.meta.graph_spec import call_params, calls_errors

GRAPH_HOST = "graph.instagram.com"
GRAPH = f"https://{GRAPH_HOST}"
PAYLOADS = Path(__file__).parent / "payloads"
CLIENT = {"client_id": "990602627938098", "client_secret": "ig-app-secret-0123"}
IG_ID = "8123456789012345"  # /me `id`: the account's external id
IG_USER = "17841405793187218"  # /me `user_id`: the professional account that publishes
TOKEN = "IGAALongLivedExampleToken9876543210"


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
    """Which node spec a graph.instagram.com call addresses (None: OAuth, checked by hand)."""
    if segments in (["access_token"], ["refresh_access_token"]):
        return None
    if segments == ["me"] or (segments == [IG_USER] and method == "GET"):
        return ("IGUserForIGOnlyAPI", None)
    if len(segments) == 2 and segments[0] == IG_USER:
        return ("IGUserForIGOnlyAPI", segments[1])
    if len(segments) == 2 and segments[1] == "comments":  # a published media's comments
        return ("IGMediaForIGOnlyAPI", "comments")
    if len(segments) == 1 and method == "GET":
        asked = params.get("fields", "")
        builder = "status_code" in asked or "status" in asked.split(",")
        return ("ShadowIGMediaBuilder" if builder else "IGMediaForIGOnlyAPI", None)
    raise AssertionError(f"unexpected Graph call {method} /{'/'.join(segments)}")


def sent(call: Any) -> dict[str, str]:
    """A call's parameters without the token (checked separately)."""
    params = call_params(call)
    params.pop("access_token", None)
    return params


def graph_calls(upstream: Any) -> list[Any]:
    return [c for c in upstream.calls if GRAPH_HOST in c.request.url]


@pytest.fixture(autouse=True)
def instagram_enabled(settings) -> None:
    settings.OAUTH_CLIENTS = {**settings.OAUTH_CLIENTS, "instagram": dict(CLIENT)}
    settings.PLATFORM_POLL_INTERVAL_SECONDS = 0


@pytest.fixture
def upstream():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock
        errors = calls_errors(mock.calls, GRAPH_HOST, route)
        assert errors == [], errors


def connect_instagram(persona: Persona, token: str = TOKEN) -> PlatformAccount:
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="instagram",
        connected=ConnectedAccount(
            external_id=IG_ID,
            display_name="@bakery.studio",
            credentials={"accessToken": token},
            metadata={
                "kind": "ig-login",
                "userId": IG_USER,
                "username": "bakery.studio",
                "accountType": "BUSINESS",
            },
        ),
        token_expires_at=timezone.now() + timedelta(days=50),
    )
    return account


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_instagram(owner)

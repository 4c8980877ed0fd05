"""WordPress fixtures: answers recorded from a real WordPress 6.1.9 (payloads/), an account, and
the site behind `responses`, every request checked against the route arguments WordPress declares
(routes.py)."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from platforms.base import ConnectedAccount
from platforms.models import PlatformAccount
from platforms.services import store_connected
from tests.conftest import Persona
from tests.platforms.wordpress.routes import request_errors

SITE = "https://blog.example"
API = f"{SITE}/wp-json/"
PAYLOADS = Path(__file__).parent / "payloads"
USERNAME, APP_PASSWORD = "e2e-admin", "abcd EFGH ijkl MNOP qrst UVWX"


@cache
def _payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def payload(name: str) -> Any:
    return copy.deepcopy(_payload(name))


def api(route: str) -> str:
    return f"{API}{route}"


def checked(call: Any) -> dict[str, Any]:
    """A request's JSON body (or query), after checking it against WordPress's route args."""
    request = call.request
    parts = urlsplit(request.url)
    route = "/" + parts.path.removeprefix("/wp-json/")
    query = dict(parse_qsl(parts.query))
    if request.body and "json" in request.headers.get("Content-Type", ""):
        body = json.loads(request.body)
        assert request_errors(request.method, route, body) == [], body
        return body
    assert request_errors(request.method, route, query, query=True) == [], query
    return query


@pytest.fixture
def upstream():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def connect_wordpress(persona: Persona) -> PlatformAccount:
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="wordpress",
        connected=ConnectedAccount(
            external_id="1@blog.example",
            display_name="e2e-admin@blog.example",
            credentials={"username": USERNAME, "appPassword": APP_PASSWORD},
            metadata={
                "instanceUrl": SITE,
                "apiRoot": API,
                "userId": 1,
                "username": USERNAME,
            },
        ),
    )
    return account


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_wordpress(owner)

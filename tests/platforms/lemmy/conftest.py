"""Lemmy fixtures: recorded payloads (checked against the spec), an account, the instance
behind `responses`, every request checked against the OpenAPI description as it is sent."""

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
from tests.platforms.lemmy.openapi import query_errors, request_errors

INSTANCE = "https://lemmy.example"
PAYLOADS = Path(__file__).parent / "payloads"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjQyfQ.sig-one"


@cache
def _payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def payload(name: str) -> Any:
    return copy.deepcopy(_payload(name))


def api(path: str) -> str:
    return f"{INSTANCE}{path}"


def checked(call: Any) -> dict[str, Any]:
    """A request's JSON body (or query), after checking it against the OpenAPI description."""
    request = call.request
    parts = urlsplit(request.url)
    method = request.method
    if request.body and "json" in request.headers.get("Content-Type", ""):
        body = json.loads(request.body)
        assert request_errors(method, parts.path, body) == [], body
        return body
    query = dict(parse_qsl(parts.query))
    assert query_errors(method, parts.path, query) == [], query
    return query


@pytest.fixture
def upstream():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def connect_lemmy(persona: Persona, jwt: str = JWT) -> PlatformAccount:
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="lemmy",
        connected=ConnectedAccount(
            external_id="42@lemmy.example",
            display_name="@alice@lemmy.example",
            credentials={"jwt": jwt, "username": "alice", "password": "hunter22"},
            metadata={"instanceUrl": INSTANCE, "personId": 42, "username": "alice"},
        ),
    )
    return account


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_lemmy(owner)

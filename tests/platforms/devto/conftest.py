"""DEV (Forem) fixtures: documented payloads, a connected account, the API behind `responses`.

Every request body we send and every canned answer is checked against Forem's own OpenAPI
description (its server is https://dev.to/api, so its paths start at `/articles`).
"""

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
from tests.platforms.openapi_doc import OpenApiDoc

API = "https://dev.to/api"
PAYLOADS = Path(__file__).parent / "payloads"
DOC = OpenApiDoc("forem/api_v1.json")
API_KEY = "dev-api-key-3kPq9ZxYw7"
ACCEPT = "application/vnd.forem.api-v1+json"


@cache
def _payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def payload(name: str) -> Any:
    return copy.deepcopy(_payload(name))


def api(path: str) -> str:
    return f"{API}{path}"


def sent(call: Any) -> dict[str, Any]:
    """What a call sent (its JSON body, else its query), checked against the description:
    the body against the operation's schema, the query against its parameters."""
    request = call.request
    path = urlsplit(request.url).path.removeprefix("/api")
    assert request.headers["api-key"] == API_KEY
    assert request.headers["Accept"] == ACCEPT  # asked by the description's text
    if request.body:
        body = json.loads(request.body)
        assert DOC.request_errors(request.method, path, body) == [], body
        return body
    query = dict(parse_qsl(urlsplit(request.url).query))
    params = DOC.operation(request.method, path).get("parameters", [])
    names = {
        DOC.document["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]["name"]
        if "$ref" in p
        else p["name"]
        for p in params
    }
    assert set(query) <= names, query
    return query


@pytest.fixture
def upstream():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def connect_devto(persona: Persona) -> PlatformAccount:
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="devto",
        connected=ConnectedAccount(
            external_id="1431@dev.to",
            display_name="@username480",
            credentials={"apiKey": API_KEY},
            metadata={
                "instanceUrl": "https://dev.to",
                "userId": 1431,
                "username": "username480",
            },
        ),
    )
    return account


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_devto(owner)

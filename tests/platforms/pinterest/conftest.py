"""Pinterest fixtures: documented-shaped payloads, a connected account, the API behind `responses`.

Every request body we send and every canned answer is checked against Pinterest's own OpenAPI
description (paths there are without the `/v5` prefix).
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

API = "https://api.pinterest.com/v5"
PAYLOADS = Path(__file__).parent / "payloads"
DOC = OpenApiDoc("pinterest/openapi.json")
CLIENT = {"client_id": "1484362", "client_secret": "pin-secret"}


@cache
def _payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def payload(name: str, **changes: Any) -> Any:
    data = copy.deepcopy(_payload(name))
    data.update(changes)
    return data


def api(path: str) -> str:
    return f"{API}{path}"


def spec_path(url: str) -> str:
    return urlsplit(url).path.removeprefix("/v5")


def checked_json(call: Any, method: str, path: str) -> dict[str, Any]:
    """A request's JSON body, after checking it against the OpenAPI description."""
    body = json.loads(call.request.body)
    assert DOC.request_errors(method, path, body) == [], DOC.request_errors(
        method, path, body
    )
    return body


def query_params(method: str, path: str) -> set[str]:
    """The operation's query parameter names (Pinterest declares most as `$ref`s)."""
    found = set()
    for param in DOC.operation(method, path).get("parameters", []):
        if "$ref" in param:
            param = DOC.document["components"]["parameters"][
                param["$ref"].split("/")[-1]
            ]
        if param.get("in") == "query":
            found.add(param["name"])
    return found


def checked_query(call: Any, method: str, path: str) -> dict[str, str]:
    query = dict(parse_qsl(urlsplit(call.request.url).query))
    unknown = set(query) - query_params(method, path)
    assert not unknown, f"{method} {path} takes no {sorted(unknown)}"
    return query


def answer(
    mock: responses.RequestsMock,
    method: str,
    path: str,
    body: Any,
    status: int = 200,
    *,
    at: str | None = None,
    **kwargs: Any,
) -> None:
    """Register a canned answer after checking it against the documented response schema.

    `path` is the spec's (templated) path; `at` the concrete one when they differ.
    """
    errors = DOC.response_errors(method, path, status, body)
    assert errors == [], errors
    mock.add(method, api(at or path), json=body, status=status, **kwargs)


@pytest.fixture(autouse=True)
def pinterest_enabled(settings) -> None:
    settings.OAUTH_CLIENTS = {**settings.OAUTH_CLIENTS, "pinterest": dict(CLIENT)}
    settings.PLATFORM_POLL_INTERVAL_SECONDS = 0


def connect_pinterest(
    persona: Persona, *, default_board: str | None = "549755885175"
) -> PlatformAccount:
    me = payload("user_account")
    metadata: dict[str, Any] = {"username": me["username"]}
    if default_board:
        metadata |= {"defaultBoardId": default_board, "defaultBoardName": "Summer"}
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="pinterest",
        connected=ConnectedAccount(
            external_id=me["id"],
            display_name=me["username"],
            credentials={
                "accessToken": "pina-access",
                "refreshToken": "pinr-refresh",
            },
            metadata=metadata,
        ),
    )
    return account


@pytest.fixture
def upstream():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_pinterest(owner)

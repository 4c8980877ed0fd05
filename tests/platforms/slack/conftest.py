"""Slack fixtures: the Web API behind `responses`, checked against Slack's Swagger 2.0 file.

Swagger 2.0 is not OpenAPI 3, so requests are checked here from each method's parameter list
(unknown names, required ones, simple types) and answers against the method's 200 or default
schema with JSON Schema draft 4. One documented gap is patched in memory: Slack answers a 429
with `"error": "ratelimited"`, which the file's error enums do not list.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import responses
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from platforms.base import ConnectedAccount
from platforms.models import PlatformAccount
from platforms.services import store_connected
from tests.conftest import Persona
from tests.fixtures import platform_api

API = "https://slack.com/api"
PAYLOADS = Path(__file__).parent / "payloads"
URN = "urn:platform-api:slack"
CLIENT = {"client_id": "3336676.569200954261", "client_secret": "slack-secret"}
TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
CHANNEL = "C1H9RESGL"
TEAM_URL = "https://softball.slack.com/"


@cache
def document() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(platform_api("slack/slack-openapi-patched.json"))
    for path in doc["paths"].values():
        for operation in path.values():
            error = operation.get("responses", {}).get("default", {}).get("schema", {})
            enum = error.get("properties", {}).get("error", {}).get("enum")
            if enum is not None:
                enum.append("ratelimited")
    return doc


@cache
def _registry() -> Registry:
    return Registry().with_resource(
        URN, Resource.from_contents(document(), default_specification=DRAFT4)
    )


def _operation(method: str) -> dict[str, Any]:
    path = document()["paths"][f"/{method}"]
    return path.get("post") or path["get"]


def form_errors(method: str, form: dict[str, str]) -> list[str]:
    """What is wrong with a form for `method`: unknown or missing fields, bad simple types."""
    params = {
        p["name"]: p for p in _operation(method)["parameters"] if p["name"] != "token"
    }
    errors = [f"unknown field {k!r}" for k in form if k not in params]
    errors += [
        f"missing field {n!r}"
        for n, p in params.items()
        if p.get("required") and n not in form
    ]
    for name, value in form.items():
        kind = params.get(name, {}).get("type")
        if kind == "boolean" and value not in ("true", "false", "1", "0"):
            errors.append(f"{name} is not a boolean: {value!r}")
        if kind == "integer" and not value.isdigit():
            errors.append(f"{name} is not an integer: {value!r}")
    return errors


def answer_errors(method: str, body: Any, key: str = "200") -> list[str]:
    pointer = f"paths/~1{method}/{'post' if 'post' in document()['paths'][f'/{method}'] else 'get'}"
    validator = Draft4Validator(
        {"$ref": f"{URN}#/{pointer}/responses/{key}/schema"}, registry=_registry()
    )
    return sorted(e.message[:200] for e in validator.iter_errors(body))


def checked_form(call: Any, method: str) -> dict[str, str]:
    form = dict(parse_qsl(call.request.body, keep_blank_values=True))
    assert form_errors(method, form) == [], form_errors(method, form)
    return form


@cache
def _payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def payload(name: str, **changes: Any) -> Any:
    data = copy.deepcopy(_payload(name))
    data.update(changes)
    return data


def answer(
    mock: responses.RequestsMock,
    method: str,
    body: Any,
    status: int = 200,
    **kwargs: Any,
) -> None:
    """Slack's answer to `method`, checked against its 200 schema (or `default` when not ok)."""
    key = "200" if body.get("ok") else "default"
    errors = answer_errors(method, body, key)
    assert errors == [], errors
    mock.add("POST", f"{API}/{method}", json=body, status=status, **kwargs)


@pytest.fixture(autouse=True)
def slack_enabled(settings) -> None:
    settings.OAUTH_CLIENTS = {**settings.OAUTH_CLIENTS, "slack": dict(CLIENT)}


def connect(persona: Persona, **metadata: Any) -> PlatformAccount:
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="slack",
        connected=ConnectedAccount(
            external_id="T9TK3CUKW",
            display_name="Slack Softball Team",
            credentials={"accessToken": TOKEN, "scope": "chat:write,files:write"},
            metadata={"teamId": "T9TK3CUKW", "teamUrl": TEAM_URL, **metadata},
        ),
    )
    return account


@pytest.fixture
def upstream():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock

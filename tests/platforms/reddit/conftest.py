"""Reddit fixtures: an enabled app, a connected account, Reddit behind `responses`, and the form
check against the scraped Swagger (weak: see `swagger_errors`)."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import responses

from platforms.base import ConnectedAccount
from platforms.models import PlatformAccount
from platforms.services import store_connected
from tests.conftest import Persona
from tests.fixtures import platform_api

PAYLOADS = Path(__file__).parent / "payloads"
CLIENT = {"client_id": "p-jcoLKBynTLew", "client_secret": "gko_LXELoV07ZBNUXrvWZfzE3aI"}
OAUTH = "https://oauth.reddit.com"
WWW = "https://www.reddit.com"


@cache
def swagger() -> dict[str, Any]:
    return json.loads(platform_api("reddit/reddit.swagger.json"))


def swagger_errors(path: str, form: dict[str, str]) -> list[str]:
    """Unknown form fields of `POST <path>` per the scraped Swagger.

    That is all it can tell: every parameter is an untyped string, none is marked required and
    no answer is described, so types, required fields and answers are asserted by the tests
    themselves from Reddit's prose docs.
    """
    parameters = swagger()["paths"][path]["post"]["parameters"]
    known = {p["name"] for p in parameters if p["in"] == "formData"}
    return [f"unknown form field {name!r}" for name in form if name not in known]


def form_of(call: Any) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


@cache
def _payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def payload(name: str) -> Any:
    return copy.deepcopy(_payload(name))


@pytest.fixture(autouse=True)
def reddit_enabled(settings) -> None:
    settings.OAUTH_CLIENTS = {**settings.OAUTH_CLIENTS, "reddit": dict(CLIENT)}


@pytest.fixture
def upstream():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def connect_reddit(persona: Persona) -> PlatformAccount:
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="reddit",
        connected=ConnectedAccount(
            external_id="1w72",
            display_name="spez_bot",
            credentials={
                "accessToken": "reddit-access",
                "refreshToken": "1234567-refresh",
            },
            metadata={"username": "spez_bot"},
        ),
    )
    return account


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_reddit(owner)

"""LinkedIn fixtures: documented-shaped payloads, app credentials, connected accounts, the API
faked with `responses`; every API request is checked against the documented shapes."""

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
from tests.platforms.linkedin.shapes import API, check_call

PAYLOADS = Path(__file__).parent / "payloads"
TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"
REVOKE_URL = "https://www.linkedin.com/oauth/v2/revoke"
SUB = "782bbtaQ"
PERSON = f"urn:li:person:{SUB}"
ORGANIZATION = "urn:li:organization:2414183"


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
def linkedin_app(settings) -> None:
    settings.OAUTH_CLIENTS = {
        **settings.OAUTH_CLIENTS,
        "linkedin": {"client_id": "li-client-id", "client_secret": "li-client-secret"},
    }
    settings.LINKEDIN_ORGANIZATIONS = False
    settings.PLATFORM_POLL_INTERVAL_SECONDS = 0


@pytest.fixture
def upstream():
    """LinkedIn behind `responses`; on the way out every API call's headers and body are checked."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock
        problems = {
            f"{c.request.method} {c.request.url}": errors
            for c in mock.calls
            if (errors := check_call(c))
        }
        assert problems == {}, problems


def connect_linkedin(
    persona: Persona, *, organization: bool = False, **credentials: Any
) -> PlatformAccount:
    metadata = (
        {"kind": "organization", "authorUrn": ORGANIZATION}
        if organization
        else {"kind": "person", "authorUrn": PERSON}
    )
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="linkedin",
        connected=ConnectedAccount(
            external_id=ORGANIZATION if organization else SUB,
            display_name="Analytical Engines Ltd" if organization else "Ada Lovelace",
            credentials={"accessToken": "li-access", **credentials},
            metadata=metadata,
        ),
    )
    return account


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_linkedin(owner)

"""Google Business Profile fixtures: payloads shaped like Google's, app credentials, a connected
location, the APIs faked with `responses` and every v4 call checked against Google's description."""

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
from tests.platforms.google_business.gbp_spec import check_call

PAYLOADS = Path(__file__).parent / "payloads"
ACCOUNT = "accounts/108652393717297432001"
LOCATION = f"{ACCOUNT}/locations/4511291538128439412"
POSTS = f"https://mybusiness.googleapis.com/v4/{LOCATION}/localPosts"
ACCOUNTS = "https://mybusinessaccountmanagement.googleapis.com/v1/accounts"
LOCATIONS = (
    f"https://mybusinessbusinessinformation.googleapis.com/v1/{ACCOUNT}/locations"
)
TOKEN_URL = "https://oauth2.googleapis.com/token"


@cache
def _payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def payload(name: str) -> Any:
    return copy.deepcopy(_payload(name))


@pytest.fixture(autouse=True)
def google_app(settings) -> None:
    settings.OAUTH_CLIENTS = {
        **settings.OAUTH_CLIENTS,
        "google_business": {"client_id": "g-id", "client_secret": "g-secret"},
    }


@pytest.fixture
def upstream():
    """Google behind `responses`; every v4 call and answer is checked against the description."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock
        problems = {
            f"{c.request.method} {c.request.url}": errors
            for c in mock.calls
            if (errors := check_call(c))
        }
        assert problems == {}, problems


@pytest.fixture
def location(owner: Persona) -> PlatformAccount:
    account, _ = store_connected(
        workspace=owner.workspace,
        profile=owner.profile,
        platform="google_business",
        connected=ConnectedAccount(
            external_id=LOCATION,
            display_name="Analytical Engines Café",
            credentials={"accessToken": "g-access", "refreshToken": "g-refresh"},
            metadata={"kind": "location", "accountName": ACCOUNT},
        ),
    )
    return account

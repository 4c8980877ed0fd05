"""LinkedIn Pages fixtures: the personal adapter's documented shapes and payloads (LinkedIn
publishes no machine-readable description: tests/platforms/linkedin/shapes.py writes down its
prose docs), the app's credentials under `linkedin_page`, a connected organization."""

from __future__ import annotations

import pytest

from platforms.base import ConnectedAccount
from platforms.models import PlatformAccount
from platforms.services import store_connected
from tests.conftest import Persona
from tests.platforms.linkedin.conftest import ORGANIZATION, upstream

__all__ = ["upstream"]


@pytest.fixture(autouse=True)
def page_app(settings) -> None:
    settings.OAUTH_CLIENTS = {
        **settings.OAUTH_CLIENTS,
        "linkedin_page": {"client_id": "li-client-id", "client_secret": "li-secret"},
    }
    settings.PLATFORM_POLL_INTERVAL_SECONDS = 0


@pytest.fixture
def page(owner: Persona) -> PlatformAccount:
    account, _ = store_connected(
        workspace=owner.workspace,
        profile=owner.profile,
        platform="linkedin_page",
        connected=ConnectedAccount(
            external_id=ORGANIZATION,
            display_name="Analytical Engines Ltd",
            credentials={"accessToken": "li-access"},
            metadata={"kind": "organization", "authorUrn": ORGANIZATION},
        ),
    )
    return account

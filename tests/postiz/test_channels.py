"""`GET /social/:provider` (start a connect) and `DELETE /integrations/:id` (disconnect)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from accounts.models import ApiKey
from platforms.models import OAuthState, PlatformAccount
from posts.models import PostTarget
from tests.conftest import Persona
from tests.postiz.conftest import BASES, connect_sandbox, create_body, send

pytestmark = pytest.mark.django_db

CLIENT = {"client_id": "pz-client", "client_secret": "pz-secret"}


@pytest.fixture(autouse=True)
def pinterest_and_x_enabled(settings: Any) -> None:
    settings.OAUTH_CLIENTS = {
        **settings.OAUTH_CLIENTS,
        "pinterest": dict(CLIENT),
        "twitter": dict(CLIENT),
    }


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.mark.parametrize("base", BASES)
def test_social_answers_the_authorization_url_of_our_own_connect(
    owner: Persona, pz: Client, base: str, settings: Any
) -> None:
    response = pz.get(f"{base}/social/pinterest")
    assert response.status_code == 200, response.content
    (url,) = response.json().values()
    assert set(response.json()) == {"url"}
    assert url.startswith("https://www.pinterest.com/oauth/?")
    sent = query(url)
    assert sent["client_id"] == CLIENT["client_id"]
    assert sent["redirect_uri"] == (
        f"{settings.PUBLIC_URL}/v1/accounts/oauth/pinterest/callback"
    )
    # The callback completes into the caller's workspace and default profile.
    state = OAuthState.objects.get(state=sent["state"])
    assert (state.workspace, state.profile, state.platform) == (
        owner.workspace,
        owner.profile,
        "pinterest",
    )


def test_postiz_identifiers_map_to_our_platforms(pz: Client) -> None:
    url = pz.get("/public/v1/social/x").json()["url"]
    assert OAuthState.objects.get(state=query(url)["state"]).platform == "twitter"


def test_refresh_reconnects_into_the_channels_profile(
    owner: Persona, pz: Client, account: PlatformAccount
) -> None:
    PlatformAccount.objects.filter(pk=account.pk).update(platform="pinterest")
    url = pz.get("/public/v1/social/pinterest", {"refresh": str(account.pk)}).json()
    state = OAuthState.objects.get(state=query(url["url"])["state"])
    assert state.profile_id == account.profile_id
    other = pz.get("/public/v1/social/x", {"refresh": str(account.pk)})
    assert (other.status_code, other.json()["msg"]) == (404, "Integration not found")
    unknown = pz.get("/public/v1/social/pinterest", {"refresh": "nope"})
    assert (unknown.status_code, unknown.json()["msg"]) == (
        404,
        "Integration not found",
    )


@pytest.mark.parametrize(
    ("provider", "text"),
    [
        ("reddit", "Integration not allowed"),  # a Postiz provider we do not have
        ("linkedin", "Integration not allowed"),  # ours, but not configured here
        (
            "mastodon",
            "This integration requires an external URL and is not supported via the "
            "public API",
        ),
        (
            "bluesky",
            "Bluesky connects with credentials, not a URL: send them to "
            "POST /v1/accounts/connect/bluesky/complete",
        ),
    ],
)
def test_providers_without_a_url_flow_are_refused_in_postizs_words(
    pz: Client, provider: str, text: str
) -> None:
    response = pz.get(f"/public/v1/social/{provider}")
    assert response.status_code == 400
    assert response.json()["msg"] == text
    assert not OAuthState.objects.exists()


def test_a_test_key_cannot_start_a_real_connect(key_factory) -> None:
    test_key = Client(HTTP_AUTHORIZATION=key_factory(prefix=ApiKey.Prefix.TEST))
    response = test_key.get("/public/v1/social/pinterest")
    assert response.status_code == 403
    assert response.json()["rule"] == "api_key.livemode"
    assert not OAuthState.objects.exists()


def test_deleting_an_integration_disconnects_it_and_cancels_its_queued_posts(
    owner: Persona, pz: Client, account: PlatformAccount
) -> None:
    [item] = send(pz, "POST", "/public/v1/posts", create_body(str(account.pk))).json()
    response = pz.delete(f"/public/v1/integrations/{account.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["identifier"]) == (str(account.pk), "sandbox")
    assert body["deletedAt"].endswith("Z")

    assert pz.get("/public/v1/integrations").json() == []
    assert owner.client.get(f"/v1/accounts/{account.pk}").status_code == 404
    assert PostTarget.objects.get(pk=item["postId"]).status == "canceled"
    again = pz.delete(f"/public/v1/integrations/{account.pk}")
    assert (again.status_code, again.json()["msg"]) == (404, "Integration not found")


def test_another_workspaces_integration_cannot_be_deleted(
    outsider: Persona, account: PlatformAccount
) -> None:
    theirs = Client(HTTP_AUTHORIZATION=outsider.key)
    response = theirs.delete(f"/public/v1/integrations/{account.pk}")
    assert (response.status_code, response.json()["msg"]) == (
        404,
        "Integration not found",
    )
    assert PlatformAccount.objects.get(pk=account.pk).deleted_at is None


def test_a_second_sandbox_channel_survives_the_first_ones_deletion(
    owner: Persona, pz: Client, account: PlatformAccount
) -> None:
    other = connect_sandbox(owner, "pz2")
    pz.delete(f"/public/v1/integrations/{account.pk}")
    assert [i["id"] for i in pz.get("/public/v1/integrations").json()] == [
        str(other.pk)
    ]

"""Accounts page: tiles from the registry, credential connect, state, disconnect."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from platforms.models import PlatformAccount
from tests.conftest import Persona


def test_every_known_platform_has_a_tile(owner_client: Client) -> None:
    from platforms.registry import KNOWN_PLATFORMS

    html = owner_client.get(reverse("platforms:accounts")).content.decode()
    for slug in KNOWN_PLATFORMS:
        assert f'id="connect-{slug}"' in html
    assert 'name="sandbox-handle"' in html  # the sandbox's credential_fields


def test_connect_sandbox_with_the_credential_form(
    owner: Persona, owner_client: Client
) -> None:
    response = owner_client.post(
        reverse("platforms:connect", args=["sandbox"]),
        {"sandbox-profile": str(owner.profile.pk), "sandbox-handle": "brand"},
    )
    assert response.status_code == 302
    account = PlatformAccount.objects.get(workspace=owner.workspace)
    assert account.external_id == "brand" and account.profile == owner.profile
    html = owner_client.get(reverse("platforms:accounts")).content.decode()
    assert "Connected Sandbox account brand." in html and "status-published" in html


def test_connect_errors_are_shown_on_the_form(
    owner: Persona, owner_client: Client
) -> None:
    response = owner_client.post(
        reverse("platforms:connect", args=["sandbox"]),
        {"sandbox-profile": str(owner.profile.pk), "sandbox-handle": "bad handle!"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "A sandbox handle is 1-64" in html and 'aria-invalid="true"' in html


def test_required_credentials_are_required(
    owner: Persona, owner_client: Client
) -> None:
    response = owner_client.post(
        reverse("platforms:connect", args=["sandbox"]),
        {"sandbox-profile": str(owner.profile.pk)},
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_account_state_shows_expiry_and_reconnect(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    PlatformAccount.objects.filter(pk=sandbox.pk).update(
        token_expires_at=timezone.now() + timedelta(days=3)
    )
    assert (
        "token expires in 2"
        in owner_client.get(reverse("platforms:accounts")).content.decode()
    )
    PlatformAccount.objects.filter(pk=sandbox.pk).update(status="needs_reauth")
    assert (
        "needs reconnect"
        in owner_client.get(reverse("platforms:accounts")).content.decode()
    )


def test_disconnect(owner: Persona, owner_client: Client, sandbox) -> None:
    owner_client.post(reverse("platforms:disconnect", args=[sandbox.pk]))
    sandbox.refresh_from_db()
    assert sandbox.deleted_at is not None


def test_another_workspaces_account_is_not_found(
    owner_client: Client, outsider: Persona
) -> None:
    from tests.conftest import connect_sandbox

    theirs = connect_sandbox(outsider, "theirs")
    assert (
        owner_client.post(reverse("platforms:disconnect", args=[theirs.pk])).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.deleted_at is None


def test_oauth_platform_without_its_question_answered_says_why(
    owner: Persona, owner_client: Client
) -> None:
    response = owner_client.post(
        reverse("platforms:connect", args=["mastodon"]),
        {"mastodon-profile": str(owner.profile.pk)},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="connect-mastodon"' in html
    # A sentence for a person, not the API's `Send {"instanceUrl": …}`.
    assert (
        "Enter the instance URL to connect Mastodon, for example https://mastodon.social."
        in html
    )
    assert "Send {" not in html


def test_tiles_say_which_platforms_are_ready_and_what_the_rest_need(
    owner_client: Client, settings: Any
) -> None:
    settings.OAUTH_CLIENTS = {
        **settings.OAUTH_CLIENTS,
        "linkedin": {"client_id": "id", "client_secret": "secret"},
        "twitter": {},
    }
    html = owner_client.get(reverse("platforms:accounts")).content.decode()

    def tile(slug: str) -> str:
        return html.split(f'id="connect-{slug}"', 1)[1].split("</article>", 1)[0]

    for ready in ("sandbox", "bluesky", "mastodon", "linkedin"):
        assert 'status-published">ready' in tile(ready), ready
        assert "Connect" in tile(ready) and "needs setup" not in tile(ready)
    twitter = tile("twitter")
    assert "needs setup" in twitter and "Connect with" not in twitter
    assert (
        "<code>TWITTER_CLIENT_ID</code> and <code>TWITTER_CLIENT_SECRET</code>"
        in twitter
    )
    assert 'href="/docs/platforms/twitter"' in twitter
    # Ready tiles come before the ones waiting for the operator.
    assert html.index('id="connect-linkedin"') < html.index('id="connect-twitter"')


def test_platform_guides_are_served_for_declared_platforms_only(
    client: Client,
) -> None:
    for slug in ("bluesky", "mastodon"):
        response = client.get(reverse("docs-platform", args=[slug]))
        assert response.status_code == 200
        assert f"# {slug.title()}" in response.content.decode()
    assert client.get("/docs/platforms/..%2Fconfiguration").status_code == 404
    assert client.get(reverse("docs-platform", args=["myspace"])).status_code == 404

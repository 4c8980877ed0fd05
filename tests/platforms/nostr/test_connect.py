"""Connecting Nostr through `/v1/accounts/connect/nostr/complete`: a key and relays."""

from __future__ import annotations

from django.db import connection

from platforms.models import PlatformAccount
from tests.conftest import Persona, error_of, post_json
from tests.platforms.nostr.conftest import NSEC, PUBKEY, SECRET_HEX

COMPLETE = "/v1/accounts/connect/nostr/complete"


def test_the_descriptor_asks_for_a_private_key_and_relays(owner: Persona) -> None:
    body = post_json(owner.client, "/v1/accounts/connect/nostr", {}).json()
    assert body["platform"] == "nostr" and body["descriptor"]["kind"] == "credentials"
    fields = {f["name"]: f for f in body["descriptor"]["fields"]}
    assert list(fields) == ["privateKey", "relays"]
    assert fields["privateKey"]["type"] == "password"


def test_connect_keeps_the_key_encrypted_and_out_of_metadata(
    owner: Persona, relay_url: str
) -> None:
    response = post_json(
        owner.client,
        COMPLETE,
        {"privateKey": NSEC, "relays": [relay_url, relay_url + "/"]},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["platformAccountId"] == PUBKEY
    assert (
        SECRET_HEX not in response.content.decode()
        and NSEC not in response.content.decode()
    )
    account = PlatformAccount.objects.get(pk=body["id"])
    assert account.credentials == {"privateKey": SECRET_HEX}
    assert account.metadata["relays"] == [relay_url]  # normalized, deduplicated
    assert account.metadata["npub"].startswith("npub1")
    with connection.cursor() as cursor:  # encrypted at rest
        pk = PlatformAccount._meta.pk.get_db_prep_value(account.pk, connection)
        cursor.execute(
            "SELECT credentials FROM platforms_platformaccount WHERE id = %s", [pk]
        )
        (raw,) = cursor.fetchone()
    assert SECRET_HEX not in str(raw)


def test_relays_may_come_as_one_string_from_the_dashboard_form(
    owner: Persona, relay_url: str
) -> None:
    response = post_json(
        owner.client, COMPLETE, {"privateKey": SECRET_HEX, "relays": f" {relay_url} ,"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["platformAccountId"] == PUBKEY


def test_a_bad_key_is_refused_without_echoing_it(
    owner: Persona, relay_url: str
) -> None:
    bad = "nsec1" + "q" * 58
    response = post_json(
        owner.client, COMPLETE, {"privateKey": bad, "relays": [relay_url]}
    )
    error = error_of(response)
    assert (response.status_code, error["rule"]) == (400, "privateKey")
    assert bad not in response.content.decode()


def test_relays_must_be_websocket_addresses(owner: Persona) -> None:
    for relays in ([], ["https://relay.example.com"], "not a url"):
        response = post_json(
            owner.client, COMPLETE, {"privateKey": NSEC, "relays": relays}
        )
        assert error_of(response)["rule"] == "relays", relays


def test_a_loopback_relay_is_refused_unless_private_urls_are_allowed(
    owner: Persona, relay_url: str, settings
) -> None:
    settings.ALLOW_PRIVATE_URLS = False
    response = post_json(
        owner.client, COMPLETE, {"privateKey": NSEC, "relays": [relay_url]}
    )
    assert error_of(response)["rule"] == "url.private_address"
    assert not PlatformAccount.objects.filter(platform="nostr").exists()


def test_an_unreachable_relay_is_named(owner: Persona) -> None:
    from tests.e2e.upstreams import free_port

    dead = f"ws://127.0.0.1:{free_port()}"
    response = post_json(owner.client, COMPLETE, {"privateKey": NSEC, "relays": [dead]})
    error = error_of(response)
    assert error["rule"] == "relays" and dead in error["message"]


def test_the_dashboard_tile_and_form_connect_nostr(
    owner: Persona, relay_url: str
) -> None:
    from django.urls import reverse

    from tests.dashboard.conftest import signed_in

    client = signed_in(owner.user)
    page = client.get(reverse("platforms:accounts")).content.decode()
    assert 'id="connect-nostr"' in page and 'name="nostr-privateKey"' in page
    assert 'type="password"' in page
    response = client.post(
        reverse("platforms:connect", args=["nostr"]),
        {
            "nostr-profile": str(owner.profile.pk),
            "nostr-privateKey": NSEC,
            "nostr-relays": relay_url,
        },
    )
    assert response.status_code == 302
    account = PlatformAccount.objects.get(workspace=owner.workspace, platform="nostr")
    assert account.metadata["relays"] == [relay_url]

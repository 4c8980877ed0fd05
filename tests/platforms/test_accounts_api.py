"""`/v1/accounts`: connect the sandbox, list, read, disconnect (the post log survives)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accounts.services import create_profile
from letmepost.api.fields import format_datetime
from platforms.models import PlatformAccount
from posts.models import PostTarget
from tests.conftest import Persona, api_client, error_of, post_json
from tests.fixtures.reference_openapi import assert_matches_reference


def connect(client, handle: str = "demo", **extra) -> tuple[int, dict]:
    response = post_json(
        client, "/v1/accounts/connect/sandbox/complete", {"handle": handle, **extra}
    )
    return response.status_code, response.json()


def test_connect_then_reconnect_returns_the_same_account(owner: Persona) -> None:
    status, first = connect(owner.client)
    assert status == 201
    assert (first["platform"], first["platformAccountId"], first["profileId"]) == (
        "sandbox",
        "demo",
        str(owner.profile.pk),
    )
    status, again = connect(owner.client)
    assert status == 200 and again["id"] == first["id"]
    assert "credentials" not in first
    assert_matches_reference(first, "Account", our_platforms=True)
    # The platform blocks are absent (not null) on other platforms' accounts.
    assert "pinterest" not in first and "instagram" not in first
    assert_matches_reference(
        owner.client.get("/v1/accounts").json(),
        "AccountListResponse",
        our_platforms=True,
    )


def test_connect_descriptor_lists_the_credential_fields(owner: Persona) -> None:
    body = post_json(owner.client, "/v1/accounts/connect/sandbox", {}).json()
    assert body["descriptor"]["kind"] == "credentials"
    assert [f["name"] for f in body["descriptor"]["fields"]] == ["handle"]


def test_unknown_and_unavailable_platforms(owner: Persona) -> None:
    unknown = post_json(owner.client, "/v1/accounts/connect/myspace/complete", {})
    assert unknown.status_code == 400 and error_of(unknown)["rule"] == "platform"
    unavailable = post_json(owner.client, "/v1/accounts/connect/tiktok/complete", {})
    assert (
        unavailable.status_code == 403
        and error_of(unavailable)["code"] == "platform_not_enabled"
    )


def test_bad_handle_is_validation_failed(owner: Persona) -> None:
    status, body = connect(owner.client, handle="no spaces allowed")
    assert status == 400 and body["error"]["rule"] == "handle"


def test_list_get_and_scope(owner: Persona, outsider: Persona, key_factory) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand")
    _, default_account = connect(owner.client, "one")
    _, brand_account = connect(owner.client, "two", profileId=str(brand.pk))
    assert [a["id"] for a in owner.client.get("/v1/accounts").json()["data"]] == [
        default_account["id"],
        brand_account["id"],
    ]
    assert [
        a["id"]
        for a in owner.client.get(f"/v1/accounts?profileId={brand.pk}").json()["data"]
    ] == [brand_account["id"]]
    scoped = api_client(key_factory(profile=brand))
    assert [a["id"] for a in scoped.get("/v1/accounts").json()["data"]] == [
        brand_account["id"]
    ]
    assert scoped.get(f"/v1/accounts/{default_account['id']}").status_code == 404
    assert (
        outsider.client.get(f"/v1/accounts/{default_account['id']}").status_code == 404
    )
    assert owner.client.get("/v1/accounts/not-a-uuid").status_code == 404
    _, scoped_account = connect(scoped, "three")
    assert scoped_account["profileId"] == str(brand.pk)


def test_disconnect_keeps_the_log_and_cancels_queued_posts(owner: Persona) -> None:
    _, account = connect(owner.client)
    published = post_json(
        owner.client,
        "/v1/posts",
        {"targets": [{"accountId": account["id"]}], "text": "now"},
    ).json()
    later = format_datetime(datetime.now(UTC) + timedelta(hours=1))
    queued = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": account["id"]}],
            "text": "later",
            "scheduledAt": later,
        },
    ).json()
    assert owner.client.delete(f"/v1/accounts/{account['id']}").json() == {
        "id": account["id"],
        "deleted": True,
    }
    assert owner.client.get(f"/v1/accounts/{account['id']}").status_code == 404
    assert (
        PostTarget.objects.get(pk=queued["results"][0]["postId"]).status == "canceled"
    )
    assert (
        owner.client.get(f"/v1/posts/{published['results'][0]['postId']}").json()[
            "status"
        ]
        == "published"
    )
    assert PlatformAccount.objects.get(pk=account["id"]).credentials == {}
    status, _ = connect(owner.client)  # the same handle can be connected again
    assert status == 201


def test_a_profile_with_accounts_cannot_be_deleted(owner: Persona) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand")
    connect(owner.client, "b", profileId=str(brand.pk))
    response = owner.client.delete(f"/v1/profiles/{brand.pk}")
    assert (
        response.status_code == 409
        and error_of(response)["rule"] == "profile.delete.not_empty"
    )


def test_credentials_are_encrypted_at_rest(owner: Persona) -> None:
    from django.db import connection

    account = PlatformAccount.objects.create(
        workspace=owner.workspace,
        profile=owner.profile,
        platform="sandbox",
        external_id="enc",
        credentials={"app_password": "hunter2-secret"},
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT credentials FROM platforms_platformaccount WHERE id = %s",
            [account.pk.hex if connection.vendor == "sqlite" else account.pk],
        )
        raw = cursor.fetchone()[0]
    assert "hunter2" not in raw and raw.startswith("gAAAAA")
    assert PlatformAccount.objects.get(pk=account.pk).credentials == {
        "app_password": "hunter2-secret"
    }

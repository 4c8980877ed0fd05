"""`/v1/api-keys`: shown once, stored as a digest, scoped, revocable (issue: foundation §4)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.test import Client

from accounts.models import ApiKey, Profile, User
from accounts.services import create_profile
from tests.conftest import Persona, api_client, error_of

SECRET = re.compile(r"^lmp_(live|test)_[A-Za-z0-9_-]{32}$")


def create_key(client: Client, **body: object) -> tuple[int, dict]:
    response = client.post(
        "/v1/api-keys", data={"name": "ci", **body}, content_type="application/json"
    )
    return response.status_code, response.json()


def test_create_returns_the_secret_once_and_stores_only_its_digest(
    owner: Persona,
) -> None:
    status, body = create_key(owner.client, name="ci-publisher")
    assert status == 201
    assert SECRET.fullmatch(body["key"])
    assert body["prefix"] == "lmp_live_" and body["last4"] == body["key"][-4:]
    assert set(body) == {
        "id",
        "name",
        "prefix",
        "last4",
        "scopes",
        "profileId",
        "key",
        "createdAt",
    }
    row = ApiKey.objects.get(pk=body["id"])
    assert row.digest == hashlib.sha256(body["key"].encode()).hexdigest()
    stored = [
        str(v) for v in ApiKey.objects.filter(pk=body["id"]).values().get().values()
    ]
    assert not any(body["key"] in value for value in stored)
    listed = owner.client.get("/v1/api-keys").json()["data"]
    assert body["id"] in [k["id"] for k in listed]
    assert all("key" not in k for k in listed)


def test_the_new_key_authenticates(owner: Persona) -> None:
    _, body = create_key(owner.client)
    assert api_client(body["key"]).get("/v1/profiles").status_code == 200


def test_test_prefix_mints_a_test_key(owner: Persona) -> None:
    status, body = create_key(owner.client, prefix="lmp_test_")
    assert status == 201 and body["key"].startswith("lmp_test_")


def test_invalid_prefix_and_name_are_validation_failed(owner: Persona) -> None:
    status, body = create_key(owner.client, prefix="lmp_prod_")
    assert status == 400 and body["error"]["rule"] == "prefix"
    status, body = create_key(owner.client, name="x" * 101)
    assert status == 400 and body["error"]["rule"] == "name"


def test_revoke_stops_the_key_and_a_second_revoke_is_not_found(owner: Persona) -> None:
    _, body = create_key(owner.client)
    response = owner.client.delete(f"/v1/api-keys/{body['id']}")
    assert response.status_code == 200
    assert response.json()["id"] == body["id"] and response.json()[
        "revokedAt"
    ].endswith("Z")
    assert api_client(body["key"]).get("/v1/profiles").status_code == 401
    again = owner.client.delete(f"/v1/api-keys/{body['id']}")
    assert again.status_code == 404 and error_of(again)["code"] == "not_found"
    revoked = next(
        k
        for k in owner.client.get("/v1/api-keys").json()["data"]
        if k["id"] == body["id"]
    )
    assert revoked["revokedAt"] is not None


def test_another_workspaces_key_is_not_found(owner: Persona, outsider: Persona) -> None:
    theirs = ApiKey.objects.get(workspace=outsider.workspace)
    response = owner.client.delete(f"/v1/api-keys/{theirs.pk}")
    assert response.status_code == 404
    assert ApiKey.objects.get(pk=theirs.pk).revoked_at is None
    assert str(theirs.pk) not in [
        k["id"] for k in owner.client.get("/v1/api-keys").json()["data"]
    ]


def test_another_workspaces_profile_cannot_scope_a_key(
    owner: Persona, outsider: Persona
) -> None:
    status, body = create_key(owner.client, profileId=str(outsider.profile.pk))
    assert status == 404
    assert (body["error"]["code"], body["error"]["rule"]) == (
        "not_found",
        "profile.unknown",
    )


def test_a_scoped_key_sees_and_mints_only_its_profile(owner: Persona) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand")
    status, scoped = create_key(owner.client, profileId=str(brand.pk))
    assert status == 201 and scoped["profileId"] == str(brand.pk)
    scoped_client = api_client(scoped["key"])
    assert [k["id"] for k in scoped_client.get("/v1/api-keys").json()["data"]] == [
        scoped["id"]
    ]
    status, body = create_key(scoped_client)
    assert status == 403 and body["error"]["rule"] == "api_key.scope_forbidden"
    status, body = create_key(scoped_client, profileId=str(brand.pk))
    assert status == 201
    workspace_key = ApiKey.objects.get(
        workspace=owner.workspace, profile=None, name="fixture"
    )
    assert scoped_client.delete(f"/v1/api-keys/{workspace_key.pk}").status_code == 404


def test_a_test_key_cannot_mint_a_live_key(key_factory: Callable[..., str]) -> None:
    test_client = api_client(key_factory(prefix=ApiKey.Prefix.TEST))
    status, body = create_key(test_client)
    assert status == 403 and body["error"]["rule"] == "api_key.livemode"
    status, _ = create_key(test_client, prefix="lmp_test_")
    assert status == 201


def test_a_member_session_cannot_manage_keys(owner: Persona, member: User) -> None:
    browser = Client()
    browser.force_login(member)
    status, body = create_key(browser)
    assert status == 403 and body["error"]["code"] == "unauthorized"
    assert browser.get("/v1/api-keys").status_code == 200


def test_an_admin_session_creates_a_key_attributed_to_them(owner: Persona) -> None:
    browser = Client()
    browser.force_login(owner.user)
    status, body = create_key(browser)
    assert status == 201
    assert ApiKey.objects.get(pk=body["id"]).created_by == owner.user
    assert Profile.objects.filter(workspace=owner.workspace).count() == 1

"""`/v1/profiles` CRUD with keys and sessions; scope and tenant isolation (D14)."""

from __future__ import annotations

from django.test import Client

from accounts.models import User
from accounts.services import create_profile
from tests.conftest import Persona, api_client, error_of


def post(client: Client, body: dict) -> tuple[int, dict]:
    response = client.post("/v1/profiles", data=body, content_type="application/json")
    return response.status_code, response.json()


def test_create_list_get_update_delete(owner: Persona) -> None:
    status, created = post(owner.client, {"name": "  Acme Coffee  "})
    assert status == 201
    assert (created["name"], created["slug"]) == ("Acme Coffee", "acme-coffee")
    assert created["createdAt"].endswith("Z") and len(created["createdAt"]) == 24
    ids = [p["id"] for p in owner.client.get("/v1/profiles").json()["data"]]
    assert ids == [str(owner.profile.pk), created["id"]]
    assert (
        owner.client.get(f"/v1/profiles/{created['id']}").json()["slug"]
        == "acme-coffee"
    )
    patched = owner.client.patch(
        f"/v1/profiles/{created['id']}",
        data={"slug": "acme"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["slug"] == "acme"
    deleted = owner.client.delete(f"/v1/profiles/{created['id']}")
    assert deleted.json() == {"id": created["id"], "deleted": True}
    assert owner.client.get(f"/v1/profiles/{created['id']}").status_code == 404


def test_duplicate_slug_is_409(owner: Persona) -> None:
    post(owner.client, {"name": "Shop", "slug": "shop"})
    status, body = post(owner.client, {"name": "Other", "slug": "shop"})
    assert status == 409
    assert (body["error"]["code"], body["error"]["rule"]) == (
        "validation_failed",
        "profile.slug.unique",
    )


def test_bad_slug_and_empty_patch_are_rejected(owner: Persona) -> None:
    status, body = post(owner.client, {"name": "Shop", "slug": "Not OK"})
    assert status == 400 and body["error"]["rule"] == "slug"
    response = owner.client.patch(
        f"/v1/profiles/{owner.profile.pk}", data={}, content_type="application/json"
    )
    assert response.status_code == 400


def test_the_default_profile_cannot_be_deleted_or_reslugged(owner: Persona) -> None:
    response = owner.client.delete(f"/v1/profiles/{owner.profile.pk}")
    assert (
        response.status_code == 409
        and error_of(response)["rule"] == "profile.delete.default"
    )
    response = owner.client.patch(
        f"/v1/profiles/{owner.profile.pk}",
        data={"slug": "main"},
        content_type="application/json",
    )
    assert (
        response.status_code == 409
        and error_of(response)["rule"] == "profile.slug.default"
    )


def test_another_workspaces_profile_is_not_found_everywhere(
    owner: Persona, outsider: Persona
) -> None:
    theirs = f"/v1/profiles/{outsider.profile.pk}"
    assert owner.client.get(theirs).status_code == 404
    patch = owner.client.patch(
        theirs, data={"name": "Mine"}, content_type="application/json"
    )
    assert patch.status_code == 404
    assert owner.client.delete(theirs).status_code == 404
    outsider.profile.refresh_from_db()
    assert outsider.profile.name == "Default"


def test_a_scoped_key_sees_only_its_profile_and_cannot_create(
    owner: Persona, key_factory
) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand")
    scoped = api_client(key_factory(profile=brand))
    assert [p["id"] for p in scoped.get("/v1/profiles").json()["data"]] == [
        str(brand.pk)
    ]
    other = scoped.get(f"/v1/profiles/{owner.profile.pk}")
    assert (
        other.status_code == 404 and error_of(other)["rule"] == "api_key.profile_scope"
    )
    status, body = post(scoped, {"name": "New"})
    assert status == 403 and body["error"]["rule"] == "api_key.scope_forbidden"


def test_members_read_but_do_not_change_profiles(owner: Persona, member: User) -> None:
    browser = Client()
    browser.force_login(member)
    assert browser.get("/v1/profiles").status_code == 200
    status, body = post(browser, {"name": "Nope"})
    assert status == 403 and body["error"]["rule"] == "membership.role"

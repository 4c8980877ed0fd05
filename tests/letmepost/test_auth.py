"""Who may call the API: keys, revoked keys, malformed headers and sessions."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import ApiKey
from accounts.services import revoke_api_key
from tests.conftest import Persona, api_client, error_of


def test_no_credentials_is_401_unauthenticated(client: Client, db: None) -> None:
    response = client.get("/v1/profiles")
    assert response.status_code == 401
    error = error_of(response)
    assert error["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer lmp_live_" + "x" * 32,  # well-formed, unknown
        "Bearer lmp_live_short",
        "Bearer lmp_prod_" + "x" * 32,
        "Basic dXNlcjpwYXNz",
        "lmp_live_" + "x" * 32,  # no scheme
    ],
)
def test_bad_credentials_are_401(owner: Persona, header: str) -> None:
    response = Client(HTTP_AUTHORIZATION=header).get("/v1/profiles")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"


def test_a_key_that_differs_in_one_character_is_refused(owner: Persona) -> None:
    tampered = owner.key[:-1] + ("A" if owner.key[-1] != "A" else "B")
    assert api_client(tampered).get("/v1/profiles").status_code == 401


def test_a_revoked_key_stops_working_at_once(owner: Persona) -> None:
    assert owner.client.get("/v1/profiles").status_code == 200
    revoke_api_key(api_key=ApiKey.objects.get(workspace=owner.workspace))
    response = owner.client.get("/v1/profiles")
    assert response.status_code == 401
    assert error_of(response)["message"] == "API key is invalid or revoked."


def test_a_key_records_when_it_was_last_used(owner: Persona) -> None:
    assert ApiKey.objects.get(workspace=owner.workspace).last_used_at is None
    owner.client.get("/v1/profiles")
    assert ApiKey.objects.get(workspace=owner.workspace).last_used_at is not None


def test_a_bad_key_does_not_break_public_endpoints(db: None) -> None:
    broken = Client(HTTP_AUTHORIZATION="Bearer nonsense")
    assert broken.get("/health").status_code == 200
    assert broken.get("/v1/openapi.json").status_code == 200


def test_a_signed_in_session_reads_its_workspace(owner: Persona) -> None:
    browser = Client()
    browser.force_login(owner.user)
    response = browser.get("/v1/profiles")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["data"]] == [str(owner.profile.pk)]


def test_a_session_write_needs_the_csrf_token(owner: Persona) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner.user)
    response = browser.post(
        "/v1/profiles", data={"name": "Shop"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert (error_of(response)["code"], error_of(response)["rule"]) == (
        "unauthorized",
        "csrf",
    )
    assert owner.workspace.profiles.count() == 1

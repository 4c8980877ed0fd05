"""Connecting DEV with an API key (Forem has no OAuth for third-party apps)."""

from __future__ import annotations

from django.urls import reverse

from platforms.models import PlatformAccount
from tests.conftest import Persona, error_of, post_json
from tests.dashboard.conftest import signed_in
from tests.platforms.at_rest import stored_credentials
from tests.platforms.devto.conftest import API_KEY, api, payload, sent

COMPLETE = "/v1/accounts/connect/devto/complete"


def test_the_descriptor_asks_for_an_api_key_and_an_optional_instance(
    owner: Persona,
) -> None:
    body = post_json(owner.client, "/v1/accounts/connect/devto", {}).json()
    assert body["descriptor"]["kind"] == "credentials"
    fields = {f["name"]: f for f in body["descriptor"]["fields"]}
    assert list(fields) == ["apiKey", "instanceUrl"]
    assert fields["apiKey"]["type"] == "password" and fields["apiKey"]["required"]
    assert not fields["instanceUrl"]["required"]


def test_a_key_is_checked_with_users_me_and_stored_encrypted(
    owner: Persona, upstream
) -> None:
    upstream.get(api("/users/me"), json=payload("user_me"))
    response = post_json(owner.client, COMPLETE, {"apiKey": f" {API_KEY} "})
    assert response.status_code == 201, response.json()
    assert response.json()["displayName"] == "@username480"
    assert sent(upstream.calls[0]) == {}
    account = PlatformAccount.objects.get()
    assert account.external_id == "1431@dev.to"
    assert account.metadata == {
        "instanceUrl": "https://dev.to",
        "userId": 1431,
        "username": "username480",
    }
    assert account.credentials == {"apiKey": API_KEY}
    assert API_KEY not in stored_credentials(account)


def test_another_forem_instance_is_called_at_its_own_address(
    owner: Persona, upstream
) -> None:
    upstream.get("https://community.example/api/users/me", json=payload("user_me"))
    body = {"apiKey": API_KEY, "instanceUrl": "community.example"}
    assert post_json(owner.client, COMPLETE, body).status_code == 201
    account = PlatformAccount.objects.get()
    assert account.metadata["instanceUrl"] == "https://community.example"
    assert account.external_id == "1431@community.example"


def test_a_refused_key_is_auth_failed_and_nothing_is_stored(
    owner: Persona, upstream
) -> None:
    upstream.get(
        api("/users/me"), status=401, json={"error": "unauthorized", "status": 401}
    )
    response = post_json(owner.client, COMPLETE, {"apiKey": "wrong"})
    assert response.status_code == 401
    error = error_of(response)
    assert error["code"] == "platform_auth_failed" and error["platform"] == "devto"
    assert "wrong" not in str(response.json())
    assert not PlatformAccount.objects.exists()


def test_a_missing_key_is_refused_before_any_call(owner: Persona, upstream) -> None:
    response = post_json(owner.client, COMPLETE, {"apiKey": " "})
    assert response.status_code == 400
    assert error_of(response)["rule"] == "apiKey"


def test_the_dashboard_form_connects_a_key(owner: Persona, upstream) -> None:
    upstream.get(api("/users/me"), json=payload("user_me"))
    response = signed_in(owner.user).post(
        reverse("platforms:connect", args=["devto"]),
        {"devto-profile": str(owner.profile.pk), "devto-apiKey": API_KEY},
    )
    assert response.status_code == 302
    assert PlatformAccount.objects.get().display_name == "@username480"

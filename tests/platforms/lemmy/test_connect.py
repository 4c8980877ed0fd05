"""Connecting Lemmy through `/v1/accounts/connect/lemmy/complete`: instance, username, password."""

from __future__ import annotations

from platforms.models import PlatformAccount
from tests.conftest import Persona, error_of, post_json
from tests.platforms.lemmy.conftest import JWT, api, checked, payload

COMPLETE = "/v1/accounts/connect/lemmy/complete"


def test_the_descriptor_asks_for_instance_username_and_password(owner: Persona) -> None:
    body = post_json(owner.client, "/v1/accounts/connect/lemmy", {}).json()
    fields = {f["name"]: f for f in body["descriptor"]["fields"]}
    assert list(fields) == ["instanceUrl", "username", "password"]
    assert fields["password"]["type"] == "password"


def test_connect_logs_in_and_keeps_the_jwt_and_password_encrypted(
    owner: Persona, upstream
) -> None:
    upstream.post(api("/api/v3/user/login"), json=payload("login"))
    upstream.get(api("/api/v3/site"), json=payload("site"))
    response = post_json(
        owner.client,
        COMPLETE,
        {"instanceUrl": "Lemmy.Example/", "username": "alice", "password": "hunter22"},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["platformAccountId"], body["displayName"]) == (
        "42@lemmy.example",
        "@alice@lemmy.example",
    )
    assert checked(upstream.calls[0]) == {
        "username_or_email": "alice",
        "password": "hunter22",
    }
    assert upstream.calls[1].request.headers["Authorization"] == f"Bearer {JWT}"
    account = PlatformAccount.objects.get(pk=body["id"])
    assert account.credentials == {
        "jwt": JWT,
        "username": "alice",
        "password": "hunter22",
    }
    assert account.metadata["instanceUrl"] == "https://lemmy.example"
    assert "hunter22" not in response.content.decode()


def test_a_wrong_password_is_an_auth_failure(owner: Persona, upstream) -> None:
    upstream.post(
        api("/api/v3/user/login"), status=400, json={"error": "incorrect_login"}
    )
    response = post_json(
        owner.client,
        COMPLETE,
        {
            "instanceUrl": "https://lemmy.example",
            "username": "alice",
            "password": "nope",
        },
    )
    assert error_of(response)["code"] == "platform_auth_failed"


def test_a_pending_registration_is_explained(owner: Persona, upstream) -> None:
    upstream.post(
        api("/api/v3/user/login"),
        json={"registration_created": True, "verify_email_sent": False},
    )
    response = post_json(
        owner.client,
        COMPLETE,
        {"instanceUrl": "https://lemmy.example", "username": "bob", "password": "pw"},
    )
    error = error_of(response)
    assert error["code"] == "platform_auth_failed" and "pending" in error["message"]


def test_the_instance_must_be_https_and_public(owner: Persona) -> None:
    plain = post_json(
        owner.client,
        COMPLETE,
        {"instanceUrl": "http://lemmy.example", "username": "a", "password": "b"},
    )
    assert error_of(plain)["rule"] == "instanceUrl"
    private = post_json(
        owner.client,
        COMPLETE,
        {"instanceUrl": "https://127.0.0.1", "username": "a", "password": "b"},
    )
    assert error_of(private)["rule"] == "url.private_address"


def test_the_dashboard_tile_and_form_connect_lemmy(owner: Persona, upstream) -> None:
    from django.urls import reverse

    from tests.dashboard.conftest import signed_in

    client = signed_in(owner.user)
    page = client.get(reverse("platforms:accounts")).content.decode()
    assert 'id="connect-lemmy"' in page and 'name="lemmy-instanceUrl"' in page
    upstream.post(api("/api/v3/user/login"), json=payload("login"))
    upstream.get(api("/api/v3/site"), json=payload("site"))
    response = client.post(
        reverse("platforms:connect", args=["lemmy"]),
        {
            "lemmy-profile": str(owner.profile.pk),
            "lemmy-instanceUrl": "https://lemmy.example",
            "lemmy-username": "alice",
            "lemmy-password": "hunter22",
        },
    )
    assert response.status_code == 302
    assert PlatformAccount.objects.filter(platform="lemmy").count() == 1

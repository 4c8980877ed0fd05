"""Connecting Bluesky with an app password through `/v1/accounts/connect/bluesky/complete`."""

from __future__ import annotations

import json

import requests
from django.db import connection

from platforms.models import PlatformAccount
from tests.conftest import Persona, error_of, post_json
from tests.platforms.bluesky.conftest import DID, HANDLE, PDS, session_body, xrpc
from tests.platforms.bluesky.lexicon import errors_in_input

COMPLETE = "/v1/accounts/connect/bluesky/complete"


def test_the_descriptor_asks_for_identifier_app_password_and_pds(
    owner: Persona,
) -> None:
    body = post_json(owner.client, "/v1/accounts/connect/bluesky", {}).json()
    assert body["platform"] == "bluesky" and body["descriptor"]["kind"] == "credentials"
    fields = {f["name"]: f for f in body["descriptor"]["fields"]}
    assert list(fields) == ["identifier", "appPassword", "pdsUrl"]
    assert fields["appPassword"]["type"] == "password"
    assert fields["pdsUrl"] == {**fields["pdsUrl"], "type": "url", "required": False}


def test_connect_stores_the_session_encrypted_and_the_did_as_account_id(
    owner: Persona, upstream
) -> None:
    session = session_body()
    upstream.post(xrpc("com.atproto.server.createSession"), json=session)
    response = post_json(
        owner.client,
        COMPLETE,
        {
            "identifier": f"@{HANDLE.upper()}",
            "appPassword": "abcd-efgh-ijkl-mnop",
            "pdsUrl": PDS,
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["platformAccountId"], body["displayName"]) == (DID, HANDLE)
    assert body["tokenExpiresAt"]
    sent = json.loads(upstream.calls[0].request.body)
    assert sent == {"identifier": HANDLE, "password": "abcd-efgh-ijkl-mnop"}
    assert errors_in_input("com.atproto.server.createSession", sent) == []
    account = PlatformAccount.objects.get(pk=body["id"])
    assert account.credentials["accessJwt"] == session["accessJwt"]
    assert account.metadata == {
        "did": DID,
        "handle": HANDLE,
        "pdsUrl": PDS,
        "serviceUrl": PDS,
    }
    with connection.cursor() as cursor:  # encrypted at rest
        pk = PlatformAccount._meta.pk.get_db_prep_value(account.pk, connection)
        cursor.execute(
            "SELECT credentials FROM platforms_platformaccount WHERE id = %s", [pk]
        )
        (stored,) = cursor.fetchone()
    assert "abcd-efgh" not in stored and "accessJwt" not in stored
    again = post_json(
        owner.client,
        COMPLETE,
        {"identifier": DID, "appPassword": "abcd-efgh-ijkl-mnop", "pdsUrl": PDS},
    )
    assert again.status_code == 200 and again.json()["id"] == body["id"]


def test_an_empty_pds_url_means_bsky_social(owner: Persona, upstream) -> None:
    upstream.post(
        xrpc("com.atproto.server.createSession", "https://bsky.social"),
        json=session_body(),
    )
    response = post_json(
        owner.client,
        COMPLETE,
        {"identifier": HANDLE, "appPassword": "abcd-efgh-ijkl-mnop", "pdsUrl": ""},
    )
    assert response.status_code == 201
    # the session's DID document names the account's own PDS: that is where we publish
    assert PlatformAccount.objects.get().metadata["pdsUrl"] == PDS


def test_a_wrong_password_is_platform_auth_failed_with_the_upstream_body(
    owner: Persona, upstream
) -> None:
    refused = {
        "error": "AuthenticationRequired",
        "message": "Invalid identifier or password",
    }
    upstream.post(xrpc("com.atproto.server.createSession"), status=401, json=refused)
    response = post_json(
        owner.client,
        COMPLETE,
        {"identifier": HANDLE, "appPassword": "wrong-pass-word", "pdsUrl": PDS},
    )
    error = error_of(response)
    assert response.status_code == 401
    assert error["code"] == "platform_auth_failed"
    assert error["platformResponse"] == refused
    assert (error["platform"], error["platformVersion"]) == ("bluesky", "atproto")
    assert not PlatformAccount.objects.exists()


def test_an_unreachable_pds_is_platform_unavailable(owner: Persona, upstream) -> None:
    upstream.post(
        xrpc("com.atproto.server.createSession"),
        body=requests.ConnectionError("Connection refused"),
    )
    response = post_json(
        owner.client,
        COMPLETE,
        {"identifier": HANDLE, "appPassword": "abcd-efgh-ijkl-mnop", "pdsUrl": PDS},
    )
    error = error_of(response)
    assert (response.status_code, error["code"]) == (503, "platform_unavailable")
    assert error["platformResponse"]["error"] == "ConnectionError"


def test_a_pds_answering_5xx_is_platform_unavailable_with_its_raw_answer(
    owner: Persona, upstream
) -> None:
    upstream.post(
        xrpc("com.atproto.server.createSession"), status=502, body="Bad Gateway"
    )
    response = post_json(
        owner.client,
        COMPLETE,
        {"identifier": HANDLE, "appPassword": "abcd-efgh-ijkl-mnop", "pdsUrl": PDS},
    )
    error = error_of(response)
    assert (error["code"], error["platformResponse"]) == (
        "platform_unavailable",
        "Bad Gateway",
    )


def test_bad_identifiers_and_passwords_are_validation_rules(owner: Persona) -> None:
    cases = [
        (
            {"identifier": "not a handle!", "appPassword": "abcd-efgh-ijkl-mnop"},
            "identifier",
        ),
        ({"identifier": "", "appPassword": "abcd-efgh-ijkl-mnop"}, "identifier"),
        (
            {"identifier": "did:plc:", "appPassword": "abcd-efgh-ijkl-mnop"},
            "identifier",
        ),
        ({"identifier": HANDLE}, "appPassword"),
        ({"identifier": HANDLE, "appPassword": "HUNTER2"}, "appPassword"),
        (
            {
                "identifier": HANDLE,
                "appPassword": "abcd-efgh-ijkl-mnop",
                "pdsUrl": "ftp://x",
            },
            "pdsUrl",
        ),
        (
            {
                "identifier": HANDLE,
                "appPassword": "abcd-efgh-ijkl-mnop",
                "pdsUrl": "http://pds.example.com",
            },
            "pdsUrl",
        ),
    ]
    for payload, rule in cases:
        response = post_json(owner.client, COMPLETE, payload)
        assert (response.status_code, error_of(response)["rule"]) == (400, rule), (
            payload
        )


def test_plain_http_pds_is_allowed_only_with_private_urls(
    owner: Persona, upstream, settings
) -> None:
    settings.ALLOW_PRIVATE_URLS = True
    upstream.post(
        xrpc("com.atproto.server.createSession", "http://pds.example.com"),
        json={**session_body(), "didDoc": None},
    )
    response = post_json(
        owner.client,
        COMPLETE,
        {
            "identifier": HANDLE,
            "appPassword": "abcd-efgh-ijkl-mnop",
            "pdsUrl": "http://pds.example.com/",
        },
    )
    assert response.status_code == 201
    assert PlatformAccount.objects.get().metadata["pdsUrl"] == "http://pds.example.com"


def test_outsiders_cannot_see_the_account(
    owner: Persona, outsider: Persona, upstream
) -> None:
    upstream.post(xrpc("com.atproto.server.createSession"), json=session_body())
    account = post_json(
        owner.client,
        COMPLETE,
        {"identifier": HANDLE, "appPassword": "abcd-efgh-ijkl-mnop", "pdsUrl": PDS},
    ).json()
    assert outsider.client.get(f"/v1/accounts/{account['id']}").status_code == 404

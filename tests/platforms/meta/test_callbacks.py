"""Meta's deauthorize and data-deletion callbacks, with signed requests built as Meta documents.

developers.facebook.com/docs/development/create-an-app/app-dashboard/data-deletion-callback:
`signed_request` = base64url(HMAC-SHA256 of the encoded payload, app secret) "." base64url(JSON
payload with `algorithm`, `issued_at`, `user_id`), form-encoded, no padding.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from platforms.base import ConnectedAccount
from platforms.models import PlatformAccount
from platforms.services import store_connected
from posts.models import PostTarget
from tests.conftest import Persona, error_of, post_json

SECRETS = {
    "facebook": "fb-app-secret-0123",
    "instagram": "ig-app-secret-4567",
    "threads": "threads-app-secret-89ab",
}
PERSON = "10158000000000001"  # the app-scoped id Meta sends
OTHER = "10158000000000002"

pytestmark = pytest.mark.django_db


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def signed(
    secret: str, user_id: str = PERSON, algorithm: str = "HMAC-SHA256", **extra: Any
) -> str:
    payload = b64(
        json.dumps(
            {"algorithm": algorithm, "issued_at": 1765000000, "user_id": user_id}
            | extra
        ).encode()
    )
    sig = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()
    return f"{b64(sig)}.{payload}"


@pytest.fixture
def client() -> Client:
    """Meta posts without a CSRF token: the callbacks must not need one."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture(autouse=True)
def meta_apps(settings) -> None:
    settings.OAUTH_CLIENTS = {
        **settings.OAUTH_CLIENTS,
        **{p: {"client_id": f"{p}-id", "client_secret": s} for p, s in SECRETS.items()},
    }


@pytest.fixture
def listening(owner: Persona, settings) -> None:
    from webhooks.services import create_endpoint

    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_REQUIRE_HTTPS = False
    create_endpoint(workspace=owner.workspace, url="http://127.0.0.1:9/all", events=[])


def connect(
    persona: Persona, platform: str, external_id: str, user_id: str = ""
) -> PlatformAccount:
    metadata = {"userId": user_id} if user_id else {}
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform=platform,
        connected=ConnectedAccount(
            external_id=external_id,
            display_name=f"@{platform}-{external_id}",
            credentials={"accessToken": f"token-{external_id}"},
            metadata=metadata,
        ),
    )
    return account


def schedule(persona: Persona, account: PlatformAccount) -> PostTarget:
    response = post_json(
        persona.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": "hello",
            "scheduledAt": (timezone.now() + timedelta(hours=1)).isoformat(),
        },
    )
    assert response.status_code == 202, response.json()
    return PostTarget.objects.get(account=account)


def call(client, path: str, signed_request: str | None) -> Any:
    data = {} if signed_request is None else {"signed_request": signed_request}
    return client.post(path, data)


@pytest.fixture
def page(owner: Persona) -> PlatformAccount:
    return connect(owner, "facebook", "104528331234567", user_id=PERSON)


def test_deauthorize_disconnects_the_persons_pages_cancels_and_notifies(
    client, owner: Persona, outsider: Persona, page: PlatformAccount, listening
) -> None:
    from webhooks.models import WebhookEvent

    target = schedule(owner, page)
    same_person_elsewhere = connect(outsider, "facebook", "109876543210987", PERSON)
    someone_else = connect(outsider, "facebook", "100000000000003", OTHER)
    # Same id string, other app (Instagram has its own app and secret): not this request's.
    other_app = connect(owner, "instagram", PERSON)

    response = call(client, "/deauth/meta/facebook", signed(SECRETS["facebook"]))

    assert response.status_code == 200
    live = PlatformAccount.objects.filter(deleted_at__isnull=True)
    assert set(live) == {someone_else, other_app}
    assert not PlatformAccount.objects.get(pk=same_person_elsewhere.pk).credentials
    target.refresh_from_db()
    assert (target.status, target.error["rule"]) == ("canceled", "account.disconnected")
    revoked = [
        json.loads(e.body)["data"]
        for e in WebhookEvent.objects.filter(type="token.revoked")
    ]
    assert {(d["accountId"], d["reason"]) for d in revoked} == {
        (str(page.pk), "revoked_upstream"),
        (str(same_person_elsewhere.pk), "revoked_upstream"),
    }
    assert WebhookEvent.objects.filter(type="post.canceled").count() == 1

    again = call(client, "/deauth/meta/facebook", signed(SECRETS["facebook"]))
    assert again.status_code == 200
    assert WebhookEvent.objects.filter(type="token.revoked").count() == 2


@pytest.mark.parametrize(
    "signed_request",
    [
        pytest.param(
            signed(SECRETS["facebook"]).split(".")[0]
            + "."
            + b64(json.dumps({"algorithm": "HMAC-SHA256", "user_id": OTHER}).encode()),
            id="tampered-payload",
        ),
        pytest.param(signed(SECRETS["threads"]), id="another-apps-secret"),
        pytest.param(
            signed(SECRETS["facebook"], algorithm="HMAC-SHA1"), id="algorithm"
        ),
        pytest.param("not-base64!.", id="garbage"),
        pytest.param(signed(SECRETS["facebook"]).split(".")[1], id="no-signature"),
    ],
)
@pytest.mark.parametrize(
    "path", ["/deauth/meta/facebook", "/data-deletion/meta/facebook"]
)
def test_a_bad_signed_request_is_refused_and_changes_nothing(
    client, page: PlatformAccount, path: str, signed_request: str
) -> None:
    response = call(client, path, signed_request)
    assert response.status_code == 401
    error = error_of(response)
    assert (error["code"], error["rule"]) == ("unauthenticated", "signed_request")
    page.refresh_from_db()
    assert page.deleted_at is None and page.credentials


def test_a_missing_signed_request_is_a_validation_error(client) -> None:
    response = call(client, "/data-deletion/meta/threads", None)
    assert response.status_code == 400
    assert error_of(response)["rule"] == "signed_request"


def test_an_app_without_a_secret_answers_platform_not_enabled(client, settings) -> None:
    settings.OAUTH_CLIENTS = {**settings.OAUTH_CLIENTS, "threads": {}}
    response = call(client, "/deauth/meta/threads", signed(SECRETS["threads"]))
    assert response.status_code == 403
    assert error_of(response)["code"] == "platform_not_enabled"


def test_an_unknown_platform_is_not_found(client) -> None:
    response = call(client, "/deauth/meta/tiktok", signed(SECRETS["facebook"]))
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_data_deletion_erases_the_person_and_answers_metas_shape(
    client, owner: Persona, settings
) -> None:
    account = connect(owner, "threads", PERSON, user_id=PERSON)
    kept = connect(owner, "threads", OTHER, user_id=OTHER)

    response = call(client, "/data-deletion/meta/threads", signed(SECRETS["threads"]))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"url", "confirmation_code"}
    code = body["confirmation_code"]
    assert body["url"] == f"{settings.PUBLIC_URL}/data-deletion/status?code={code}"
    account.refresh_from_db()
    assert account.deleted_at is not None
    assert PERSON not in (account.external_id + account.display_name)
    assert (account.credentials, account.metadata) == ({}, {"erased": True})
    kept.refresh_from_db()
    assert (kept.external_id, kept.deleted_at) == (OTHER, None)

    page = client.get(f"/data-deletion/status?code={code}")
    assert page.status_code == 200
    assert "completed" in page.content.decode()
    assert "1 connected account was disconnected" in page.content.decode()


def test_deletion_after_deauthorize_still_erases_the_disconnected_account(
    client, page: PlatformAccount
) -> None:
    deauth = call(client, "/deauth/meta/facebook", signed(SECRETS["facebook"]))
    assert deauth.status_code == 200
    response = call(client, "/data-deletion/meta/facebook", signed(SECRETS["facebook"]))
    assert response.status_code == 200
    page.refresh_from_db()
    assert page.metadata == {"erased": True}
    assert page.display_name == "Erased account"


def test_an_unknown_person_still_gets_a_code_and_a_status_page(client) -> None:
    # Meta expects the {url, confirmation_code} answer for every request it sends.
    response = call(
        client, "/data-deletion/meta/instagram", signed(SECRETS["instagram"])
    )
    assert response.status_code == 200
    page = client.get(response.json()["url"])
    assert page.status_code == 200
    assert "held no data about you" in page.content.decode()


def test_an_unknown_code_has_no_status(client) -> None:
    page = client.get("/data-deletion/status?code=0123456789abcdef")
    assert page.status_code == 404
    assert "No data deletion request" in page.content.decode()


def test_the_reference_path_finds_the_app_by_its_secret(client, owner: Persona) -> None:
    instagram = connect(owner, "instagram", PERSON)
    threads = connect(owner, "threads", PERSON)
    response = call(client, "/deauth/meta", signed(SECRETS["instagram"]))
    assert response.status_code == 200
    instagram.refresh_from_db()
    threads.refresh_from_db()
    assert instagram.deleted_at is not None
    assert threads.deleted_at is None


def test_the_signed_request_is_never_logged(client, caplog) -> None:
    bad = signed("not-the-secret")
    good = signed(SECRETS["facebook"])
    with caplog.at_level(logging.DEBUG):
        call(client, "/deauth/meta/facebook", bad)
        call(client, "/data-deletion/meta/facebook", good)
    for value in (bad, good, bad.split(".")[0], good.split(".")[1]):
        assert value not in caplog.text

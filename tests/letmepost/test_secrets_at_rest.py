"""No secret is stored readable: every table is dumped after the flows that hand secrets out.

The flows run through the HTTP API with an `Idempotency-Key`, as the SDKs send on every write, so
the stored replays are covered too (issue #15, point 1).
"""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import responses
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt as mfa_decrypt
from cryptography.fernet import Fernet
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from letmepost.models import IdempotencyRecord
from platforms.models import MastodonApp, PlatformAccount
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget, PublishAttempt
from tests.conftest import Persona, post_json
from tests.letmepost.test_boot import COMMAND_TIMEOUT, REPO, boot_env
from tests.platforms.bluesky.conftest import PDS, session_body, xrpc
from tests.platforms.mastodon.conftest import api, payload
from webhooks.models import WebhookDelivery

APP_PASSWORD = "abcd-efgh-ijkl-mnop"


def idempotent(persona: Persona, path: str, body: dict[str, Any]) -> Any:
    response = post_json(
        persona.client, path, body, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    assert response.status_code in (200, 201, 202), response.content
    return response.json()


def dump_database() -> str:
    """Every value of every row of every table, stringified (bytes and JSON included)."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                chunks.extend(_text(value) for value in row)
    return "\n".join(chunks)


def _text(value: Any) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def connect_bluesky(persona: Persona) -> list[str]:
    session = session_body()
    with responses.RequestsMock(assert_all_requests_are_fired=True) as upstream:
        upstream.post(xrpc("com.atproto.server.createSession"), json=session)
        idempotent(
            persona,
            "/v1/accounts/connect/bluesky/complete",
            {
                "identifier": "alice.bsky.social",
                "appPassword": APP_PASSWORD,
                "pdsUrl": PDS,
            },
        )
    return [APP_PASSWORD, session["accessJwt"], session["refreshJwt"]]


def connect_mastodon(persona: Persona) -> list[str]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as upstream:
        upstream.get(api("/api/v2/instance"), json=payload("instance_v2"))
        upstream.post(api("/api/v1/apps"), json=payload("app"))
        started = idempotent(
            persona,
            "/v1/accounts/connect/mastodon",
            {"instanceUrl": "https://mastodon.example"},
        )
        upstream.post(api("/oauth/token"), json=payload("token"))
        upstream.get(
            api("/api/v1/accounts/verify_credentials"),
            json=payload("verify_credentials"),
        )
        upstream.get(api("/api/v2/instance"), json=payload("instance_v2"))
        callback = persona.client.get(
            "/v1/accounts/oauth/mastodon/callback",
            {"code": "the-code", "state": started["descriptor"]["state"]},
        )
        assert callback.status_code == 302, callback.content
    return [payload("token")["access_token"], payload("app")["client_secret"]]


def publish_to_mastodon(persona: Persona) -> None:
    """Publish through the engine, so attempts, the outbox and deliveries have rows."""
    account = PlatformAccount.objects.get(platform="mastodon")
    later = timezone.now() + timedelta(hours=1)
    idempotent(
        persona,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": "hello",
            "scheduledAt": later.isoformat(),
        },
    )
    PostTarget.objects.update(due_at=timezone.now())
    with responses.RequestsMock(assert_all_requests_are_fired=True) as upstream:
        upstream.post(api("/api/v1/statuses"), json=payload("status"))
        (claim,) = claim_due()
        assert publish_claimed(claim) == "published"


def activate_totp(persona: Persona) -> list[str]:
    """Turn on two-factor sign-in in the dashboard; return the TOTP and recovery-code seeds."""
    browser = Client()
    browser.force_login(persona.user)
    browser.post("/accounts/reauthenticate/", {"password": "correct-horse-battery"})
    secret = browser.get("/accounts/2fa/totp/activate/").context["form"].secret
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    activated = browser.post("/accounts/2fa/totp/activate/", {"code": code})
    assert activated.status_code == 302, activated.content
    recovery = Authenticator.objects.get(
        user=persona.user, type=Authenticator.Type.RECOVERY_CODES
    )
    return [secret, mfa_decrypt(recovery.data["seed"])]


def test_no_secret_handed_out_through_the_api_is_stored_readable(
    owner: Persona, settings
) -> None:
    settings.MFA_TOTP_TOLERANCE = 1  # a code made at a 30 s boundary still counts
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_REQUIRE_HTTPS = False
    key = idempotent(owner, "/v1/api-keys", {"name": "ci"})["key"]
    endpoint = idempotent(
        owner, "/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/hook"}
    )
    rotated = idempotent(
        owner, f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", {}
    )["secret"]
    secrets = [key, owner.key, endpoint["secret"], rotated]
    secrets += connect_bluesky(owner)
    secrets += connect_mastodon(owner)
    publish_to_mastodon(owner)
    secrets += activate_totp(owner)

    dump = dump_database()
    # the rows that could leak were written: replays, the outbox, attempts, a session
    assert IdempotencyRecord.objects.count() == 6
    assert WebhookDelivery.objects.exists() and PublishAttempt.objects.exists()
    assert Session.objects.exists()
    assert [s for s in secrets if s in dump] == []


def raw_response_body() -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT response_body FROM letmepost_idempotencyrecord")
        (body,) = cursor.fetchone()
    return bytes(body)


def test_rotation_re_encrypts_stored_responses_mastodon_apps_and_mfa_seeds(
    owner: Persona, settings
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old]
    settings.MFA_TOTP_TOLERANCE = 1
    headers = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    first = post_json(owner.client, "/v1/api-keys", {"name": "ci"}, **headers)
    totp = TOTP.activate(owner.user, "JBSWY3DPEHPK3PXP")
    MastodonApp.objects.create(
        instance_url="https://mastodon.example",
        redirect_uri="https://letmepost.example/callback",
        scopes="write:statuses",
        client_id="client",
        secrets={"clientSecret": "app-secret"},
    )
    before = raw_response_body()
    settings.ENCRYPTION_KEYS = [new, old]
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "1 Mastodon app(s), 1 stored response(s) and 1 MFA" in out.getvalue()
    assert raw_response_body() != before
    assert Authenticator.objects.get().data != totp.instance.data

    settings.ENCRYPTION_KEYS = [new]  # the old key is gone: everything still reads
    assert MastodonApp.objects.get().client_secret == "app-secret"
    code = format_hotp_value(hotp_value("JBSWY3DPEHPK3PXP", int(time.time()) // 30))
    assert TOTP(Authenticator.objects.get()).validate_code(code)
    replay = post_json(owner.client, "/v1/api-keys", {"name": "ci"}, **headers)
    assert replay["Idempotency-Replayed"] == "true"
    assert replay.content == first.content
    assert IdempotencyRecord.objects.get().response_body == first.content


def migrate(target: str) -> Any:
    """Migrate the letmepost app to `target`; return that state's IdempotencyRecord model."""
    executor = MigrationExecutor(connection)
    executor.migrate([("letmepost", target)])
    state = executor.loader.project_state(("letmepost", target))
    return state.apps.get_model("letmepost", "IdempotencyRecord")


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_encrypts_responses_and_mfa_seeds_stored_before_it(
    owner: Persona,
) -> None:
    body = b'{"key": "lmp_live_stored_before_the_upgrade"}'
    before = migrate("0002_idempotency_resource")  # a plain BinaryField, no MfaAdapter
    try:
        before.objects.create(
            workspace_id=owner.workspace.pk,
            scope_digest="s",
            credential="c",
            method="POST",
            path="/v1/api-keys",
            key="k",
            request_hash="h",
            state="done",
            status_code=201,
            response_body=body,
            created_at=timezone.now(),
        )
        Authenticator.objects.create(
            user=owner.user, type="totp", data={"secret": "PLAINTOTPSEED"}
        )
    finally:
        migrate("0004_encrypt_mfa_seeds")
    assert b"lmp_live_" not in raw_response_body()
    assert IdempotencyRecord.objects.get().response_body == body
    stored = Authenticator.objects.get().data["secret"]
    assert stored != "PLAINTOTPSEED" and mfa_decrypt(stored) == "PLAINTOTPSEED"


# Boots the real settings in embedded mode under a common umask, writes through Django (so SQLite
# makes its -wal and -shm files) and reports the modes while the connection is still open.
MODES = """
import json, os
os.umask(0o022)
import django
django.setup()
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS probe (x)")
    cursor.execute("INSERT INTO probe VALUES (1)")
    names = ["", "db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm", "secrets.json"]
    print(json.dumps({n: oct(os.stat(settings.DATA_DIR / n).st_mode & 0o777) for n in names}))
"""
PRIVATE = {
    "": "0o700",
    "db.sqlite3": "0o600",
    "db.sqlite3-wal": "0o600",
    "db.sqlite3-shm": "0o600",
    "secrets.json": "0o600",
}


def embedded_modes(data_dir: Path) -> dict[str, str]:
    child = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", MODES],
        cwd=REPO,
        env=boot_env(data_dir),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    return json.loads(child.stdout)


def test_a_fresh_embedded_data_dir_is_private(tmp_path: Path) -> None:
    assert embedded_modes(tmp_path / "var") == PRIVATE


def test_an_existing_readable_data_dir_is_tightened_on_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    sqlite3.connect(data_dir / "db.sqlite3").close()
    (data_dir / "db.sqlite3").chmod(0o644)
    assert embedded_modes(data_dir) == PRIVATE

"""Credentials at rest: MultiFernet with rotation, and a loud failure on a wrong key."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from platforms.models import PlatformAccount
from tests.conftest import Persona


def raw_credentials(account: PlatformAccount) -> str:
    with connection.cursor() as cursor:
        pk = account.pk.hex if connection.vendor == "sqlite" else account.pk
        cursor.execute(
            "SELECT credentials FROM platforms_platformaccount WHERE id = %s", [pk]
        )
        return cursor.fetchone()[0]


def test_rotation_re_encrypts_under_the_new_key(owner: Persona, settings) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old]
    account = PlatformAccount.objects.create(
        workspace=owner.workspace,
        profile=owner.profile,
        platform="sandbox",
        external_id="rot",
        credentials={"token": "s3cret"},
    )
    before = raw_credentials(account)
    settings.ENCRYPTION_KEYS = [new, old]
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "re-encrypted 1" in out.getvalue()
    assert raw_credentials(account) != before
    settings.ENCRYPTION_KEYS = [new]
    assert PlatformAccount.objects.get(pk=account.pk).credentials == {"token": "s3cret"}
    settings.ENCRYPTION_KEYS = [old]
    with pytest.raises(InvalidToken):
        PlatformAccount.objects.get(pk=account.pk)

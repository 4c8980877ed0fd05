"""`manage.py rotate_encryption_keys`: re-encrypt every stored secret under the first key.

Rotate by prepending a new key to LETMEPOST_ENCRYPTION_KEYS, running this, then dropping the old
key. Rows are re-saved one at a time under a row lock, so it is safe while the service runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import models, transaction

from accounts.adapter import convert_authenticator_data
from letmepost import crypto
from letmepost.models import IdempotencyRecord
from platforms.models import MastodonApp, PlatformAccount
from webhooks.services import reencrypt_secrets


def reencrypt(
    queryset: models.QuerySet,
    field: str,
    convert: Callable[[Any], Any] | None = None,
) -> int:
    """Re-save `field` of each row: an encrypted field decrypts with any key and encrypts with
    the first; a field holding tokens inside plain JSON is rewritten by `convert`."""
    count = 0
    for pk in queryset.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            row = queryset.model.objects.select_for_update().filter(pk=pk).first()
            if row is None:
                continue  # deleted meanwhile, e.g. an expired idempotency record
            if convert is not None:
                setattr(row, field, convert(getattr(row, field)))
            row.save(update_fields=[field])
        count += 1
    return count


class Command(BaseCommand):
    help = "Re-encrypt stored credentials, secrets and idempotent responses with the first encryption key."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = reencrypt(PlatformAccount.objects.all(), "credentials")
        secrets = reencrypt_secrets()
        apps = reencrypt(MastodonApp.objects.all(), "secrets")
        responses = reencrypt(
            IdempotencyRecord.objects.filter(response_body__isnull=False),
            "response_body",
        )
        authenticators = reencrypt(
            Authenticator.objects.all(),
            "data",
            lambda data: convert_authenticator_data(data, crypto.rotate),
        )
        self.stdout.write(
            f"re-encrypted {accounts} account(s), {secrets} webhook secret(s), "
            f"{apps} Mastodon app(s), {responses} stored response(s) "
            f"and {authenticators} MFA authenticator(s)"
        )

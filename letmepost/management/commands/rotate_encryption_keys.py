"""`manage.py rotate_encryption_keys`: re-encrypt stored credentials under the first key.

Rotate by prepending a new key to LETMEPOST_ENCRYPTION_KEYS, running this, then dropping the old
key. Rows are re-saved one at a time under a row lock, so it is safe while the service runs.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from platforms.models import PlatformAccount
from webhooks.services import reencrypt_secrets


class Command(BaseCommand):
    help = "Re-encrypt stored platform credentials and webhook secrets with the first encryption key."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for pk in PlatformAccount.objects.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                account = PlatformAccount.objects.select_for_update().get(pk=pk)
                account.save(
                    update_fields=["credentials"]
                )  # decrypts with any key, encrypts with the first
            count += 1
        secrets = reencrypt_secrets()
        self.stdout.write(
            f"re-encrypted {count} account(s) and {secrets} webhook secret(s)"
        )

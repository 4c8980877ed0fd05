"""TOTP and recovery-code seeds are encrypted at rest (accounts.adapter.MfaAdapter, issue #15):
encrypt the seeds of authenticators set up before it, so they keep working."""

from django.db import migrations

from accounts.adapter import convert_authenticator_data
from letmepost import crypto


def _convert(apps, change) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.all():
        authenticator.data = convert_authenticator_data(authenticator.data, change)
        authenticator.save(update_fields=["data"])


def encrypt_seeds(apps, schema_editor) -> None:
    _convert(apps, crypto.encrypt)


def decrypt_seeds(apps, schema_editor) -> None:
    _convert(apps, crypto.decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("letmepost", "0003_encrypt_idempotent_responses"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_seeds, decrypt_seeds)]

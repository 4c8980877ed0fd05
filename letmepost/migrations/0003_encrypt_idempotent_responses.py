"""Stored idempotent responses are encrypted at rest (issue #15): alter the field, then encrypt the
rows already stored, so replays within the 24-hour window keep working across the upgrade."""

from django.db import migrations

import letmepost.crypto

TABLE = "letmepost_idempotencyrecord"


def _convert(schema_editor, change) -> None:
    # Raw SQL: the historical model's field would try to decrypt the plaintext rows on read.
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, response_body FROM {TABLE} WHERE response_body IS NOT NULL"  # noqa: S608
        )
        rows = cursor.fetchall()
        for pk, body in rows:
            cursor.execute(
                f"UPDATE {TABLE} SET response_body = %s WHERE id = %s",  # noqa: S608
                [connection.Database.Binary(change(bytes(body))), pk],
            )


def encrypt_stored(apps, schema_editor) -> None:
    _convert(schema_editor, lambda body: letmepost.crypto.fernet().encrypt(body))


def decrypt_stored(apps, schema_editor) -> None:
    _convert(schema_editor, lambda body: letmepost.crypto.fernet().decrypt(body))


class Migration(migrations.Migration):
    dependencies = [
        ("letmepost", "0002_idempotency_resource"),
    ]

    operations = [
        migrations.AlterField(
            model_name="idempotencyrecord",
            name="response_body",
            field=letmepost.crypto.EncryptedBinaryField(null=True),
        ),
        migrations.RunPython(encrypt_stored, decrypt_stored),
    ]

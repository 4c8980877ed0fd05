"""What the database really holds for an account's credentials (they are encrypted at rest)."""

from __future__ import annotations

from django.db import connection

from platforms.models import PlatformAccount


def stored_credentials(account: PlatformAccount) -> str:
    """The raw `credentials` column, as a reader of the database (or a backup) would see it."""
    with connection.cursor() as cursor:
        pk = PlatformAccount._meta.pk.get_db_prep_value(account.pk, connection)
        cursor.execute(
            "SELECT credentials FROM platforms_platformaccount WHERE id = %s", [pk]
        )
        (stored,) = cursor.fetchone()
    return str(stored)

"""Which TikTok `publish_id` belongs to which post target, kept before any byte is uploaded.

The engine has no hook for an adapter to persist a step, and no new model may be added, so the
map lives in the account's metadata (`publishIds`: idempotency token → publish id), written under
the account's row lock so concurrent publishes on one account never lose each other's entry.
Only the newest `KEEP` entries are kept: a target is reconciled within hours, not months.
"""

from __future__ import annotations

from django.db import transaction

from platforms.models import PlatformAccount

KEY = "publishIds"
KEEP = 200


def remember(account: PlatformAccount, token: str, publish_id: str) -> None:
    with transaction.atomic():
        locked = PlatformAccount.objects.select_for_update().get(pk=account.pk)
        ids = {k: v for k, v in (locked.metadata.get(KEY) or {}).items() if k != token}
        ids[token] = publish_id  # dicts keep insertion order: newest last
        locked.metadata = {**locked.metadata, KEY: dict(list(ids.items())[-KEEP:])}
        locked.save(update_fields=["metadata", "updated_at"])
    account.metadata = locked.metadata


def recall(account: PlatformAccount, token: str) -> str | None:
    fresh = PlatformAccount.objects.filter(pk=account.pk).values_list(
        "metadata", flat=True
    )
    metadata = fresh.first() or {}
    value = (metadata.get(KEY) or {}).get(token)
    return str(value) if value else None

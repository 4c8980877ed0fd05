"""What a Meta publish leaves behind for reconciliation, kept before the publishing call.

Instagram and Threads publish a *container* created beforehand: its id is stored here as soon
as it exists, so an attempt whose outcome is unknown asks Graph about that container instead
of creating a second one. Facebook records when it sent a feed post, so the feed can be searched
from then on.

The engine has no hook for an adapter to persist a step, and no new model may be added, so the
map lives in the account's metadata (`metaPublishes`: idempotency token → entry), updated under
the account's row lock so concurrent publishes on one account never lose each other's entry.
Only the newest `KEEP` entries are kept: containers expire after 24 hours anyway.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from platforms.models import PlatformAccount

KEY = "metaPublishes"
KEEP = 200


def remember(account: PlatformAccount, token: str, **entry: Any) -> None:
    """Store (replace) the entry for `token`; call it before the request it protects."""
    with transaction.atomic():
        locked = PlatformAccount.objects.select_for_update().get(pk=account.pk)
        entries = {
            k: v for k, v in (locked.metadata.get(KEY) or {}).items() if k != token
        }
        entries[token] = entry  # dicts keep insertion order: newest last
        locked.metadata = {**locked.metadata, KEY: dict(list(entries.items())[-KEEP:])}
        locked.save(update_fields=["metadata", "updated_at"])
    account.metadata = locked.metadata


def recall(account: PlatformAccount, token: str) -> dict[str, Any] | None:
    metadata = (
        PlatformAccount.objects.filter(pk=account.pk)
        .values_list("metadata", flat=True)
        .first()
    ) or {}
    entry = (metadata.get(KEY) or {}).get(token)
    return dict(entry) if isinstance(entry, dict) else None

"""Which YouTube upload session belongs to which post target, kept before any byte is sent.

A retry then resumes the session instead of uploading (and publishing) the video again.

The engine has no hook for an adapter to persist a step, and no new model may be added, so the
map lives in the account's metadata (`uploadSessions`: idempotency token → {uri, size}), written under
the account's row lock so concurrent publishes on one account never lose each other's entry.
Only the newest `KEEP` entries are kept: sessions expire after a week anyway.
"""

from __future__ import annotations

from django.db import transaction

from platforms.models import PlatformAccount

KEY = "uploadSessions"
KEEP = 200


def remember(account: PlatformAccount, token: str, uri: str, size: int) -> None:
    with transaction.atomic():
        locked = PlatformAccount.objects.select_for_update().get(pk=account.pk)
        ids = {k: v for k, v in (locked.metadata.get(KEY) or {}).items() if k != token}
        ids[token] = {
            "uri": uri,
            "size": size,
        }  # dicts keep insertion order: newest last
        locked.metadata = {**locked.metadata, KEY: dict(list(ids.items())[-KEEP:])}
        locked.save(update_fields=["metadata", "updated_at"])
    account.metadata = locked.metadata


def recall(account: PlatformAccount, token: str) -> tuple[str, int] | None:
    """The session URI and the file size it was opened for."""
    fresh = PlatformAccount.objects.filter(pk=account.pk).values_list(
        "metadata", flat=True
    )
    metadata = fresh.first() or {}
    value = (metadata.get(KEY) or {}).get(token)
    return (str(value["uri"]), int(value["size"])) if value else None

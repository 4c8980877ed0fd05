"""The stored objects behind Media rows, in Django's default storage (a folder, or S3).

Everything that touches the storage backend is here, so its failures are mapped in one place.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from letmepost.errors import InternalError

logger = logging.getLogger("letmepost.media")


def uses_s3() -> bool:
    return settings.STORAGES["default"]["BACKEND"].startswith("storages.backends.s3")


def storage_failed() -> InternalError:
    return InternalError(
        "The media file could not be stored.",
        platform="s3" if uses_s3() else None,
        remediation="Retry later; if it persists, the operator should check the media storage.",
    )


def save(key: str, path: Path, content_type: str) -> str:
    """Store the file at `path` under `key` and return the key actually used."""
    with path.open("rb") as fh:
        content = File(fh, name=key)
        content.content_type = content_type  # type: ignore[attr-defined]  # S3 object Content-Type
        try:
            return default_storage.save(key, content, max_length=255)
        # Backends raise their own error types (OSError, botocore's ClientError, …).
        except Exception:
            logger.exception("storing media object %s failed", key)
            raise storage_failed() from None


def open_binary(key: str) -> IO[bytes]:
    return default_storage.open(key, "rb")


def remove(key: str) -> None:
    """Delete the object; a failure is logged (the object is orphaned), never raised."""
    try:
        default_storage.delete(key)
    except Exception:
        logger.exception("deleting media object %s failed; it is orphaned", key)

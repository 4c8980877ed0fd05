"""Writes for media: ingest an upload or a URL, delete, and hand out URLs and bytes to adapters.

Heavy work (copying, sniffing, storing, fetching) happens before any transaction opens: in
embedded mode a transaction holds SQLite's write lock, and a 200 MiB upload must not stall the
dispatcher. Only the row insert is transactional; if it fails, the stored object is removed.
"""

from __future__ import annotations

from functools import partial
from pathlib import PurePosixPath
from typing import IO
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from accounts.models import Profile, Workspace
from media import remote, storage
from media.models import Media
from media.selectors import unknown_media
from media.sniffing import sniff
from media.spool import Spool, max_media_bytes, spool_file, too_large

PUBLIC_PREFIX = "/m/"  # served by media.views.public_media (media/urls.py)


def ingest_upload(
    workspace: Workspace, profile: Profile, file: File, *, livemode: bool
) -> Media:
    """Store uploaded bytes as a new Media in `profile`, in the uploader's mode.

    Raises ValidationFailed: `media.size_max` (413), `media.type_unsupported`; InternalError when
    storage fails.
    """
    with spool_file(file, limit=max_media_bytes()) as spool:
        return _store(
            workspace, profile, spool, livemode=livemode, filename=file.name or ""
        )


def ingest_url(
    workspace: Workspace, profile: Profile, url: str, *, livemode: bool
) -> Media:
    """Fetch `url` (SSRF-guarded, capped, streamed) and store it as a new Media in `profile`,
    in the caller's mode.

    Raises ValidationFailed: `url.scheme`, `url.private_address`, `media.url_fetch_failed`,
    `media.size_max` (413), `media.type_unsupported`.
    """
    with remote.download(url, limit=max_media_bytes()) as spool:
        return _store(
            workspace,
            profile,
            spool,
            livemode=livemode,
            source_url=url,
            filename=urlsplit(url).path,
        )


def _store(
    workspace: Workspace,
    profile: Profile,
    spool: Spool,
    *,
    livemode: bool,
    source_url: str = "",
    filename: str = "",
) -> Media:
    if profile.workspace_id != workspace.pk:
        raise ValueError("the profile belongs to another workspace")
    sniffed = sniff(spool.path)
    caps: dict[str, int] = {
        Media.Kind.VIDEO: settings.MEDIA_MAX_VIDEO_BYTES,
        Media.Kind.DOCUMENT: settings.MEDIA_MAX_DOCUMENT_BYTES,
    }
    limit = caps.get(sniffed.kind, settings.MEDIA_MAX_IMAGE_BYTES)
    if spool.size > limit:
        raise too_large(limit, f"The {sniffed.kind}")
    media = Media(
        workspace=workspace,
        profile=profile,
        kind=sniffed.kind,
        content_type=sniffed.content_type,
        size_bytes=spool.size,
        sha256=spool.sha256,
        width=sniffed.width,
        height=sniffed.height,
        duration_seconds=sniffed.duration_seconds,
        source_url=source_url,
        filename=PurePosixPath(filename.replace("\\", "/")).name[-255:],
        livemode=livemode,
    )
    key = f"{workspace.pk}/{media.pk}.{sniffed.extension}"
    media.storage_key = storage.save(key, spool.path, sniffed.content_type)
    try:
        with transaction.atomic():
            media.save(force_insert=True)
    except BaseException:
        storage.remove(media.storage_key)
        raise
    return media


def delete_media(media: Media) -> Media:
    """Soft-delete the row; the stored object is removed once that commits. Idempotent."""
    if media.deleted_at is not None:
        return media
    now = timezone.now()
    Media.objects.filter(pk=media.pk, deleted_at__isnull=True).update(deleted_at=now)
    media.deleted_at = now
    transaction.on_commit(partial(storage.remove, media.storage_key))
    return media


def public_url(media: Media) -> str:
    """An absolute, unguessable URL platforms can fetch the file from without credentials."""
    if settings.MEDIA_PUBLIC_BASE_URL:
        return f"{settings.MEDIA_PUBLIC_BASE_URL}/{quote(media.storage_key)}"
    return f"{settings.PUBLIC_URL}{PUBLIC_PREFIX}{media.public_token}/{media.pk}.{media.extension}"


def open_media(media: Media) -> IO[bytes]:
    """The stored bytes, opened for reading; close it (use `with`). NotFound if deleted."""
    if media.deleted_at is not None:
        raise unknown_media()
    return storage.open_binary(media.storage_key)

"""Reads for media. Workspace first; missing, deleted, elsewhere and malformed all look the same."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime

from django.db.models import Q, QuerySet

from accounts.models import Profile, Workspace
from letmepost.errors import NotFound
from media.models import ID_PATTERN, Media

_ID_RE = re.compile(ID_PATTERN)


def unknown_media() -> NotFound:
    return NotFound(
        resource="media",
        rule="media.unknown",
        remediation="Check the media id, and that it was uploaded in this workspace and profile.",
    )


def get_media_for_workspace(
    workspace: Workspace, media_id: str, *, profile: Profile | None = None
) -> Media:
    """The live media row, or NotFound (`media.unknown`). With `profile`, only that profile's."""
    if not isinstance(media_id, str) or not _ID_RE.fullmatch(media_id):
        raise unknown_media()
    media = list_media(workspace, profile).filter(pk=media_id).first()
    if media is None:
        raise unknown_media()
    return media


def list_media(workspace: Workspace, profile: Profile | None = None) -> QuerySet[Media]:
    """Live media, newest first (the order the keyset cursor relies on)."""
    qs = Media.objects.filter(workspace=workspace, deleted_at__isnull=True)
    if profile is not None:
        qs = qs.filter(profile=profile)
    return qs.order_by("-created_at", "-id")


def get_public_media(token: str, media_id: str) -> Media | None:
    """The media a public URL names. The token is the capability, so no workspace is needed."""
    if not _ID_RE.fullmatch(media_id):
        return None
    return Media.objects.filter(
        public_token=token, pk=media_id, deleted_at__isnull=True
    ).first()


def encode_cursor(media: Media) -> str:
    raw = json.dumps(
        {"t": media.created_at.isoformat(), "i": media.pk}, separators=(",", ":")
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def after_cursor(qs: QuerySet[Media], cursor: str | None) -> QuerySet[Media]:
    """Rows strictly older than the cursor; an undecodable cursor is ignored (spec §5)."""
    if not cursor:
        return qs
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        created_at = datetime.fromisoformat(raw["t"])
        media_id = str(raw["i"])
    except (binascii.Error, ValueError, TypeError, KeyError):
        return qs
    if created_at.tzinfo is None:
        return qs
    return qs.filter(
        Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=media_id)
    )

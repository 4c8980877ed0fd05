"""Reads for media. Workspace first; missing, deleted, elsewhere and malformed all look the same.

Media belong to the mode of the key that uploaded them (D23): the other mode's are as absent as
another workspace's, so a test key can neither use nor delete what live posts rely on.
"""

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
    workspace: Workspace,
    media_id: str,
    *,
    livemode: bool,
    profile: Profile | None = None,
) -> Media:
    """The media row not deleted, or NotFound (`media.unknown`). With `profile`, only that
    profile's."""
    if not isinstance(media_id, str) or not _ID_RE.fullmatch(media_id):
        raise unknown_media()
    media = (
        list_media(workspace, profile, livemode=livemode).filter(pk=media_id).first()
    )
    if media is None:
        raise unknown_media()
    return media


def list_media(
    workspace: Workspace, profile: Profile | None = None, *, livemode: bool
) -> QuerySet[Media]:
    """Media not deleted, in the caller's mode, newest first (the order the keyset cursor
    relies on)."""
    qs = Media.objects.filter(
        workspace=workspace, livemode=livemode, deleted_at__isnull=True
    )
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

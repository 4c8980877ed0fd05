"""Turn a request's MediaInput into the stored media reference a target keeps.

Stored uploads are resolved within the account's profile, inline bytes are stored as uploads
(they are never echoed back, D17), and remote URLs are kept for platforms that fetch by URL.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Profile, Workspace
from letmepost.errors import ValidationFailed
from posts.requests import MediaRequest

ITEM_FIELDS = {
    "kind": "kind",
    "mediaId": "media_id",
    "url": "url",
    "altText": "alt_text",
    "contentType": "content_type",
    "sizeBytes": "size_bytes",
    "width": "width",
    "height": "height",
    "durationSeconds": "duration_seconds",
    "filename": "filename",
}


def resolve(
    workspace: Workspace,
    profile: Profile,
    media_in: MediaRequest,
    path: str,
    *,
    livemode: bool,
) -> dict[str, Any]:
    """A stored media reference for one media input, in the caller's mode (D23)."""
    ref: dict[str, Any] = {"kind": media_in.kind}
    if media_in.alt_text is not None:
        ref["altText"] = media_in.alt_text
    if media_in.url:
        ref["url"] = media_in.url
        return ref
    from media import selectors, services  # stored uploads only

    if media_in.bytes_base64:
        try:
            raw = base64.b64decode(media_in.bytes_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(
                f"{path}.bytesBase64 is not valid base64.", rule=f"{path}.bytesBase64"
            ) from None
        media = services.ingest_upload(
            workspace, profile, SimpleUploadedFile("inline", raw), livemode=livemode
        )
    else:
        media = selectors.get_media_for_workspace(
            workspace, media_in.media_id or "", livemode=livemode, profile=profile
        )
    ref.update(
        {
            "mediaId": media.pk,
            "contentType": media.content_type,
            "sizeBytes": media.size_bytes,
            "width": media.width,
            "height": media.height,
            "durationSeconds": media.duration_seconds,
            "filename": media.filename or None,
        }
    )
    return {k: v for k, v in ref.items() if v is not None}


def as_request(ref: dict[str, Any]) -> MediaRequest:
    """The media input a stored reference was made from (a draft promoted, a post retried)."""
    return MediaRequest(
        kind=ref.get("kind", "image"),
        media_id=ref.get("mediaId") or None,
        url=None if ref.get("mediaId") else ref.get("url"),
        alt_text=ref.get("altText"),
    )


def item_fields(ref: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for platforms.base.MediaItem from a stored reference."""
    return {ITEM_FIELDS[k]: v for k, v in ref.items() if k in ITEM_FIELDS}

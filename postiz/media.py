"""Postiz's media objects over our media library: upload answers and `image[].path` lookups."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings

from accounts.models import Workspace
from letmepost.api.fields import format_datetime
from media import selectors, services
from media.models import Media
from postiz.payloads import Image
from posts.requests import MediaRequest

# Our public media URL: /m/<token>/<mediaId>.<ext> (media/urls.py).
_PUBLIC_PATH = re.compile(r"/m/(?P<token>[^/]+)/(?P<media_id>med_[0-9A-Za-z]+)\.\w+$")
_STORED_NAME = re.compile(r"(?P<media_id>med_[0-9A-Za-z]+)\.\w+$")


def media_object(media: Media) -> dict[str, Any]:
    """The union of Postiz's current and older upload answers (spec §5.5)."""
    created = format_datetime(media.created_at)
    return {
        "id": media.pk,
        "name": f"{media.pk}.{media.extension}",
        "originalName": None,
        "path": services.public_url(media),
        "thumbnail": None,
        "alt": None,
        "organizationId": str(media.workspace_id),
        "createdAt": created,
        "updatedAt": created,
    }


def own_media(workspace: Workspace, path: str, *, livemode: bool) -> Media | None:
    """The media an upload answer's `path` names, when it is one of ours in this workspace
    and the caller's mode."""
    if settings.MEDIA_PUBLIC_BASE_URL and path.startswith(
        settings.MEDIA_PUBLIC_BASE_URL
    ):
        if match := _STORED_NAME.search(unquote(urlsplit(path).path)):
            return (
                selectors.list_media(workspace, livemode=livemode)
                .filter(pk=match["media_id"])
                .first()
            )
        return None
    match = _PUBLIC_PATH.search(urlsplit(path).path)
    if match is None:
        return None
    media = selectors.get_public_media(match["token"], match["media_id"])
    if media is None or media.workspace_id != workspace.pk:
        return None
    return media if media.livemode == livemode else None


def media_input(workspace: Workspace, image: Image, *, livemode: bool) -> MediaRequest:
    """A native media input: our own uploads by id, anything else by URL for us to fetch."""
    alt_text = image.alt or None
    media = own_media(workspace, image.path, livemode=livemode)
    if media is not None:
        return MediaRequest(kind=media.kind, media_id=media.pk, alt_text=alt_text)
    return MediaRequest(kind=image.kind, url=image.path, alt_text=alt_text)

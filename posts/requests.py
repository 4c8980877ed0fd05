"""What a caller asks `posts.services.check_post` / `create_post` for, whatever the surface.

Each surface parses its own input into these (the API's serializer, the compose form, retry,
drafts, Postiz, onboarding); the services read nothing else. Plain frozen dataclasses: no
Django, no DRF. `None` means "not given": a target's text, media and first comment fall back
to the request's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class MediaRequest:
    """One media item, from exactly one source: a stored upload, a URL, or inline bytes."""

    kind: str  # "image", "video" or "document"
    media_id: str | None = None
    url: str | None = None
    bytes_base64: str | None = None
    alt_text: str | None = None


@dataclass(frozen=True)
class ThreadItemRequest:
    """One post of a thread after the first: replies to the previous one (posts.threads)."""

    text: str
    media: tuple[MediaRequest, ...] = ()


@dataclass(frozen=True)
class TargetRequest:
    """One account to post to: by id, or the only connected account of `platform`."""

    account_id: str | None = None
    platform: str | None = None
    text: str | None = None
    media: tuple[MediaRequest, ...] | None = None
    first_comment: str | None = None
    options: Mapping[str, Any] | None = None  # per-platform, incl. sandbox directives
    thread: tuple[ThreadItemRequest, ...] | None = None  # replaces the request's thread
    auto_thread: bool | None = None

    def with_edits(self, edits: TargetRequest) -> TargetRequest:
        """This target with every field `edits` gives replaced (a draft's PATCH)."""
        given = {
            f.name: value
            for f in fields(edits)
            if (value := getattr(edits, f.name)) is not None
        }
        return replace(self, **given)


@dataclass(frozen=True)
class PostRequest:
    """A batch: its targets, the content they share, and when to publish it."""

    targets: tuple[TargetRequest, ...]
    text: str | None = None
    media: tuple[MediaRequest, ...] = ()
    first_comment: str | None = None
    # The posts after the first, as a reply chain (or comments, by platform).
    thread: tuple[ThreadItemRequest, ...] = ()
    # Split a text too long for a target's platform into a numbered thread.
    auto_thread: bool = False
    profile_id: str | None = None
    scheduled_at: datetime | None = None
    publish_now: bool = False
    # The client asked for a draft: excludes publish_now and scheduled_at.
    draft: bool = False
    # Take the next free slot of the targets' profile queue (`"scheduledAt": "next_slot"`).
    next_slot: bool = False

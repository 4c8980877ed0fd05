"""Meta fetches media itself: every attachment becomes a public URL Graph can download."""

from __future__ import annotations

from letmepost.errors import PreflightFailed
from platforms.base import MediaItem


def public_media_url(item: MediaItem, *, platform: str, rule: str, index: int) -> str:
    """The URL Graph should fetch: the caller's own `url`, or our stored upload's public URL.

    `rule` names the platform's "media must be reachable" rule for an upload deleted since.
    """
    if item.url:
        return item.url
    if item.media_id:
        from media.models import Media
        from media.services import public_url

        media = Media.objects.filter(pk=item.media_id, deleted_at__isnull=True).first()
        if media is not None:
            return public_url(media)
    raise PreflightFailed(
        f"media[{index}] ({item.media_id or 'no source'}) no longer exists; nothing was posted.",
        rule=rule,
        platform=platform,
        remediation="Upload the file again and create a new post.",
    )

"""The bytes of a post's attachment, for platforms that upload files (Bluesky, Mastodon).

A stored upload (`media_id`) is read from media storage; a remote `url` is downloaded through
platforms.http (SSRF guard, timeouts), never more than `max_bytes`.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

from letmepost.errors import PlatformUnavailable, PreflightFailed
from platforms import http as platform_http
from platforms.base import MediaItem

DEFAULT_TYPES = {"image": "image/jpeg", "video": "video/mp4"}
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Attachment:
    data: bytes
    content_type: str
    name: str


def read_attachment(
    item: MediaItem, *, platform: str, max_bytes: int, index: int = 0
) -> Attachment:
    """The attachment's bytes and type; PreflightFailed when it is too big or unreadable."""
    if item.media_id:
        return _stored(item, platform=platform, max_bytes=max_bytes, index=index)
    if item.url:
        return _download(item, platform=platform, max_bytes=max_bytes, index=index)
    raise PreflightFailed(
        f"media[{index}] has neither a mediaId nor a url.",
        rule=f"{platform}.media.reachable",
        platform=platform,
    )


def _too_big(
    item: MediaItem, platform: str, index: int, size: int, max_bytes: int
) -> PreflightFailed:
    return PreflightFailed(
        f"media[{index}] is {size} bytes; {platform} accepts at most {max_bytes}.",
        rule=f"{platform}.media.{item.kind}_size_max",
        platform=platform,
        remediation=f"Compress the file below {max_bytes} bytes.",
    )


def _stored(
    item: MediaItem, *, platform: str, max_bytes: int, index: int
) -> Attachment:
    from media.models import Media
    from media.services import open_media

    media = Media.objects.filter(pk=item.media_id, deleted_at__isnull=True).first()
    if media is None:
        raise PreflightFailed(
            f"media[{index}] ({item.media_id}) was deleted before the post was published.",
            rule=f"{platform}.media.reachable",
            platform=platform,
            remediation="Upload the file again and create a new post.",
        )
    size = item.size_bytes or getattr(media, "size_bytes", None)
    if size and size > max_bytes:
        raise _too_big(item, platform, index, size, max_bytes)
    with open_media(media) as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big(item, platform, index, len(data), max_bytes)
    content_type = (
        item.content_type
        or getattr(media, "content_type", None)
        or DEFAULT_TYPES.get(item.kind, "application/octet-stream")
    )
    return Attachment(data, content_type, _name(str(item.media_id), content_type))


def _download(
    item: MediaItem, *, platform: str, max_bytes: int, index: int
) -> Attachment:
    assert item.url is not None
    try:
        with (
            platform_http.session() as session,
            session.get(item.url, stream=True) as response,
        ):
            if not response.ok:
                raise PreflightFailed(
                    f"media[{index}] URL answered {response.status_code}.",
                    rule=f"{platform}.media.reachable",
                    platform=platform,
                    remediation="Use a public URL returning 200, or upload via POST /v1/media.",
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise _too_big(item, platform, index, size, max_bytes)
                chunks.append(chunk)
            header = response.headers.get("Content-Type", "").split(";")[0].strip()
    except requests.RequestException as exc:
        raise PlatformUnavailable(
            f"media[{index}] URL could not be fetched: {exc}",
            platform=platform,
            platform_response={"error": type(exc).__name__, "message": str(exc)},
        ) from exc
    content_type = (
        item.content_type
        or header.lower()
        or DEFAULT_TYPES.get(item.kind, "application/octet-stream")
    )
    return Attachment(
        b"".join(chunks), content_type, _name(f"media-{index}", content_type)
    )


def _name(stem: str, content_type: str) -> str:
    extension = {
        "image/jpeg": "jpg",
        "image/png": "png",
        "image/webp": "webp",
        "image/gif": "gif",
        "video/mp4": "mp4",
        "video/quicktime": "mov",
    }.get(content_type, "bin")
    return f"{stem}.{extension}"

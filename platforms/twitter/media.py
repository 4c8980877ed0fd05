"""Uploading one attachment to X: chunked INIT/APPEND/FINALIZE, STATUS polls, alt text.

Every kind goes through the chunked endpoints (an image is one APPEND), so there is one path to
get right. Processing (videos, GIFs) is polled as X asks, `check_after_secs` clamped to the
rule's 1..30 s, until `succeeded`, `failed` or our deadline.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from letmepost.errors import PlatformRejected, PlatformUnavailable, PreflightFailed
from platforms.attachments import open_attachment
from platforms.base import MediaItem
from platforms.twitter import preflight as rules
from platforms.twitter.client import PLATFORM, XClient

PENDING = ("pending", "in_progress")
DEFAULT_WAIT_SECONDS = 5
MIN_WAIT = rules.MEDIA_PROCESSING_TIMEOUT.limits["min_wait_s"]
MAX_WAIT = rules.MEDIA_PROCESSING_TIMEOUT.limits["max_wait_s"]


@dataclass(frozen=True)
class Uploaded:
    media_id: str
    warning: dict[str, str] | None = (
        None  # alt text X refused: the post goes out without it
    )


def category_for(item: MediaItem, content_type: str) -> str:
    if item.kind == "video":
        return "tweet_video"
    return "tweet_gif" if content_type in rules.GIF_MIMES else "tweet_image"


def _checked_type(item: MediaItem, content_type: str, index: int) -> str:
    allowed = (
        rules.VIDEO_MIMES
        if item.kind == "video"
        else rules.IMAGE_MIMES + rules.GIF_MIMES
    )
    if content_type not in allowed:
        raise PreflightFailed(
            f"media[{index}] is {content_type}; X takes {', '.join(allowed)} for a {item.kind}.",
            rule=rules.MEDIA_MIME_ALLOWED.id,
            platform=PLATFORM,
            remediation=rules.MEDIA_MIME_ALLOWED.remediation,
        )
    return content_type


def _size_checked(item: MediaItem, size: int, content_type: str, index: int) -> None:
    """GIFs may be bigger than still images; open_attachment applied the larger cap."""
    still = item.kind == "image" and content_type not in rules.GIF_MIMES
    if still and size > rules.MAX_IMAGE_BYTES:
        raise PreflightFailed(
            f"media[{index}] is {size} bytes; X accepts at most "
            f"{rules.MAX_IMAGE_BYTES} for an image.",
            rule=rules.MEDIA_IMAGE_SIZE_MAX.id,
            platform=PLATFORM,
            remediation=rules.MEDIA_IMAGE_SIZE_MAX.remediation,
        )


def upload(client: XClient, item: MediaItem, index: int) -> Uploaded:
    """Upload one attachment, wait until X has processed it, attach its alt text."""
    cap = rules.MAX_VIDEO_BYTES if item.kind == "video" else rules.MAX_GIF_BYTES
    with open_attachment(
        item, platform=PLATFORM, max_bytes=cap, index=index
    ) as file:  # one 4 MiB segment in memory at a time
        content_type = _checked_type(item, file.content_type, index)
        _size_checked(item, file.size, content_type, index)
        session = client.initialize_upload(
            media_type=content_type,
            total_bytes=file.size,
            category=category_for(item, content_type),
        )
        media_id = str(session["id"])
        for segment, chunk in enumerate(file.chunks(rules.CHUNK_BYTES)):
            client.append(media_id, segment, chunk)
        finalized = client.finalize(media_id)
    wait_processed(client, finalized, index)
    warning = None
    if item.alt_text and item.alt_text.strip():
        try:
            client.set_alt_text(media_id, item.alt_text)
        except PlatformRejected as exc:
            warning = {
                "code": "alt_text_failed",
                "message": f"media[{index}]: {exc.message}",
            }
    return Uploaded(media_id, warning)


def wait_processed(client: XClient, data: dict[str, Any], index: int) -> None:
    """Poll STATUS until processing is over; raise the rule's error if it fails or lasts."""
    media_id = str(data["id"])
    deadline = time.monotonic() + settings.TWITTER_MEDIA_TIMEOUT_SECONDS
    info = data.get("processing_info") or {}
    while info.get("state") in PENDING:
        wait = min(
            max(int(info.get("check_after_secs") or DEFAULT_WAIT_SECONDS), MIN_WAIT),
            MAX_WAIT,
        )
        if time.monotonic() + wait > deadline:
            spec = rules.MEDIA_PROCESSING_TIMEOUT
            raise PlatformUnavailable(
                f"X did not finish processing media[{index}] in time; nothing was posted.",
                status=spec.http,
                **client.fields(platform_response=data, rule=spec.id),
                remediation=spec.remediation,
            )
        time.sleep(wait)
        data = client.upload_status(media_id)
        info = data.get("processing_info") or {}
    if info.get("state") == "failed":
        spec = rules.MEDIA_VIDEO_PROCESSING_FAILED
        raise PlatformRejected(
            f"X could not process media[{index}].",
            **client.fields(platform_response=data, rule=spec.id),
            remediation=spec.remediation,
        )

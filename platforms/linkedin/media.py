"""Uploading attachments to LinkedIn and describing them in a post's `content`.

Images: `POST /rest/images?action=initializeUpload` → PUT the bytes to `uploadUrl` → the image
URN. Videos: `POST /rest/videos?action=initializeUpload` → PUT each `uploadInstructions` byte
range, keeping its ETag → `finalizeUpload` with the ETags in order → poll `GET /rest/videos/{urn}`
until AVAILABLE (bounded). Documents: `POST /rest/documents?action=initializeUpload` → PUT the
bytes to `uploadUrl` → the document URN, posted as `content.media` with a `title`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from letmepost.errors import PlatformRejected, PlatformUnavailable, ValidationFailed
from platforms.attachments import open_attachment, read_attachment
from platforms.base import MediaItem, option
from platforms.linkedin import preflight as rules
from platforms.linkedin.client import LinkedInClient

MAX_IMAGES = 20  # multiImage takes 2..20
MAX_IMAGE_BYTES = (
    36_000_000  # LinkedIn caps images at 36 megapixels; bytes bound the read
)
MAX_VIDEO_BYTES = 500 * 1024 * 1024
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif")
VIDEO_TYPES = ("video/mp4",)
# The Documents API's formats: PDF, PowerPoint and Word.
DOCUMENT_TYPES = (
    "application/pdf",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
PROCESSING_FAILED = "linkedin.media.processing_failed"
PROCESSING_TIMEOUT = "linkedin.media.processing_timeout"


def check_shape(media: tuple[MediaItem, ...], slug: str = "linkedin") -> None:
    """What LinkedIn posts can carry: 1-20 images, one video or one document; never mixed."""
    documents = sum(1 for m in media if m.kind == "document")
    if documents and (documents > 1 or len(media) > 1):
        raise ValidationFailed(
            "A LinkedIn post carries one document, alone.",
            rule=f"{slug}.media.document_alone",  # rules.document_rules() names it per package
            remediation=rules.DOCUMENT_ALONE.remediation,
        )
    videos = sum(1 for m in media if m.kind == "video")
    if videos and (videos > 1 or len(media) > 1):
        raise ValidationFailed(
            "A LinkedIn post carries one video, alone.",
            rule="media",
            remediation="Send one video, or only images.",
        )
    if len(media) > MAX_IMAGES:
        raise ValidationFailed(
            f"A LinkedIn post carries at most {MAX_IMAGES} images.",
            rule="media",
            remediation="Remove images, or split the post.",
        )


def _checked(content_type: str, allowed: tuple[str, ...], index: int) -> None:
    if content_type not in allowed:
        raise ValidationFailed(
            f"media[{index}] is {content_type}; LinkedIn takes {', '.join(allowed)}.",
            rule=f"media.{index}",
            remediation="Convert the file (JPEG/PNG/GIF images, MP4 video, PDF document).",
        )


def upload_image(
    client: LinkedInClient, owner: str, item: MediaItem, index: int
) -> str:
    file = read_attachment(
        item, platform=client.platform, max_bytes=MAX_IMAGE_BYTES, index=index
    )
    _checked(file.content_type, IMAGE_TYPES, index)
    upload = client.initialize_image_upload(owner)
    client.upload_bytes(str(upload["uploadUrl"]), file.data)
    return str(upload["image"])


def upload_video(
    client: LinkedInClient, owner: str, item: MediaItem, index: int
) -> str:
    with open_attachment(
        item, platform=client.platform, max_bytes=MAX_VIDEO_BYTES, index=index
    ) as file:
        _checked(file.content_type, VIDEO_TYPES, index)
        upload = client.initialize_video_upload(owner, file.size)
        video = str(upload["video"])
        parts = [  # each part is read from the file while it is sent
            client.upload_bytes(
                str(part["uploadUrl"]),
                file.section(int(part["firstByte"]), int(part["lastByte"]) + 1),
            )
            for part in upload.get("uploadInstructions") or []
        ]
    client.finalize_video(video, str(upload.get("uploadToken") or ""), parts)
    wait_available(client, video, index)
    return video


def upload_document(
    client: LinkedInClient, owner: str, item: MediaItem, index: int
) -> str:
    with open_attachment(
        item,
        platform=client.platform,
        max_bytes=rules.MAX_DOCUMENT_BYTES,
        index=index,
    ) as file:
        _checked(file.content_type, DOCUMENT_TYPES, index)
        upload = client.initialize_document_upload(owner)
        client.upload_bytes(str(upload["uploadUrl"]), file.section(0, file.size))
    return str(upload["document"])


def document_title(item: MediaItem, options: Mapping[str, Any]) -> str:
    """options.documentTitle, else the file's name (stored upload or URL), else "Document"."""
    title = option(options, "document_title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    named = item.filename or PurePosixPath(urlsplit(item.url or "").path).name
    return named or "Document"


def wait_available(client: LinkedInClient, video: str, index: int) -> None:
    deadline = time.monotonic() + settings.LINKEDIN_VIDEO_TIMEOUT_SECONDS
    while True:
        found = client.video(video)
        status = found.get("status")
        if status == "AVAILABLE":
            return
        if status == "PROCESSING_FAILED":
            raise PlatformRejected(
                f"LinkedIn could not process media[{index}].",
                **client.fields(platform_response=found, rule=PROCESSING_FAILED),
                remediation="Re-encode the video (MP4, H.264 + AAC) and publish again.",
            )
        if time.monotonic() >= deadline:
            raise PlatformUnavailable(
                f"LinkedIn did not finish processing media[{index}] in time; nothing was posted.",
                status=504,
                **client.fields(platform_response=found, rule=PROCESSING_TIMEOUT),
                remediation="Retry later, or use a shorter video.",
            )
        time.sleep(settings.PLATFORM_POLL_INTERVAL_SECONDS)


def post_content(
    client: LinkedInClient,
    owner: str,
    media: tuple[MediaItem, ...],
    options: Mapping[str, Any],
) -> dict[str, Any] | None:
    """The post's `content`: one image, video or document as `media` (a document with its
    `title`), several images as `multiImage`."""
    if not media:
        return None
    if media[0].kind == "document":
        document = upload_document(client, owner, media[0], 0)
        return {"media": {"id": document, "title": document_title(media[0], options)}}
    if media[0].kind == "video":
        return {"media": {"id": upload_video(client, owner, media[0], 0)}}
    images = []
    for index, item in enumerate(media):
        image: dict[str, str] = {"id": upload_image(client, owner, item, index)}
        if item.alt_text and item.alt_text.strip():
            image["altText"] = item.alt_text
        images.append(image)
    if len(images) == 1:
        return {"media": images[0]}
    return {"multiImage": {"images": images}}

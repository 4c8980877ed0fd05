"""What a file really is, from its bytes (spec D17): never from the client's declared type.

`filetype` names the format from the first bytes; images are then opened with Pillow, which must
agree and gives the dimensions; videos are measured with `ffprobe` when it is installed. PDF
documents are recognised by their `%PDF-` header and not opened further.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import filetype
from PIL import Image

from letmepost.errors import ValidationFailed

logger = logging.getLogger("letmepost.media")

# content type -> (kind, extension, Pillow format for images)
IMAGE_TYPES = {
    "image/jpeg": ("jpg", "JPEG"),
    "image/png": ("png", "PNG"),
    "image/gif": ("gif", "GIF"),
    "image/webp": ("webp", "WEBP"),
}
VIDEO_TYPES = {
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "video/x-m4v": "m4v",
}
# Documents are stored as they are: only LinkedIn posts them, and it reads the pages itself.
DOCUMENT_TYPES = {"application/pdf": "pdf"}
SUPPORTED = ", ".join([*IMAGE_TYPES, *VIDEO_TYPES, *DOCUMENT_TYPES])
FFPROBE_SECONDS = 30


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "image" | "video" | "document"
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None


def unsupported(detail: str) -> ValidationFailed:
    return ValidationFailed(
        f"{detail} Supported types: {SUPPORTED}.",
        rule="media.type_unsupported",
        remediation="Upload a JPEG, PNG, GIF or WebP image, an MP4, MOV or WebM video, "
        "or a PDF document.",
    )


def sniff(path: Path) -> Sniffed:
    """Identify the file at `path`, or raise ValidationFailed (`media.type_unsupported`)."""
    kind = filetype.guess(str(path))
    mime = kind.mime if kind else None
    if mime in IMAGE_TYPES:
        return _image(path, mime)
    if mime in VIDEO_TYPES:
        return _video(path, mime)
    if mime in DOCUMENT_TYPES:
        return Sniffed("document", mime, DOCUMENT_TYPES[mime])
    found = f"The file is {mime}." if mime else "The file's type is not recognised."
    raise unsupported(found)


def _image(path: Path, mime: str) -> Sniffed:
    extension, pillow_format = IMAGE_TYPES[mime]
    try:
        with Image.open(path) as img:
            found_format, (width, height) = img.format, img.size
            img.verify()  # structure and checksums, without decoding pixels
    # Pillow signals a broken or hostile file with many exception types (OSError, SyntaxError,
    # ValueError, struct.error, DecompressionBombError…); all of them mean "not a usable image".
    except Exception as exc:
        raise unsupported(
            f"The file looks like {mime} but is not a valid image ({exc})."
        ) from None
    if found_format != pillow_format:
        raise unsupported(
            f"The file's header says {mime} but it decodes as {found_format}."
        )
    return Sniffed("image", mime, extension, width=width, height=height)


def _video(path: Path, mime: str) -> Sniffed:
    probe = probe_video(path)
    return Sniffed(
        "video",
        mime,
        VIDEO_TYPES[mime],
        width=probe.get("width"),
        height=probe.get("height"),
        duration_seconds=probe.get("duration_seconds"),
    )


class Probe(TypedDict, total=False):
    """What ffprobe measured; a key is absent when it could not be read."""

    width: int
    height: int
    duration_seconds: float


def probe_video(path: Path) -> Probe:
    """Width, height and duration from ffprobe; empty (with a warning) when it is unavailable.

    ffprobe is optional (a fresh machine may not have it): without it, videos are still accepted
    and the rules that need their duration are skipped.
    """
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        logger.warning(
            "ffprobe is not installed: video %s is stored without duration or dimensions",
            path.name,
        )
        return {}
    try:
        done = subprocess.run(  # noqa: S603  # fixed executable, argument list, no shell
            [
                ffprobe,
                "-v",
                "error",
                "-print_format",
                "json",
                "-show_entries",
                "stream=codec_type,width,height:format=duration",
                str(path),
            ],
            capture_output=True,
            timeout=FFPROBE_SECONDS,
            check=True,
        )
        report = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        logger.warning("ffprobe could not read video %s: %s", path.name, exc)
        return {}
    return _parse_probe(report)


def _parse_probe(report: dict[str, Any]) -> Probe:
    found: Probe = {}
    video: dict[str, Any] = next(
        (s for s in report.get("streams", []) if s.get("codec_type") == "video"), {}
    )
    for key in ("width", "height"):
        if isinstance(video.get(key), int) and video[key] > 0:
            found[key] = video[key]
    try:
        duration = float(report.get("format", {}).get("duration"))
    except (TypeError, ValueError):
        return found
    if math.isfinite(duration) and duration >= 0:
        found["duration_seconds"] = duration
    return found

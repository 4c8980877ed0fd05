"""Media facts from bytes: the type by magic numbers, image size, MP4/MOV duration and frame size.

Pure functions over the first bytes of a file (or, for MP4/MOV, its `moov` box), so the deep
stage can check what a file *is*, not what its name or Content-Type claims. No ffprobe: a format
we cannot read yields None and the rules that need the fact skip (or warn, for TikTok).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from platforms.base import MediaItem

HEAD_BYTES = (
    64 * 1024
)  # enough for every image header and most faststart MP4 `moov` boxes
MAX_MOOV_BYTES = 8 * 1024 * 1024  # a larger index is not worth reading for preflight

_FTYP_BRANDS = {
    "qt  ": "video/quicktime",
    "avif": "image/avif",
    "avis": "image/avif",
    "heic": "image/heic",
    "heix": "image/heic",
    "mif1": "image/heif",
    "msf1": "image/heif",
    "M4V ": "video/x-m4v",
    "M4VH": "video/x-m4v",
    "M4VP": "video/x-m4v",
    "3gp4": "video/3gpp",
    "3gp5": "video/3gpp",
    "3gp6": "video/3gpp",
    "3g2a": "video/3gpp2",
}
# Kinds of the types we can sniff; everything else is refused by every allow-list anyway.
IMAGE_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/bmp",
        "image/tiff",
        "image/avif",
        "image/heic",
        "image/heif",
    }
)


@dataclass(frozen=True)
class MediaFacts:
    content_type: str | None = None
    size_bytes: int | None = None
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None


# Formats told by their first bytes alone, tried after the container formats (whose
# first bytes are a size, which may look like one of these).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"FLV", "video/x-flv"),
    (b"\x00\x00\x01\xba", "video/mpeg"),  # program stream
    (b"\x00\x00\x01\xb3", "video/mpeg"),  # elementary stream
    (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", "video/x-ms-asf"),
    (b"OggS", "video/ogg"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


def sniff_type(head: bytes) -> str | None:
    """The media type the bytes really are, or None when we do not know the format."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    if head[4:8] == b"ftyp":
        brand = head[8:12].decode("latin-1")
        return _FTYP_BRANDS.get(brand, "video/mp4")
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "video/quicktime"  # a QuickTime file without `ftyp`
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    return None


def image_size(head: bytes) -> tuple[int, int] | None:
    """(width, height) from an image header, or None."""
    try:
        return _image_size(head)
    except (struct.error, IndexError):
        return None


def _image_size(head: bytes) -> tuple[int, int] | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        w, h = struct.unpack(">II", head[16:24])
        return w, h
    if head[:6] in (b"GIF87a", b"GIF89a"):
        w, h = struct.unpack("<HH", head[6:10])
        return w, h
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _webp_size(head)
    if head.startswith(b"\xff\xd8"):
        return _jpeg_size(head)
    if head.startswith(b"BM"):
        w, h = struct.unpack("<ii", head[18:26])
        return w, abs(h)
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8 ":
        w, h = struct.unpack("<HH", head[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        w = int.from_bytes(head[24:27], "little") + 1
        h = int.from_bytes(head[27:30], "little") + 1
        return w, h
    return None


_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 9 < len(head):
        if head[pos] != 0xFF:
            return None
        marker = head[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack(">H", head[pos + 2 : pos + 4])
        if marker in _SOF:
            h, w = struct.unpack(">HH", head[pos + 5 : pos + 9])
            return w, h
        pos += 2 + length
    return None


def _boxes(
    data: bytes, start: int = 0, end: int | None = None
) -> Iterator[tuple[bytes, int, int]]:
    """Yield (type, payload_start, box_end) for ISO-BMFF boxes in data[start:end]."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if size == 1:
            if pos + 16 > end:
                return
            (size,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            return
        yield kind, pos + header, min(pos + size, end)
        pos += size


def mp4_facts(moov: bytes) -> tuple[float | None, int | None, int | None]:
    """(duration seconds, width, height) from a `moov` box's payload."""
    duration = width = height = None
    try:
        for kind, start, end in _boxes(moov):
            if kind == b"mvhd":
                duration = _mvhd_duration(moov[start:end])
            elif kind == b"trak":
                size = _track_size(moov[start:end])
                if size and width is None:
                    width, height = size
    except (struct.error, IndexError):  # a truncated or damaged index
        return None, None, None
    return duration, width, height


def _mvhd_duration(box: bytes) -> float | None:
    if box[0] == 1:
        timescale, duration = struct.unpack(">IQ", box[20:32])
    else:
        timescale, duration = struct.unpack(">II", box[12:20])
    return duration / timescale if timescale else None


def _track_size(trak: bytes) -> tuple[int, int] | None:
    for kind, start, end in _boxes(trak):
        if kind != b"tkhd":
            continue
        box = trak[start:end]
        offset = (
            4 + (32 if box[0] == 1 else 20) + 16
        )  # version/flags, times/ids, reserved..volume
        matrix = struct.unpack(">9i", box[offset : offset + 36])
        w, h = struct.unpack(">II", box[offset + 36 : offset + 44])
        w, h = w >> 16, h >> 16
        if not (w and h):
            return None
        a, b = matrix[0], matrix[1]
        if a == 0 and abs(b) == 0x10000:  # rotated by 90 or 270 degrees: shown upright
            w, h = h, w
        return w, h
    return None


def find_moov(stream: BinaryIO, limit: int = MAX_MOOV_BYTES) -> bytes | None:
    """Walk the top-level boxes of a seekable MP4/MOV file and return the `moov` payload."""
    stream.seek(0)
    while True:
        header = stream.read(8)
        if len(header) < 8:
            return None
        size, kind = struct.unpack(">I4s", header)
        skip = size - 8
        if size == 1:
            if len(large := stream.read(8)) < 8:
                return None
            (size,) = struct.unpack(">Q", large)
            skip = size - 16
        elif size == 0:
            return stream.read(limit) if kind == b"moov" else None
        if skip < 0:
            return None
        if kind == b"moov":
            return stream.read(skip) if skip <= limit else None
        stream.seek(skip, 1)


def facts_from_head(head: bytes) -> MediaFacts:
    """What the first bytes say: type, and for images their size, for faststart MP4s more."""
    kind = sniff_type(head)
    width = height = None
    duration = None
    if kind in IMAGE_TYPES:
        if size := image_size(head):
            width, height = size
    elif kind is not None and head[4:8] in (b"ftyp", b"moov", b"wide", b"free"):
        moov = next(
            (head[s:e] for k, s, e in _boxes(head) if k == b"moov" and e <= len(head)),
            None,
        )
        if moov is not None:
            duration, width, height = mp4_facts(moov)
    return MediaFacts(kind, None, width, height, duration)


def facts_from_file(stream: BinaryIO) -> MediaFacts:
    """Facts of a whole local file: the head, the size, and a `moov` box wherever it sits."""
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    facts = facts_from_head(head)
    duration, width, height = facts.duration_seconds, facts.width, facts.height
    is_video = (facts.content_type or "").startswith("video/")
    if is_video and duration is None and (moov := find_moov(stream)) is not None:
        duration, width, height = mp4_facts(moov)
    return MediaFacts(facts.content_type, size, width, height, duration)


def is_gif(item: MediaItem) -> bool:
    return (item.content_type or "").lower() == "image/gif"

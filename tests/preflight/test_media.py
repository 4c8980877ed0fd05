"""Sniffing media from bytes: type, image size, MP4/MOV duration and frame size."""

from __future__ import annotations

import io

import pytest

from platforms.preflight.media import (
    facts_from_file,
    facts_from_head,
    image_size,
    sniff_type,
)
from tests.preflight import media_files as f


@pytest.mark.parametrize(
    ("data", "mime", "size"),
    [
        (f.png(1080, 1350), "image/png", (1080, 1350)),
        (f.gif(320, 240), "image/gif", (320, 240)),
        (f.jpeg(4032, 3024), "image/jpeg", (4032, 3024)),
        (f.webp(1200, 628), "image/webp", (1200, 628)),
        (f.bmp(10, -20), "image/bmp", (10, 20)),
    ],
)
def test_images_are_sniffed_with_their_size(
    data: bytes, mime: str, size: tuple[int, int]
) -> None:
    assert sniff_type(data) == mime
    assert image_size(data) == size
    facts = facts_from_head(data)
    assert (facts.content_type, facts.width, facts.height) == (mime, *size)


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (f.mp4(1, 2, 2), "video/mp4"),
        (f.mp4(1, 2, 2, brand=b"qt  "), "video/quicktime"),
        (f.mp4(1, 2, 2, brand=b"M4V "), "video/x-m4v"),
        (b"\x1a\x45\xdf\xa3\x01\x00\x00\x00B\x82\x84webm", "video/webm"),
        (b"\x1a\x45\xdf\xa3\x01\x00\x00\x00B\x82\x88matroska", "video/x-matroska"),
        (b"FLV\x01\x05", "video/x-flv"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", "video/x-msvideo"),
        (b"\x00\x00\x01\xba\x44", "video/mpeg"),
        (b"%PDF-1.7", None),
        (b"", None),
    ],
)
def test_videos_and_unknowns_are_sniffed(head: bytes, mime: str | None) -> None:
    assert sniff_type(head) == mime


def test_a_faststart_mp4_head_gives_duration_and_frame_size() -> None:
    facts = facts_from_head(f.mp4(12.5, 1080, 1920))
    assert facts.content_type == "video/mp4"
    assert facts.duration_seconds == 12.5
    assert (facts.width, facts.height) == (1080, 1920)


def test_a_file_with_moov_at_the_end_is_read_whole() -> None:
    data = f.mp4(700, 1920, 1080, faststart=False)
    assert facts_from_head(data[:64]).duration_seconds is None
    facts = facts_from_file(io.BytesIO(data))
    assert facts.size_bytes == len(data)
    assert facts.duration_seconds == 700
    assert (facts.width, facts.height) == (1920, 1080)


def test_a_rotated_phone_video_is_measured_upright() -> None:
    facts = facts_from_head(f.mp4(5, 1920, 1080, matrix=f.ROTATED_90))
    assert (facts.width, facts.height) == (1080, 1920)


def test_truncated_headers_do_not_raise() -> None:
    for data in (
        f.png(5, 5)[:18],
        f.jpeg(5, 5)[:12],
        f.webp(5, 5)[:20],
        f.mp4(1, 2, 2)[:40],
    ):
        facts_from_head(data)  # no exception; facts may be missing
    assert facts_from_file(io.BytesIO(b"")).content_type is None

"""Media test helpers: real image bytes made with Pillow, a header-only MP4, upload shortcuts."""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    """A fresh storage folder per test, so stored files can be asserted on."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def public_routes(settings) -> None:
    """The real URLconf plus media.urls (the /m/ public route) mounted at the root."""
    settings.ROOT_URLCONF = "tests.media.urls"


@pytest.fixture
def allow_private(settings) -> None:
    settings.ALLOW_PRIVATE_URLS = True


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (3, 2)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def png_bytes(size: tuple[int, int] = (3, 2)) -> bytes:
    return image_bytes("PNG", size)


def noisy_png(size: tuple[int, int]) -> bytes:
    """A PNG that does not compress: about width x height x 3 bytes."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(size: tuple[int, int] = (4, 5)) -> bytes:
    return image_bytes("JPEG", size)


def mp4_bytes(payload: int = 64) -> bytes:
    """An `ftyp` box (isom, mp42) and an `mdat` box: enough for filetype to say video/mp4."""
    ftyp = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"isom", 512, b"isom", b"mp42")
    mdat = struct.pack(">I4s", 8 + payload, b"mdat") + b"\0" * payload
    return ftyp + mdat


HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def upload(
    client: Client,
    content: bytes,
    name: str = "photo.png",
    content_type: str = "image/png",
    query: str = "",
    **extra: Any,
) -> Any:
    return client.post(
        f"/v1/media{query}",
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        **extra,
    )

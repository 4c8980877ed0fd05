"""Tiny but real media headers, built in code: what the sniffers and probes are tested on."""

from __future__ import annotations

import struct
import zlib

IDENTITY = (0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
ROTATED_90 = (0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000)


def png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + b"\x00" * 32
    )


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00" * 32


def jpeg(width: int, height: int) -> bytes:
    app0 = (
        b"\xff\xe0"
        + struct.pack(">H", 16)
        + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    )
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x00" * 9
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def webp(width: int, height: int) -> bytes:
    body = b"VP8X" + struct.pack("<I", 10) + b"\x00" * 4
    body += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


def bmp(width: int, height: int) -> bytes:
    return b"BM" + b"\x00" * 16 + struct.pack("<ii", width, height) + b"\x00" * 28


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4(
    seconds: float,
    width: int,
    height: int,
    *,
    faststart: bool = True,
    matrix: tuple[int, ...] = IDENTITY,
    brand: bytes = b"isom",
) -> bytes:
    timescale = 1000
    mvhd = box(
        b"mvhd",
        struct.pack(">IIIII", 0, 0, 0, timescale, int(seconds * timescale))
        + b"\x00" * 80,
    )
    tkhd = box(
        b"tkhd",
        struct.pack(">IIIIII", 7, 0, 0, 1, 0, int(seconds * timescale))
        + b"\x00" * 16
        + struct.pack(">9i", *matrix)
        + struct.pack(">II", width << 16, height << 16),
    )
    sound = box(b"tkhd", b"\x00" * 84)  # an audio track: no frame size
    moov = box(b"moov", mvhd + box(b"trak", sound) + box(b"trak", tkhd))
    ftyp = box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand + b"mp41")
    mdat = box(b"mdat", b"\x00" * 2048)
    return ftyp + moov + mdat if faststart else ftyp + mdat + moov

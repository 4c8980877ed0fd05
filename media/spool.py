"""Incoming bytes on local disk: counted, hashed and capped before anything else looks at them.

Sniffing (Pillow, ffprobe) and storage both need a real file, and the size cap has to hold while
bytes arrive, not after they have all been buffered.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File

from letmepost.errors import ValidationFailed

CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class Spool:
    path: Path
    size: int
    sha256: str


def mib(size: int) -> str:
    return f"{size / 1024 / 1024:g} MiB"


def too_large(limit: int, what: str = "The file") -> ValidationFailed:
    return ValidationFailed(
        f"{what} is larger than {limit} bytes ({mib(limit)}).",
        status=413,
        rule="media.size_max",
        remediation=(
            f"Images may be up to {mib(settings.MEDIA_MAX_IMAGE_BYTES)} and videos up to "
            f"{mib(settings.MEDIA_MAX_VIDEO_BYTES)}; send a smaller file."
        ),
    )


def max_media_bytes() -> int:
    """The largest file of any kind: the cap while the kind is not known yet."""
    return max(
        settings.MEDIA_MAX_IMAGE_BYTES,
        settings.MEDIA_MAX_VIDEO_BYTES,
        settings.MEDIA_MAX_DOCUMENT_BYTES,
    )


@contextmanager
def spool_chunks(chunks: Iterable[bytes], *, limit: int) -> Iterator[Spool]:
    """Write `chunks` to a temporary file, raising `media.size_max` as soon as `limit` is passed.

    The file is removed when the block exits.
    """
    with tempfile.NamedTemporaryFile(
        prefix="letmepost-media-", dir=settings.FILE_UPLOAD_TEMP_DIR
    ) as tmp:
        digest, size = hashlib.sha256(), 0
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            digest.update(chunk)
            tmp.write(chunk)
        tmp.flush()
        yield Spool(Path(tmp.name), size, digest.hexdigest())


@contextmanager
def spool_file(file: File, *, limit: int) -> Iterator[Spool]:
    """Spool a Django File. An upload Django already wrote to disk is hashed in place, not copied."""
    temporary_path = getattr(file, "temporary_file_path", None)
    if temporary_path is None:
        if file.seekable():
            file.seek(0)
        with spool_chunks(file.chunks(CHUNK_BYTES), limit=limit) as spool:
            yield spool
        return
    path = Path(temporary_path())
    size = path.stat().st_size
    if size > limit:
        raise too_large(limit)
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK_BYTES):
            digest.update(block)
    yield Spool(path, size, digest.hexdigest())

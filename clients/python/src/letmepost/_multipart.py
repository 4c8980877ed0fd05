"""A streamed `multipart/form-data` body with one file field, reporting upload progress.

Built by hand rather than with httpx's `files=` so the total size is known up front (a
Content-Length instead of chunked encoding) and each chunk can be counted as it is sent.
"""

from __future__ import annotations

import itertools
import mimetypes
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 64 * 1024
Progress = Callable[[int, int], None]  # (bytes sent, total bytes)
FileInput = str | os.PathLike[str] | bytes | bytearray | BinaryIO


@dataclass(frozen=True)
class FileSource:
    """Where the bytes come from: a path (re-opened per attempt) or bytes in memory."""

    filename: str
    content_type: str
    size: int
    path: Path | None = None
    data: bytes | None = None

    def chunks(self) -> Iterator[bytes]:
        if self.data is not None:
            for start in range(0, len(self.data), CHUNK):
                yield self.data[start : start + CHUNK]
            return
        assert self.path is not None
        with self.path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk


def file_source(
    file: FileInput, *, filename: str | None = None, content_type: str | None = None
) -> FileSource:
    if isinstance(file, (bytes, bytearray)):
        data = bytes(file)
        path = None
        name = filename or "upload"
        size = len(data)
    elif isinstance(file, (str, os.PathLike)):
        path = Path(file)
        data = None
        name = filename or path.name
        size = path.stat().st_size
    else:  # an open binary file: read it once so retries can resend it
        data = file.read()
        path = None
        name = filename or Path(getattr(file, "name", "upload")).name
        size = len(data)
    guessed = mimetypes.guess_type(name)[0]
    return FileSource(
        filename=name,
        content_type=content_type or guessed or "application/octet-stream",
        size=size,
        path=path,
        data=data,
    )


def _quote(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\r", "")
        .replace("\n", "")
    )


class MultipartBody:
    def __init__(
        self,
        source: FileSource,
        *,
        field: str = "file",
        progress: Progress | None = None,
        boundary: str | None = None,
    ) -> None:
        self.source = source
        self.progress = progress
        self.boundary = boundary or uuid.uuid4().hex
        self._head = (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{_quote(source.filename)}"\r\n'
            f"Content-Type: {source.content_type}\r\n\r\n"
        ).encode()
        self._tail = f"\r\n--{self.boundary}--\r\n".encode()

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def length(self) -> int:
        return len(self._head) + self.source.size + len(self._tail)

    def __call__(self) -> Iterator[bytes]:
        """A fresh iterator per attempt; progress restarts from zero on a retry."""
        total = self.length
        sent = 0
        for piece in itertools.chain(
            (self._head,), self.source.chunks(), (self._tail,)
        ):
            yield piece
            sent += len(piece)
            if self.progress is not None:
                self.progress(min(sent, total), total)

"""A post's attachment, for platforms that upload files.

* `open_attachment()` opens it as an `AttachmentStream`: its size, type and name, and its bytes
  read range by range. Chunked uploaders (X, LinkedIn, TikTok, YouTube, Pinterest videos) use it,
  so a multi-gigabyte video is never held in memory, whatever the number of workers.
* `read_attachment()` returns the whole file as bytes, for small files (images).

A stored upload (`media_id`) is read from media storage in place when the storage's file can seek
(a local file; an S3 object, which django-storages first downloads into a temporary file), else
it is copied into a temporary file first. A remote `url` is downloaded once, through
platforms.http (SSRF guard, timeouts), into a `SpooledTemporaryFile` under the system temp dir:
small files stay in memory, bigger ones go to an unnamed file that is gone when the context exits,
on error too. No more than `max_bytes` is ever accepted: the cap is counted on the bytes read,
never taken from a Content-Length header.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import IO

import requests

from letmepost.errors import PlatformUnavailable, PreflightFailed
from platforms import http as platform_http
from platforms.base import MediaItem

DEFAULT_TYPES = {"image": "image/jpeg", "video": "video/mp4"}
CHUNK = 64 * 1024
# Downloads up to this size stay in memory; bigger ones roll over to a temporary file.
SPOOL_MEMORY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Attachment:
    data: bytes
    content_type: str
    name: str


class AttachmentStream:
    """An open attachment. Valid only inside the `open_attachment()` block that yielded it."""

    def __init__(
        self, file: IO[bytes], *, size: int, content_type: str, name: str, label: str
    ) -> None:
        self._file = file
        self.size = size
        self.content_type = content_type
        self.name = name
        self._label = label  # "media[0]", for errors

    def read(self, start: int, stop: int) -> bytes:
        """Bytes `[start, stop)`, clipped to the file: never more than `size` in total."""
        stop = min(stop, self.size)
        if start >= stop:
            return b""
        self._file.seek(start)
        pieces: list[bytes] = []
        wanted = stop - start
        while wanted:
            piece = self._file.read(wanted)
            if not piece:
                raise PlatformUnavailable(
                    f"{self._label} ended at byte {stop - wanted} of {self.size} while it "
                    "was being uploaded; it changed underneath.",
                    remediation="Retry; if it persists, upload the file again.",
                )
            pieces.append(piece)
            wanted -= len(piece)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def chunks(self, size: int) -> Iterator[bytes]:
        """The whole file, `size` bytes at a time (the last piece may be shorter)."""
        for offset in range(0, self.size, size):
            yield self.read(offset, offset + size)

    def section(self, start: int, stop: int) -> Section:
        """Bytes `[start, stop)` as a request body that is read as it is sent."""
        return Section(self, start, min(stop, self.size))


class Section:
    """A byte range of an attachment as a read-only file object of known length.

    Given as `data=` to requests, it is sent with `Content-Length: len(section)` and read in
    small blocks while the request goes out: the same bytes on the wire as `data=<bytes>`,
    without holding the chunk in memory.
    """

    def __init__(self, stream: AttachmentStream, start: int, stop: int) -> None:
        self._stream = stream
        self._position = start
        self._stop = max(start, stop)
        self._length = self._stop - start

    def __len__(self) -> int:
        return self._length

    def read(self, size: int | None = -1) -> bytes:
        left = self._stop - self._position
        count = left if size is None or size < 0 else min(size, left)
        data = self._stream.read(self._position, self._position + count)
        self._position += len(data)
        return data


def read_attachment(
    item: MediaItem, *, platform: str, max_bytes: int, index: int = 0
) -> Attachment:
    """The attachment's bytes and type; PreflightFailed when it is too big or unreadable.

    It holds the whole file in memory: for images. Upload videos from `open_attachment()`.
    """
    with open_attachment(
        item, platform=platform, max_bytes=max_bytes, index=index
    ) as stream:
        return Attachment(stream.read(0, stream.size), stream.content_type, stream.name)


@contextmanager
def open_attachment(
    item: MediaItem, *, platform: str, max_bytes: int, index: int = 0
) -> Iterator[AttachmentStream]:
    """Open the attachment for reading in pieces; any temporary file is removed on exit.

    Raises PreflightFailed (`<platform>.media.reachable`, `<platform>.media.<kind>_size_max`)
    before yielding when it is missing, unreachable or bigger than `max_bytes`, and
    PlatformUnavailable when a URL cannot be fetched.
    """
    if item.media_id:
        with _open_stored(
            item, platform=platform, max_bytes=max_bytes, index=index
        ) as stream:
            yield stream
    elif item.url:
        with _open_download(
            item, platform=platform, max_bytes=max_bytes, index=index
        ) as stream:
            yield stream
    else:
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


@contextmanager
def _spooled(
    chunks: Iterable[bytes],
    item: MediaItem,
    *,
    platform: str,
    max_bytes: int,
    index: int,
) -> Iterator[tuple[IO[bytes], int]]:
    """Copy `chunks` into a temporary file, refusing past `max_bytes`; (file, size)."""
    with tempfile.SpooledTemporaryFile(
        max_size=SPOOL_MEMORY_BYTES, prefix="letmepost-attachment-"
    ) as spool:
        size = 0
        for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                raise _too_big(item, platform, index, size, max_bytes)
            try:
                spool.write(chunk)
            except (
                OSError
            ) as exc:  # the temp dir is full: nothing was sent anywhere yet
                raise PlatformUnavailable(
                    f"media[{index}] could not be buffered for upload: {exc}",
                    platform=platform,
                    remediation="Retry later; the operator should check free space in the "
                    "temporary directory.",
                ) from exc
        yield spool, size


@contextmanager
def _open_stored(
    item: MediaItem, *, platform: str, max_bytes: int, index: int
) -> Iterator[AttachmentStream]:
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
    declared = item.size_bytes or getattr(media, "size_bytes", None)
    if declared and declared > max_bytes:
        raise _too_big(item, platform, index, declared, max_bytes)
    content_type = (
        item.content_type
        or getattr(media, "content_type", None)
        or DEFAULT_TYPES.get(item.kind, "application/octet-stream")
    )
    name = _name(str(item.media_id), content_type)
    label = f"media[{index}]"
    with open_media(media) as handle:
        if handle.seekable():
            size = handle.seek(
                0, os.SEEK_END
            )  # the file's real length, not a record of it
            if size > max_bytes:
                raise _too_big(item, platform, index, size, max_bytes)
            yield AttachmentStream(
                handle, size=size, content_type=content_type, name=name, label=label
            )
            return
        pieces = iter(lambda: handle.read(CHUNK), b"")
        with _spooled(
            pieces, item, platform=platform, max_bytes=max_bytes, index=index
        ) as (spool, size):
            yield AttachmentStream(
                spool, size=size, content_type=content_type, name=name, label=label
            )


@contextmanager
def _open_download(
    item: MediaItem, *, platform: str, max_bytes: int, index: int
) -> Iterator[AttachmentStream]:
    assert item.url is not None
    with (
        ExitStack() as spool_scope
    ):  # the spool outlives the connection, not the caller
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
                header = response.headers.get("Content-Type", "").split(";")[0].strip()
                spool, size = spool_scope.enter_context(
                    _spooled(
                        response.iter_content(CHUNK),
                        item,
                        platform=platform,
                        max_bytes=max_bytes,
                        index=index,
                    )
                )
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
        yield AttachmentStream(
            spool,
            size=size,
            content_type=content_type,
            name=_name(f"media-{index}", content_type),
            label=f"media[{index}]",
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

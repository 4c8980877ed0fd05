"""The first upload handler on `POST /v1/media`: admit one part named `file`, under the cap.

Without it Django would write every file part of any size to disk before the view could say no.
Bytes of other file parts (and of a second `file` part) are dropped as they arrive (spec §9.1:
"drained and ignored"); the view turns the counts into `media.single_file` / `media.size_max`.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

FIELD = "file"


class MediaUploadGate(FileUploadHandler):
    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.file_parts = 0
        self.too_large = False
        self._admitted = False
        self._received = 0

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        if field_name == FIELD:
            self.file_parts += 1
        self._admitted = field_name == FIELD and self.file_parts == 1
        self._received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if not self._admitted:
            return None  # dropped: the handlers after this one never see it
        self._received += len(raw_data)
        if self._received > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)  # Django drains the rest unstored
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) builds the file


def install_gate(request: HttpRequest, limit: int) -> MediaUploadGate | None:
    """Put the gate first; None if the body was already parsed (e.g. by a session CSRF check)."""
    gate = MediaUploadGate(request, limit)
    try:
        request.upload_handlers = [gate, *request.upload_handlers]
    except AttributeError:
        return None
    return gate

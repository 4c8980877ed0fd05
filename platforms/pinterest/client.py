"""The Pinterest API v5 calls letmepost makes, over our one HTTP session.

Shapes follow Pinterest's OpenAPI description (a copy is in
tests/fixtures/platform-apis/pinterest/openapi.json). Errors are `{"code": int, "message": str}`; they map to the catalog:

| upstream | raised |
|---|---|
| 401 | `PlatformAuthFailed` (token expired or revoked) |
| 403 | `PlatformAuthFailed` (a scope is missing, or the board is not the user's) |
| 429 | `PlatformRateLimited`, `retry_after` from `Retry-After` / `X-RateLimit-Reset` |
| other 4xx | `PlatformRejected`, the body untouched as `platformResponse` |
| 5xx, or no answer, to `POST /pins` | `PublishOutcomeUnknown` (reconciled by listing the board) |
| 5xx otherwise, or no connection | `PlatformUnavailable` |
"""

from __future__ import annotations

import io
from typing import Any

import requests
from urllib3.fields import RequestField
from urllib3.filepost import choose_boundary

from letmepost.errors import PlatformRejected
from platforms.attachments import AttachmentStream, Section
from platforms.oauth import TokenClient
from platforms.upstream import delta_seconds, json_object, retry_after

PLATFORM = "pinterest"
DEFAULT_BASE = "https://api.pinterest.com/v5"
UPLOAD_TIMEOUT = (10.0, 600.0)  # a video upload to the presigned URL may take minutes
BOARD_DUPLICATE_CODE = 58


class StreamedForm:
    """A multipart/form-data body whose file part is read from the attachment as it is sent.

    `requests` reads a file given in `files=` into memory to build the body; given this as
    `data=` it sends `Content-Length: len(form)` and reads it in small blocks. The layout is
    urllib3's `encode_multipart_formdata` (what `files=` produces): each field, then the file,
    each part's headers rendered by urllib3's own `RequestField`.
    """

    def __init__(
        self, fields: dict[str, str], file_field: str, file: AttachmentStream
    ) -> None:
        self.boundary = choose_boundary()
        head = b"".join(
            self._part_head(RequestField(name=name, data=value))
            + value.encode("utf-8")
            + b"\r\n"
            for name, value in fields.items()
        )
        head += self._part_head(
            RequestField(name=file_field, data=b"", filename=file.name),
            content_type=file.content_type,
        )
        tail = f"\r\n--{self.boundary}--\r\n".encode("latin-1")
        self._pieces: list[Section | io.BytesIO] = [
            io.BytesIO(head),
            file.section(0, file.size),
            io.BytesIO(tail),
        ]
        self._length = len(head) + file.size + len(tail)

    def _part_head(self, field: RequestField, content_type: str | None = None) -> bytes:
        field.make_multipart(content_type=content_type)
        rendered = f"--{self.boundary}\r\n" + field.render_headers()
        return rendered.encode("utf-8")

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return self._length

    def read(self, size: int | None = -1) -> bytes:
        whole = size is None or size < 0
        out: list[bytes] = []
        wanted = size or 0
        for piece in self._pieces:
            if not whole and wanted <= 0:
                break
            data = piece.read(-1 if whole else wanted)
            out.append(data)
            wanted -= len(data)
        return b"".join(out)


class PinterestClient(TokenClient):
    platform = PLATFORM
    name = "Pinterest"
    default_base = DEFAULT_BASE
    auth_remediation = (
        "Reconnect the Pinterest account and grant every requested scope."
    )

    def call(
        self, method: str, path: str, *, write: bool = False, **kwargs: Any
    ) -> dict[str, Any]:
        """One API call; the parsed 2xx body (always an object here), or the mapped error."""
        return json_object(self.bearer_call(method, path, write=write, **kwargs))

    def retry_after(self, response: requests.Response) -> int:
        # Retry-After first, then the window's reset (in seconds from now).
        headers = response.headers
        waits = (
            delta_seconds(headers.get(h)) for h in ("Retry-After", "X-RateLimit-Reset")
        )
        return retry_after(response, *waits)

    # --- the calls --------------------------------------------------------------------------

    def user_account(self) -> dict[str, Any]:
        return self.call("GET", "/user_account")

    def boards(
        self, *, page_size: int = 25, bookmark: str | None = None
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"page_size": page_size}
        if bookmark:
            params["bookmark"] = bookmark
        return self.call("GET", "/boards", params=params)

    def all_boards(self, limit: int) -> list[dict[str, Any]]:
        """The account's first `limit` boards, following bookmarks."""
        found: list[dict[str, Any]] = []
        bookmark = None
        while len(found) < limit:
            page = self.boards(
                page_size=min(250, limit - len(found)), bookmark=bookmark
            )
            found += page.get("items") or []
            bookmark = page.get("bookmark")
            if not bookmark:
                break
        return found[:limit]

    def create_board(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.call("POST", "/boards", json=body)

    def board_pins(self, board_id: str, *, page_size: int = 50) -> list[dict[str, Any]]:
        page = self.call(
            "GET", f"/boards/{board_id}/pins", params={"page_size": page_size}
        )
        return page.get("items") or []

    def register_media(self) -> dict[str, Any]:
        return self.call("POST", "/media", json={"media_type": "video"})

    def get_media(self, media_id: str) -> dict[str, Any]:
        return self.call("GET", f"/media/{media_id}")

    def upload_file(
        self, upload_url: str, parameters: dict[str, Any], file: AttachmentStream
    ) -> None:
        """POST the file to the presigned upload URL: every parameter, then the file.

        No bearer token here: the URL is a storage bucket, not the API. The form is streamed
        (`StreamedForm`): the video is read from the file while it is sent.
        """
        form = StreamedForm({k: str(v) for k, v in parameters.items()}, "file", file)
        response = self.send(
            "POST",
            upload_url,
            what="the video upload",
            unreachable_rule="pinterest.video.upload_unreachable",
            data=form,
            headers={"Content-Type": form.content_type},
            timeout=UPLOAD_TIMEOUT,
        )
        if not response.ok:
            raise PlatformRejected(
                f"The video upload answered {response.status_code}; nothing was posted.",
                **self.fields(
                    platform_response=self.read(response),
                    rule="pinterest.video.upload_failed",
                ),
                remediation="Retry; a fresh upload slot is registered on every attempt.",
            )

    def create_pin(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.call("POST", "/pins", json=body, write=True)

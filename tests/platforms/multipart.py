"""Read a multipart/form-data request body back into its parts, for fakes that check uploads."""

from __future__ import annotations

from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP

import requests


@dataclass(frozen=True)
class Part:
    filename: str | None
    content_type: str | None
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode()


def parts(request: requests.PreparedRequest) -> dict[str, Part]:
    """Every part of the body by its field name (the email parser does the MIME work)."""
    body = request.body
    assert isinstance(body, bytes), "not a multipart body"
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    assert message.is_multipart(), request.headers["Content-Type"]
    found: dict[str, Part] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        assert isinstance(name, str)
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found[name] = Part(
            filename=part.get_filename(),
            content_type=part.get("Content-Type"),
            data=payload,
        )
    return found

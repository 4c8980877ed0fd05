"""Postiz's error bodies, with our envelope members alongside (spec/postiz-compat.md §3, D20).

Postiz clients string-match `msg` or `message`, so those keep Postiz's shape and wording. Every
other member of our envelope (`code`, `rule`, `remediation`, `docUrl`, `requestId`, …) is added at
the top level where it does not collide, so a client that knows letmepost still gets the details.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, JsonResponse

from letmepost.api.errors import envelope
from letmepost.api.request_id import request_id_for
from letmepost.errors import (
    InternalError,
    LetmepostError,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)

THROTTLED = "ThrottlerException: Too Many Requests"


class PostizError(Exception):
    """An answer in one of Postiz's shapes; `error` supplies the envelope members."""

    def __init__(
        self, body: dict[str, Any], status: int, error: LetmepostError
    ) -> None:
        super().__init__(error.message)
        self.body, self.status, self.error = body, status, error


def msg(
    text: str, status: int = 400, error: LetmepostError | None = None
) -> PostizError:
    """The controller's `HttpException({msg})` body: `{"msg": "No file provided"}`."""
    error = error or _default_error(text, status)
    return PostizError({"msg": text}, status, error)


def nest(
    message: str | list[str], status: int = 400, error: LetmepostError | None = None
) -> PostizError:
    """NestJS's default body; class-validator failures carry a list of messages."""
    text = message if isinstance(message, str) else "; ".join(message)
    error = error or _default_error(text, status)
    return PostizError(_nest_body(message, status), status, error)


def provider(
    identifier: str, name: str, message: str, error: LetmepostError
) -> PostizError:
    """Postiz's `PostValidationException`: a channel's content check failed."""
    body = {"statusCode": 400, "provider": identifier, "name": name, "message": message}
    return PostizError(body, 400, error)


def _nest_body(message: str | list[str], status: int) -> dict[str, Any]:
    return {
        "message": message,
        "error": HTTPStatus(status).phrase
        if status in HTTPStatus._value2member_map_
        else "Error",
        "statusCode": status,
    }


def _default_error(text: str, status: int) -> LetmepostError:
    if status == 401:
        return Unauthenticated(text)
    if status == 404:
        return NotFound(text)
    if status >= 500:
        return InternalError(text, status=status)
    return ValidationFailed(text, status=status)


def postiz_part(code: str, message: str, status: int) -> dict[str, Any]:
    """The Postiz members for one of our errors, when no view chose a more specific body."""
    if code == "rate_limited":
        return {"statusCode": 429, "message": THROTTLED}
    if code in ("unauthenticated", "not_found"):
        return {"msg": message}
    if status >= 500:
        return {"statusCode": status, "message": "Internal server error"}
    return _nest_body(message, status)


def from_error(error: LetmepostError) -> PostizError:
    return PostizError(
        postiz_part(error.code, error.message, error.status), error.status, error
    )


def merge_envelope(body: dict[str, Any], members: dict[str, Any]) -> dict[str, Any]:
    """Add our envelope's members next to Postiz's; Postiz's win where the names collide."""
    merged = dict(body)
    for key, value in members.items():
        merged.setdefault(key, value)
    return merged


def body_with_envelope(failure: PostizError, request_id: str) -> dict[str, Any]:
    return merge_envelope(failure.body, envelope(failure.error, request_id)["error"])


def render(failure: PostizError, request: HttpRequest) -> JsonResponse:
    response = JsonResponse(
        body_with_envelope(failure, request_id_for(request)),
        status=failure.status,
        safe=False,
    )
    for header, value in failure.error.headers().items():
        response[header] = value
    # Tell ApiBoundaryMiddleware (and ours) this error body is already final.
    response.lmp_envelope = True  # type: ignore[attr-defined]
    response.postiz_shaped = True  # type: ignore[attr-defined]
    return response

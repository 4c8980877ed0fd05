"""Give every request an id: the caller's X-Request-Id when it is well-formed, else `req_<ULID>`."""

from __future__ import annotations

import contextvars
import logging
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from ulid import ULID

from letmepost.logging import log_context

_VALID = re.compile(r"^[A-Za-z0-9_=-]{1,255}$")
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default="-"
)


def new_request_id() -> str:
    return f"req_{ULID()}"


def request_id_for(request: HttpRequest) -> str:
    """Return the id the middleware assigned, or a fresh one for requests it never saw."""
    return getattr(request, "request_id", None) or new_request_id()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-Id", "")
        request_id = given if _VALID.fullmatch(given) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]  # read by request_id_for
        token = current_request_id.set(request_id)
        try:
            # Log lines under this request carry its id and, once auth has run, its workspace.
            with log_context(request_id=request_id, request=request):
                response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-Id"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Stamp log records with the id of the request being served ("-" outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True

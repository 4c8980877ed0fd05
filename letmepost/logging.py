"""Log records with context: JSON lines in production, readable lines in embedded mode.

Context (request id, workspace, target, platform, attempt) lives in one contextvar: the request-id
middleware binds the request, the dispatcher binds the target it is publishing. A filter copies it
onto every record, and scrubs credential-shaped strings so a stray token never reaches the log.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

CONTEXT_FIELDS = ("request_id", "workspace", "target_id", "platform", "attempt")
_context: ContextVar[dict[str, Any] | None] = ContextVar("log_context", default=None)

# Our key and secret prefixes, bearer headers, and token-ish query parameters.
_SECRET_PATTERNS = (
    re.compile(r"\b(lmp_(?:live|test)_|whsec_)[A-Za-z0-9_\-]+"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=\-]+"),
    re.compile(
        r"(?i)(\b(?:access_token|refresh_token|client_secret|code|token)=)[^&\s\"']+"
    ),
)


@contextmanager
def log_context(**fields: Any) -> Iterator[dict[str, Any]]:
    """Add `fields` to every record logged inside the block (and in nothing it hands to threads)."""
    token = _context.set({**(_context.get() or {}), **fields})
    try:
        yield _context.get() or {}
    finally:
        _context.reset(token)


def add_log_context(**fields: Any) -> None:
    """Add fields to the innermost `log_context` block; a no-op outside one, so nothing leaks."""
    if (current := _context.get()) is not None:
        current.update(fields)


def current_log_context() -> dict[str, Any]:
    return dict(_context.get() or {})


def redact(text: str) -> str:
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


def _workspace_of(request: Any) -> str | None:
    principal = getattr(request, "principal", None)
    workspace_id = getattr(principal, "workspace_id", None) or getattr(
        getattr(principal, "workspace", None), "pk", None
    )
    return str(workspace_id) if workspace_id else None


class ContextFilter(logging.Filter):
    """Stamp each record with the context fields and scrub secrets from its message."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get() or {}
        request = context.get("request")
        for name in CONTEXT_FIELDS:
            value = context.get(name)
            if name == "workspace" and value is None and request is not None:
                value = _workspace_of(request)  # known only once auth has run
            setattr(record, name, None if value is None else str(value))
        if not getattr(record, "request_id", None):
            from letmepost.api.request_id import current_request_id

            rid = current_request_id.get()
            record.request_id = None if rid == "-" else rid
        message = record.getMessage()
        scrubbed = redact(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; context fields appear only when set."""

    def formatException(self, ei: Any) -> str:
        return redact(super().formatException(ei))

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            if (value := getattr(record, name, None)) is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class ConsoleFormatter(logging.Formatter):
    """`time level logger [request] message key=value…` for people reading a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = " ".join(
            f"{name}={value}"
            for name in CONTEXT_FIELDS
            if (value := getattr(record, name, None)) is not None
        )
        if not extras:
            return line
        head, newline, tail = line.partition(
            "\n"
        )  # a traceback stays below the first line
        return f"{head} {extras}{newline}{tail}"

    def formatException(self, ei: Any) -> str:
        return redact(super().formatException(ei))


def logging_config(*, level: str, fmt: str) -> dict[str, Any]:
    """The LOGGING dict for settings: every record to stderr, in `fmt` ("json" or "console")."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "letmepost.logging.ContextFilter"}},
        "formatters": {
            "json": {"()": "letmepost.logging.JsonFormatter"},
            "console": {"()": "letmepost.logging.ConsoleFormatter"},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": fmt,
                "filters": ["context"],
            },
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {"django.request": {"level": "ERROR"}},
    }

"""Small helpers every platform client shares to read upstream answers and failures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import requests
import urllib3
from django.utils import timezone
from django.utils.dateparse import parse_datetime

MAX_TEXT_BODY = 10_000  # non-JSON error pages are kept, but not megabytes of them
# Longer waits are all the same to us (the engine caps waits at a day, posts.dispatch.capped_wait),
# and int() refuses strings of more than 4,300 digits.
MAX_WAIT_DIGITS = 18


def body_of(response: requests.Response) -> Any:
    """The upstream body untouched: parsed JSON, else (truncated) text."""
    try:
        return response.json()
    except ValueError:
        return response.text[:MAX_TEXT_BODY]


def never_sent(exc: requests.RequestException) -> bool:
    """True when the request certainly did not reach the server (no connection was made).

    Refused connections, failed DNS lookups and connect timeouts qualify; a read timeout or a
    connection dropped while waiting for the answer does not: the server may have acted on it.
    """
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # MaxRetryError wraps the real cause
    return isinstance(
        reason,
        urllib3.exceptions.NewConnectionError | urllib3.exceptions.ConnectTimeoutError,
    )


def network_failure(exc: requests.RequestException) -> dict[str, str]:
    """What stands in for `platformResponse` when no response came back."""
    return {"error": type(exc).__name__, "message": str(exc)}


def delta_seconds(value: str | None) -> int | None:
    """Whole seconds from a header (`Retry-After: 120`, an epoch-second reset), else None.

    Only ASCII digits count: `"²".isdigit()` is true and int() refuses it. A value longer than
    MAX_WAIT_DIGITS reads as 10**MAX_WAIT_DIGITS; the engine caps every wait anyway.
    """
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    return int(value) if len(value) <= MAX_WAIT_DIGITS else 10**MAX_WAIT_DIGITS


def seconds_until(value: str | None, now: datetime | None = None) -> int | None:
    """Seconds from now until an ISO 8601 time in a header, else None (absent or unreadable)."""
    try:
        moment = parse_datetime((value or "").strip())
        if moment is None:
            return None
        if moment.tzinfo is None:
            moment = timezone.make_aware(moment, timezone.UTC)
        return int((moment - (now or timezone.now())).total_seconds())
    except ValueError:  # well-formed but impossible: 2026-02-30
        return None

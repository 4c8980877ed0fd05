"""Small helpers every platform client shares to read upstream answers and failures."""

from __future__ import annotations

from typing import Any

import requests
import urllib3

MAX_TEXT_BODY = 10_000  # non-JSON error pages are kept, but not megabytes of them


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

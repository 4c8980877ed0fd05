"""Verify a letmepost webhook. Pure standard library: copy this file into your receiver.

    from verify import verify_webhook, InvalidSignature

    try:
        event = verify_webhook(raw_body, request.headers, secret="whsec_…")
    except InvalidSignature:
        return 400
    # dedupe on event["id"]: a retried or replayed event keeps its id

Pass the raw request body bytes exactly as received: re-serialised JSON will not verify.
`verify_webhook` checks `X-Letmepost-Signature-V2` (timestamped, rejects deliveries older than
`tolerance` seconds) when present, else the reference's `X-Letmepost-Signature`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

DEFAULT_TOLERANCE_SECONDS = 300


class InvalidSignature(Exception):
    """The body was not signed with this secret, or the signature is too old."""


def _expected(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_signature(payload: bytes, header: str, secret: str) -> bool:
    """Check `X-Letmepost-Signature` (`sha256=<hex>`; the bare hex is accepted too)."""
    given = header.strip()
    if given.startswith("sha256="):
        given = given[len("sha256=") :]
    return hmac.compare_digest(given.lower(), _expected(secret, payload))


def verify_signature_v2(
    payload: bytes,
    header: str,
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """Check `X-Letmepost-Signature-V2` (`t=<unix>,v1=<hex>[,v1=<hex>…]`) and its age."""
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value.lower())
    if timestamp is None or not candidates:
        return False
    current = time.time() if now is None else now
    if tolerance and abs(current - timestamp) > tolerance:
        return False
    expected = _expected(secret, str(timestamp).encode() + b"." + payload)
    # compare every candidate so timing does not reveal which one matched
    return any([hmac.compare_digest(c, expected) for c in candidates])  # noqa: C419


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def verify_webhook(
    payload: bytes,
    headers: Mapping[str, str],
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> dict[str, Any]:
    """Return the parsed event if the request is authentic, else raise InvalidSignature."""
    v2 = _header(headers, "X-Letmepost-Signature-V2")
    if v2 is not None:
        ok = verify_signature_v2(payload, v2, secret, tolerance=tolerance, now=now)
    else:
        v1 = _header(headers, "X-Letmepost-Signature")
        ok = v1 is not None and verify_signature(payload, v1, secret)
    if not ok:
        raise InvalidSignature("The webhook signature does not match.")
    event: dict[str, Any] = json.loads(payload)
    return event

"""Verify that a webhook request came from your letmepost server (standard library only).

    from letmepost import webhooks

    try:
        event = webhooks.verify(raw_body, request.headers, secret="whsec_...")
    except webhooks.InvalidSignature:
        return 400
    # dedupe on event["id"]: a retried or replayed event keeps its id

Pass the raw body bytes exactly as received; re-serialised JSON will not verify. When the
timestamped `X-Letmepost-Signature-V2` header is present it is checked (and deliveries older
than `tolerance` seconds are refused); otherwise `X-Letmepost-Signature` (`sha256=<hex>`).
The HMAC key is the whole `whsec_...` string as UTF-8, never base64-decoded.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

SIGNATURE_HEADER = "X-Letmepost-Signature"
SIGNATURE_V2_HEADER = "X-Letmepost-Signature-V2"
TIMESTAMP_HEADER = "X-Letmepost-Timestamp"
EVENT_HEADER = "X-Letmepost-Event"
EVENT_ID_HEADER = "X-Letmepost-Event-Id"
DELIVERY_ID_HEADER = "X-Letmepost-Delivery-Id"
DEFAULT_TOLERANCE_SECONDS = 300


class InvalidSignature(Exception):
    """The body was not signed with this secret, or the signature is too old."""


def _expected(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _as_bytes(payload: bytes | bytearray | str) -> bytes:
    return payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)


def verify_signature(payload: bytes | str, header: str, secret: str) -> bool:
    """Check `X-Letmepost-Signature` (`sha256=<hex>`; the bare hex is accepted too)."""
    given = header.strip()
    if given.startswith("sha256="):
        given = given[len("sha256=") :]
    return hmac.compare_digest(given.lower(), _expected(secret, _as_bytes(payload)))


def verify_signature_v2(
    payload: bytes | str,
    header: str,
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """Check `X-Letmepost-Signature-V2` (`t=<unix>,v1=<hex>[,v1=<hex>...]`) and its age."""
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
    expected = _expected(secret, str(timestamp).encode() + b"." + _as_bytes(payload))
    # compare every candidate so the timing does not reveal which one matched
    return any([hmac.compare_digest(c, expected) for c in candidates])  # noqa: C419


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def verify(
    payload: bytes | str,
    headers: Mapping[str, str],
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> dict[str, Any]:
    """Return the parsed event if the request is authentic, else raise InvalidSignature."""
    v2 = _header(headers, SIGNATURE_V2_HEADER)
    if v2 is not None:
        ok = verify_signature_v2(payload, v2, secret, tolerance=tolerance, now=now)
    else:
        v1 = _header(headers, SIGNATURE_HEADER)
        ok = v1 is not None and verify_signature(payload, v1, secret)
    if not ok:
        raise InvalidSignature("The webhook signature does not match.")
    event: dict[str, Any] = json.loads(payload)
    return event

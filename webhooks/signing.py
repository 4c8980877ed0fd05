"""Webhook signatures (spec D11): the reference's header, plus a timestamped one for replay checks.

- `X-Letmepost-Signature: sha256=<hex HMAC-SHA256(secret, body)>` — what the published SDKs check.
- `X-Letmepost-Timestamp: <unix seconds>` and
  `X-Letmepost-Signature-V2: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.

The key is the whole `whsec_…` string as UTF-8 bytes, never base64-decoded.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret


def new_secret() -> str:
    """`whsec_` and 43 base64url characters (32 random bytes)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_headers(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "X-Letmepost-Signature": "sha256=" + _hex(secret, body),
        "X-Letmepost-Timestamp": str(timestamp),
        "X-Letmepost-Signature-V2": f"t={timestamp},v1="
        + _hex(secret, str(timestamp).encode() + b"." + body),
    }

"""Meta's `signed_request`: `base64url(HMAC-SHA256(payload, app secret)).base64url(JSON payload)`.

The payload names its algorithm (`HMAC-SHA256`) and the app-scoped `user_id` of the person who
removed the app or asked for their data to be deleted. The value is a credential: never log it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from letmepost.errors import PlatformNotEnabled, Unauthenticated, ValidationFailed

ALGORITHM = "HMAC-SHA256"
RULE = "signed_request"
META_PLATFORMS = ("facebook", "instagram", "threads")


def _b64decode(part: str) -> bytes:
    # Meta strips the padding (and sometimes appends a stray "="): pad to a multiple of four.
    part = part.rstrip("=")
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _invalid(message: str) -> Unauthenticated:
    return Unauthenticated(
        message,
        rule=RULE,
        remediation=(
            "Paste this URL only in the Meta app whose secret letmepost is configured with "
            "(docs/platforms/facebook.md, Meta callbacks)."
        ),
    )


def verify(signed_request: str, secrets: Mapping[str, str]) -> tuple[list[str], str]:
    """Return the platforms whose app secret signed the request, and the app-scoped user id.

    `secrets` maps each candidate platform to its app secret. Raises `validation_failed` when the
    field is missing, `platform_not_enabled` when no candidate has a secret, `unauthenticated`
    for a bad signature, algorithm or payload.
    """
    if not signed_request:
        raise ValidationFailed(
            "The signed_request form field is missing.",
            rule=RULE,
            remediation="Only Meta calls this URL, with a form-encoded signed_request.",
        )
    configured = {p: s for p, s in secrets.items() if s}
    if not configured:
        names = " / ".join(f"{p.upper()}_CLIENT_SECRET" for p in secrets)
        raise PlatformNotEnabled(
            f"No Meta app secret is configured for {', '.join(secrets)}.",
            rule="platform.not_configured",
            remediation=f"Set {names}, then restart letmepost.",
        )
    encoded_sig, _, encoded_payload = signed_request.partition(".")
    try:
        signature = _b64decode(encoded_sig)
    except (binascii.Error, ValueError):
        raise _invalid("The signed_request is not base64url.") from None
    signed_by = [
        platform
        for platform, secret in configured.items()
        if hmac.compare_digest(
            signature,
            hmac.new(
                secret.encode(),
                encoded_payload.encode("ascii", "replace"),
                hashlib.sha256,
            ).digest(),
        )
    ]
    if not encoded_payload or not signed_by:
        raise _invalid("The signed_request signature does not match the app secret.")
    payload = _payload(encoded_payload)
    if str(payload.get("algorithm", "")).upper() != ALGORITHM:
        raise _invalid(f"The signed_request algorithm is not {ALGORITHM}.")
    user_id = payload.get("user_id")
    if (
        not isinstance(user_id, str | int)
        or isinstance(user_id, bool)
        or not str(user_id)
    ):
        raise _invalid("The signed_request names no user_id.")
    return signed_by, str(user_id)


def _payload(encoded: str) -> dict[str, Any]:
    try:
        payload = json.loads(_b64decode(encoded))
    except (binascii.Error, ValueError):
        raise _invalid("The signed_request payload is not base64url JSON.") from None
    if not isinstance(payload, dict):
        raise _invalid("The signed_request payload is not a JSON object.")
    return payload

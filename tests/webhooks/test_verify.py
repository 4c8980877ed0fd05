"""webhooks/verify.py, the stdlib helper receivers copy, checked against our signer."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest

from webhooks.signing import new_secret, signature_headers
from webhooks.verify import (
    InvalidSignature,
    verify_signature,
    verify_signature_v2,
    verify_webhook,
)

BODY = b'{"id":"e1","type":"post.published","data":{}}'


def test_a_signed_body_verifies_with_either_header() -> None:
    secret = new_secret()
    now = int(time.time())
    headers = signature_headers(secret, BODY, now)
    assert verify_signature(BODY, headers["X-Letmepost-Signature"], secret)
    bare = headers["X-Letmepost-Signature"].removeprefix("sha256=")
    assert verify_signature(BODY, bare, secret)  # with or without the prefix
    assert verify_signature_v2(BODY, headers["X-Letmepost-Signature-V2"], secret)
    lower = {k.lower(): v for k, v in headers.items()}
    assert verify_webhook(BODY, lower, secret)["id"] == "e1"


def test_tampering_a_wrong_secret_or_an_old_timestamp_fails() -> None:
    secret = new_secret()
    now = int(time.time())
    headers = signature_headers(secret, BODY, now)
    assert not verify_signature(BODY + b" ", headers["X-Letmepost-Signature"], secret)
    assert not verify_signature(BODY, headers["X-Letmepost-Signature"], new_secret())
    assert not verify_signature(BODY, "sha256=abc", secret)
    old = signature_headers(secret, BODY, now - 301)
    assert not verify_signature_v2(BODY, old["X-Letmepost-Signature-V2"], secret)
    assert verify_signature_v2(
        BODY, old["X-Letmepost-Signature-V2"], secret, tolerance=0
    )
    assert not verify_signature_v2(BODY, "v1=deadbeef", secret)
    with pytest.raises(InvalidSignature):
        verify_webhook(BODY, old, secret)
    with pytest.raises(InvalidSignature):
        verify_webhook(BODY, {}, secret)


def test_the_reference_header_alone_is_enough() -> None:
    """Receivers written for the reference (no timestamp) keep working."""
    secret = new_secret()
    digest = hmac.new(secret.encode(), BODY, hashlib.sha256).hexdigest()
    event = verify_webhook(BODY, {"X-Letmepost-Signature": f"sha256={digest}"}, secret)
    assert event["type"] == "post.published"


def test_secrets_have_the_documented_form() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_") and len(secret) == 49
    assert set(secret[6:]) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )

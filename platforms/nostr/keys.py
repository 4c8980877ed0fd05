"""Nostr keys and NIP-19 names: a private key from `nsec1…` or hex, `npub`/`nevent` for people.

Signing is libsecp256k1's (through coincurve) and bech32 is the reference implementation (the
`bech32` package): nothing cryptographic is written here. A private key is never put in a
message or an exception, so a typo in one cannot leak the rest of it into logs.
"""

from __future__ import annotations

import re

import coincurve
from bech32 import bech32_decode, bech32_encode, convertbits

from letmepost.errors import ValidationFailed

HEX64 = re.compile(r"^[0-9a-f]{64}$")
KEY_REMEDIATION = (
    "Paste the account's private key as nsec1… (from your Nostr app's key export) or as 64 "
    "hex characters."
)


def _decode(expected_hrp: str, value: str) -> bytes | None:
    hrp, data = bech32_decode(value)
    if hrp != expected_hrp or data is None:
        return None
    raw = convertbits(data, 5, 8, False)
    return bytes(raw) if raw is not None else None


def _encode(hrp: str, data: bytes) -> str:
    words = convertbits(data, 8, 5, True)
    assert words is not None  # 8→5 with padding always converts
    return bech32_encode(hrp, words)


def private_key(value: object) -> coincurve.PrivateKey:
    """The signing key from `nsec1…` (NIP-19) or 64 hex characters; ValidationFailed otherwise."""
    raw = value.strip() if isinstance(value, str) else ""
    secret: bytes | None = None
    if raw.lower().startswith("nsec1"):
        secret = _decode("nsec", raw.lower())
    elif HEX64.match(raw.lower()):
        secret = bytes.fromhex(raw.lower())
    if secret is None or len(secret) != 32:
        raise ValidationFailed(
            "privateKey is not a Nostr private key (nsec1… or 64 hex characters)."
            if raw
            else "privateKey is required.",
            rule="privateKey",
            remediation=KEY_REMEDIATION,
        )
    try:
        return coincurve.PrivateKey(secret)
    except ValueError:  # zero, or not below the curve order
        raise ValidationFailed(
            "privateKey is outside the secp256k1 key range.",
            rule="privateKey",
            remediation=KEY_REMEDIATION,
        ) from None


def public_key_hex(key: coincurve.PrivateKey) -> str:
    """The x-only (BIP-340) public key, lowercase hex: an event's `pubkey`."""
    return key.public_key_xonly.format().hex()


def npub(pubkey_hex: str) -> str:
    return _encode("npub", bytes.fromhex(pubkey_hex))


def nevent(event_id: str, relays: list[str], author: str) -> str:
    """NIP-19 `nevent`: TLV 0 the id, 1 each relay hint, 2 the author."""
    tlv = bytearray()
    for kind, value in (
        (0, bytes.fromhex(event_id)),
        *((1, relay.encode()) for relay in relays),
        (2, bytes.fromhex(author)),
    ):
        tlv += bytes((kind, len(value))) + value
    return _encode("nevent", bytes(tlv))

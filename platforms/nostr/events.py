"""NIP-01 events: the id (sha256 of the canonical serialization), the BIP-340 signature, and the
checks a reader applies to an event a relay hands back.

An event is fully determined by (pubkey, created_at, kind, tags, content), and BIP-340 signing
with fixed auxiliary data is deterministic too: the same draft signed twice is the same
event, byte for byte. That is the idempotency key (adapter.py explains how it is used).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

import coincurve

from platforms.nostr.keys import public_key_hex

TEXT_NOTE = 1  # NIP-10: kind 1, a plaintext note


def serialize(
    pubkey: str, created_at: int, kind: int, tags: list[list[str]], content: str
) -> bytes:
    """NIP-01's canonical form: `[0,pubkey,created_at,kind,tags,content]`, compact UTF-8 JSON.

    json.dumps escapes exactly NIP-01's list (\\n \\" \\\\ \\r \\t \\b \\f) and keeps every
    other character verbatim with ensure_ascii=False (other control characters become \\u00XX,
    as JavaScript's JSON.stringify writes them too).
    """
    return json.dumps(
        [0, pubkey, created_at, kind, tags, content],
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def event_id(
    pubkey: str, created_at: int, kind: int, tags: list[list[str]], content: str
) -> str:
    return hashlib.sha256(
        serialize(pubkey, created_at, kind, tags, content)
    ).hexdigest()


@dataclass(frozen=True)
class Event:
    id: str
    pubkey: str
    created_at: int
    kind: int
    tags: list[list[str]]
    content: str
    sig: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def sign(
    key: coincurve.PrivateKey,
    *,
    created_at: int,
    content: str,
    tags: list[list[str]] | None = None,
    kind: int = TEXT_NOTE,
) -> Event:
    """A signed event; the same arguments give the same event (deterministic BIP-340)."""
    pubkey = public_key_hex(key)
    tags = [list(tag) for tag in tags or []]
    eid = event_id(pubkey, created_at, kind, tags, content)
    # Fixed (zero) auxiliary data: BIP-340 then derives the nonce from the key and the id
    # alone, so a retry re-sends a byte-identical event.
    sig = key.sign_schnorr(bytes.fromhex(eid), aux_randomness=bytes(32)).hex()
    return Event(eid, pubkey, created_at, kind, tags, content, sig)


def is_valid(data: Any) -> bool:
    """True for a well-formed event whose id and signature check out (what a relay returned)."""
    try:
        tags = [[str(v) for v in tag] for tag in data["tags"]]
        eid = event_id(
            data["pubkey"],
            int(data["created_at"]),
            int(data["kind"]),
            tags,
            data["content"],
        )
        if eid != data["id"]:
            return False
        author = coincurve.PublicKeyXOnly(bytes.fromhex(data["pubkey"]))
        return bool(author.verify(bytes.fromhex(data["sig"]), bytes.fromhex(eid)))
    except (KeyError, TypeError, ValueError):
        return False

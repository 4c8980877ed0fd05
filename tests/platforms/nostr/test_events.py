"""Keys and events, checked against NIP-19's vectors and NIP-01's serialization rules."""

from __future__ import annotations

import hashlib

import coincurve
import pytest

from letmepost.errors import ValidationFailed
from platforms.nostr.events import TEXT_NOTE, is_valid, serialize, sign
from platforms.nostr.keys import nevent, npub, private_key, public_key_hex
from tests.platforms.nostr.conftest import NSEC, SECRET_HEX


def test_an_nsec_and_its_hex_are_the_same_key() -> None:
    assert private_key(NSEC).secret.hex() == SECRET_HEX
    assert private_key(f"  {SECRET_HEX.upper()} ").secret.hex() == SECRET_HEX


def test_npub_encodes_nip19s_vector() -> None:
    vector = "7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e"
    assert npub(vector) == (
        "npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg"
    )


@pytest.mark.parametrize(
    "value",
    [
        "",
        "nsec1invalid",
        "npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg",
        "00" * 32,
        "ab" * 31,
        None,
    ],
)
def test_anything_but_a_private_key_is_refused_without_echoing_it(
    value: object,
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        private_key(value)
    assert refused.value.fields["rule"] == "privateKey"
    if isinstance(value, str) and value:
        assert value not in refused.value.message


def test_the_id_is_the_sha256_of_nip01s_compact_serialization() -> None:
    content = 'line\nquote " backslash \\ tab\t é 🙂'
    tags = [["t", "letmepost"]]
    event = sign(
        private_key(NSEC), created_at=1_700_000_000, content=content, tags=tags
    )
    raw = serialize(event.pubkey, 1_700_000_000, TEXT_NOTE, tags, content)
    # NIP-01: no whitespace, the listed escapes, every other character verbatim (UTF-8).
    assert (
        raw
        == (
            f'[0,"{event.pubkey}",1700000000,1,[["t","letmepost"]],'
            '"line\\nquote \\" backslash \\\\ tab\\t é 🙂"]'
        ).encode()
    )
    assert event.id == hashlib.sha256(raw).hexdigest()
    assert event.pubkey == public_key_hex(private_key(NSEC))
    assert len(event.sig) == 128 and is_valid(event.as_json())


def test_signing_the_same_note_twice_gives_the_same_event() -> None:
    key = private_key(NSEC)
    first = sign(key, created_at=1_700_000_000, content="hello")
    assert sign(key, created_at=1_700_000_000, content="hello") == first
    assert sign(key, created_at=1_700_000_001, content="hello").id != first.id


def test_a_tampered_event_does_not_verify() -> None:
    event = sign(private_key(NSEC), created_at=1_700_000_000, content="hello").as_json()
    assert not is_valid({**event, "content": "HELLO"})
    other = coincurve.PrivateKey()
    forged = sign(other, created_at=1_700_000_000, content="hello").as_json()
    assert not is_valid({**forged, "pubkey": event["pubkey"]})
    assert not is_valid({"id": "x"})


def test_nevent_carries_the_id_the_relays_and_the_author() -> None:
    from bech32 import bech32_decode, convertbits

    eid, author = "ab" * 32, "cd" * 32
    hrp, words = bech32_decode(nevent(eid, [], author))
    assert hrp == "nevent" and words is not None
    data = bytes(convertbits(words, 5, 8, False) or [])
    assert data == bytes([0, 32]) + bytes.fromhex(eid) + bytes([2, 32]) + bytes.fromhex(
        author
    )

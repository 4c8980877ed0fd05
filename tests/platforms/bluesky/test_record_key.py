"""Record keys derived from the target id: valid TIDs, stable, distinct."""

from __future__ import annotations

import re
import uuid

from letmepost.ids import uuid7
from platforms.bluesky.adapter import record_key

TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def tid_micros(key: str) -> int:
    value = 0
    for char in key:
        value = value * 32 + TID_ALPHABET.index(char)
    return value >> 10


def test_the_same_target_always_gets_the_same_valid_tid() -> None:
    token = str(uuid7())
    assert record_key(token) == record_key(token)
    assert TID.match(record_key(token))


def test_the_tid_carries_the_target_ids_time() -> None:
    token = uuid7()
    millis = token.int >> 80
    assert tid_micros(record_key(str(token))) // 1000 == millis


def test_targets_of_the_same_millisecond_get_different_keys() -> None:
    # A fixed id: the sub-millisecond bits are a 20-bit hash, so 199 random ids collide about
    # 2 % of the time (a birthday bound, not a defect of the test); a fixed one never flakes.
    base = uuid.UUID("019af0c2-5e1d-7b3a-9c4e-2f6d8a1b3c5e").int
    tokens = [str(uuid.UUID(int=base ^ n)) for n in range(1, 200)]  # random bits differ
    assert len({record_key(t) for t in tokens}) == len(tokens)


def test_thread_item_keys_differ_and_sort_after_their_target_in_order() -> None:
    token = str(uuid7())
    keys = [record_key(token)] + [record_key(f"{token}.{n}") for n in range(1, 26)]
    assert sorted(keys) == keys and len(set(keys)) == len(
        keys
    )  # listRecords: thread order
    assert all(TID.match(key) for key in keys)
    assert TID.match(record_key("not-a-uuid")) and TID.match(record_key("not-a-uuid.2"))

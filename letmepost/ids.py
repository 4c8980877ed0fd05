"""Identifiers: time-ordered UUIDv7 for rows (spec D1)."""

from __future__ import annotations

import uuid

import uuid6


def uuid7() -> uuid.UUID:
    return uuid.UUID(int=uuid6.uuid7().int)


def parse_uuid(value: str) -> uuid.UUID | None:
    """Return the UUID in `value`, or None: a malformed id in a path is "not found", never a 500."""
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None

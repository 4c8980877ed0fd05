"""Identifiers: time-ordered UUIDv7 for rows (spec D1)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, TypeVar

import uuid6

from letmepost.errors import NotFound

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

M = TypeVar("M", bound="Model")


def uuid7() -> uuid.UUID:
    return uuid.UUID(int=uuid6.uuid7().int)


def parse_uuid(value: str) -> uuid.UUID | None:
    """Return the UUID in `value`, or None: a malformed id in a path is "not found", never a 500."""
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def get_by_id(
    rows: QuerySet[M], value: str, resource: str, *, rule: str | None = None
) -> M:
    """The row of `rows` whose public `id` is `value`, else not_found ("No such <resource>."):
    a malformed id, a missing row and one outside `rows` (another workspace's) look the same."""
    uid = parse_uuid(value)
    row = rows.filter(id=uid).first() if uid else None
    if row is None:
        raise NotFound(resource=resource, rule=rule)
    return row

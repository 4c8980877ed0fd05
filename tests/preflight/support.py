"""Small builders for drafts and media, so rule tests read as data."""

from __future__ import annotations

from typing import Any

from platforms.base import Draft, MediaItem


def draft(text: str = "Hello", **fields: Any) -> Draft:
    return Draft(text=text, idempotency_token="test-token", **fields)


def image(**fields: Any) -> MediaItem:
    fields.setdefault("url", None)
    return MediaItem(kind="image", **fields)


def video(**fields: Any) -> MediaItem:
    return MediaItem(kind="video", **fields)


def document(**fields: Any) -> MediaItem:
    fields.setdefault("content_type", "application/pdf")
    return MediaItem(kind="document", **fields)


def images(n: int, **fields: Any) -> tuple[MediaItem, ...]:
    return tuple(image(media_id=f"med_{i}", **fields) for i in range(n))


def videos(n: int, **fields: Any) -> tuple[MediaItem, ...]:
    return tuple(video(media_id=f"med_{i}", **fields) for i in range(n))


def rule_ids(violations: list[Any]) -> list[str]:
    return [v.rule for v in violations]

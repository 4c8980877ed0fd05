"""Read Postiz's create-post body (spec/postiz-compat.md §5.1) the way its validators do.

Problems come back as Postiz reports them: `integration.id` checks first (one message), then every
class-validator message at once, with dotted paths such as `posts.0.value.0.image.0.path`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from postiz import errors

MEDIA_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".mp4")


@dataclass(frozen=True)
class Image:
    id: str
    path: str
    alt: str | None = None

    @property
    def kind(self) -> str:
        return "video" if urlsplit(self.path).path.lower().endswith(".mp4") else "image"


@dataclass(frozen=True)
class Value:
    content: str
    images: list[Image]


@dataclass(frozen=True)
class Entry:
    integration_id: str
    values: list[Value]
    settings: dict[str, Any]
    group: str | None = None


@dataclass(frozen=True)
class CreateRequest:
    type: str
    date: datetime
    short_link: bool
    tags: list[dict[str, Any]]
    entries: list[Entry]
    creation_method: str = "API"
    extra: dict[str, Any] = field(default_factory=dict)


def parse_date(raw: Any) -> datetime | None:
    """ISO 8601 as Postiz reads it: a time without an offset is UTC."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    # OverflowError: 9999-12-31T23:59-12:00 is past datetime.max once it is in UTC.
    try:
        value = datetime.fromisoformat(raw.strip())
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def parse_create(body: Any) -> CreateRequest:
    if not isinstance(body, dict):
        raise errors.nest(["body must be an object"])
    posts = body.get("posts")
    if isinstance(posts, list) and any(
        not isinstance(p, dict)
        or not isinstance(p.get("integration"), dict)
        or not p["integration"].get("id")
        for p in posts
    ):
        raise errors.nest("All posts must have an integration id")
    problems: list[str] = []
    date = parse_date(body.get("date"))
    if body.get("date") is None:
        problems.append("date should not be null or undefined")
    if date is None:
        problems.append("date must be a valid ISO 8601 date string")
    if body.get("shortLink") is None:
        problems.append("shortLink should not be null or undefined")
    if not isinstance(body.get("shortLink"), bool):
        problems.append("shortLink must be a boolean value")
    tags = body.get("tags")
    if not isinstance(tags, list):
        problems.append("tags must be an array")
        tags = []
    for i, tag in enumerate(tags):
        for key in ("value", "label"):
            if not isinstance(tag, dict) or not isinstance(tag.get(key), str):
                problems.append(f"tags.{i}.{key} must be a string")
    if not isinstance(posts, list):
        problems.append("posts must be an array")
        posts = []
    elif not posts:
        problems.append("posts must contain at least 1 elements")
    entries = [_entry(p, i, problems) for i, p in enumerate(posts)]
    if problems:
        raise errors.nest(problems)
    assert date is not None  # a problem was recorded otherwise
    method = body.get("creationMethod")
    return CreateRequest(
        type=str(body.get("type") or "schedule"),
        date=date,
        short_link=body["shortLink"],
        tags=tags,
        entries=entries,
        creation_method=method if method in ("API", "CLI") else "API",
    )


def _entry(raw: dict[str, Any], i: int, problems: list[str]) -> Entry:
    where = f"posts.{i}"
    values = raw.get("value")
    if not isinstance(values, list):
        problems.append(f"{where}.value must be an array")
        values = []
    elif not values:
        problems.append(f"{where}.value must contain at least 1 elements")
    settings = raw.get("settings")
    if settings is not None and not isinstance(settings, dict):
        problems.append(f"{where}.settings must be an object")
    group = raw.get("group")
    return Entry(
        integration_id=str(raw["integration"]["id"]),
        values=[
            _value(v, f"{where}.value.{j}", problems) for j, v in enumerate(values)
        ],
        settings=settings if isinstance(settings, dict) else {},
        group=str(group) if group else None,
    )


def _value(raw: Any, where: str, problems: list[str]) -> Value:
    if not isinstance(raw, dict):
        problems.append(f"{where} must be an object")
        return Value(content="", images=[])
    content = raw.get("content")
    if content is None:
        problems.append(f"{where}.content should not be null or undefined")
    elif not isinstance(content, str):
        problems.append(f"{where}.content must be a string")
    images = raw.get("image")
    if not isinstance(images, list):
        problems.append(f"{where}.image must be an array")
        images = []
    return Value(
        content=content if isinstance(content, str) else "",
        images=[
            _image(m, f"{where}.image.{k}", problems) for k, m in enumerate(images)
        ],
    )


def _image(raw: Any, where: str, problems: list[str]) -> Image:
    if not isinstance(raw, dict):
        problems.append(f"{where} must be an object")
        return Image(id="", path="")
    for key in ("id", "path"):
        if not isinstance(raw.get(key), str):
            problems.append(f"{where}.{key} must be a string")
    raw_path = raw.get("path")
    path = raw_path if isinstance(raw_path, str) else ""
    if path and not urlsplit(path).path.lower().endswith(MEDIA_EXTENSIONS):
        problems.append(
            f"{where}.path must end with one of {', '.join(MEDIA_EXTENSIONS)}"
        )
    alt = raw.get("alt")
    return Image(
        id=str(raw.get("id") or ""),
        path=path,
        alt=alt if isinstance(alt, str) else None,
    )

"""Turn friendly Python arguments into the API's camelCase request bodies."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)

# A target: an account id, a platform slug, or the wire object {"accountId"|"platform", ...}.
TargetInput = str | Mapping[str, Any]
# A media item: a Media answer of `media.upload`, or the wire object {"kind", "mediaId"|"url", ...}.
MediaInput = Mapping[str, Any]
When = datetime | str
# A thread item: its text, or the wire object {"text", "media"?} (media as MediaInput).
ThreadItemInput = str | Mapping[str, Any]


def is_uuid(value: str) -> bool:
    return bool(UUID_RE.match(value))


def target(value: TargetInput) -> dict[str, Any]:
    if isinstance(value, str):
        return {"accountId": value} if is_uuid(value) else {"platform": value}
    return dict(value)


def media_item(value: MediaInput) -> dict[str, Any]:
    """An uploaded Media (it has `id` and `kind`) becomes a `mediaId` reference."""
    if "mediaId" in value or ("url" in value and "id" not in value):
        return dict(value)
    if "id" in value and "kind" in value:
        item: dict[str, Any] = {"kind": value["kind"], "mediaId": value["id"]}
        if value.get("altText"):
            item["altText"] = value["altText"]
        return item
    return dict(value)


def timestamp(value: When) -> str:
    """UTC ISO-8601 with milliseconds and `Z`; a naive datetime is refused (whose clock?)."""
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        raise ValueError("Give an aware datetime (with a tzinfo), not a naive one.")
    utc = value.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def thread_item(value: ThreadItemInput) -> dict[str, Any]:
    if isinstance(value, str):
        return {"text": value}
    item = dict(value)
    if item.get("media"):
        item["media"] = [media_item(m) for m in item["media"]]
    return item


def post_body(
    *,
    targets: Sequence[TargetInput],
    text: str | None,
    media: Sequence[MediaInput] | None,
    first_comment: str | None,
    scheduled_at: When | None,
    publish_now: bool | None,
    profile_id: str | None,
    thread: Sequence[ThreadItemInput] | None = None,
    auto_thread: bool | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"targets": [target(t) for t in targets]}
    if text is not None:
        body["text"] = text
    if media:
        body["media"] = [media_item(m) for m in media]
    if first_comment is not None:
        body["firstComment"] = {"text": first_comment}
    if thread:
        body["thread"] = [thread_item(i) for i in thread]
    if auto_thread is not None:
        body["autoThread"] = auto_thread
    if scheduled_at is not None:
        body["scheduledAt"] = timestamp(scheduled_at)
    if publish_now is not None:
        body["publishNow"] = publish_now
    if profile_id is not None:
        body["profileId"] = profile_id
    return body


def compact(**fields: Any) -> dict[str, Any]:
    """Only the members that were given (the API tells absent from null)."""
    return {key: value for key, value in fields.items() if value is not None}

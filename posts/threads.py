"""Threads and first comments: the posts a target publishes after its first (issue #20).

A target's thread items (`thread`, or the parts `autoThread` splits a long text into) and its
first comment are stored as `ThreadItem` rows, items first, the comment last, and published by
`posts.thread_dispatch` once the first post has landed. This module holds what create and
publish share: how the items are planned and checked, their tokens, their names in errors, and
the progress a target reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from platforms.base import Draft, MediaItem, PlatformAdapter, Violation
from posts import media_refs
from posts.models import PostTarget, ThreadItem

Kind = ThreadItem.Kind
ItemStatus = ThreadItem.Status
MAX_THREAD_ITEMS = 25


@dataclass(frozen=True)
class CheckedReply:
    """One thread item or the first comment, as it will be stored."""

    kind: str  # ThreadItem.Kind
    text: str
    media: list[dict[str, Any]]


def item_token(target_token: str, position: int) -> str:
    """The stable idempotency token of a target's item: `<target token>.<position + 1>`."""
    return f"{target_token}.{position + 1}"


def label(kind: str, position: int) -> str:
    """How errors and events name an item: `thread[2]`, or `firstComment` (after the items)."""
    return "firstComment" if kind == Kind.COMMENT else f"thread[{position}]"


def split_text(adapter: PlatformAdapter, text: str) -> list[str]:
    """`autoThread`: the text as a numbered thread counted the platform's way; [text] if it fits."""
    from platforms.autothread import split_text as split  # the platforms' counting

    return split(adapter.slug, text, adapter.account_limits())


def plan_replies(
    items: Iterable[tuple[str, list[dict[str, Any]]]], first_comment: str | None
) -> list[CheckedReply]:
    """The rows to store: every thread item in order, then the first comment."""
    replies = [CheckedReply(Kind.ITEM, text, media) for text, media in items]
    if first_comment is not None and first_comment.strip():
        replies.append(CheckedReply(Kind.COMMENT, first_comment, []))
    return replies


def reply_violations(
    adapter: PlatformAdapter,
    replies: Sequence[CheckedReply],
    *,
    options: dict[str, Any],
    prefix: str,
    seen_fields: set[str],
) -> list[Violation]:
    """Every item checked with `adapter.preflight_reply`, each violation's field naming it
    (`thread[2].text`, `targets[1].thread[0].media` for a per-target thread). A field some root
    rule already reported (Bluesky's own first-comment rules) is not reported twice."""
    found = []
    for position, reply in enumerate(replies):
        name = label(reply.kind, position)
        draft = Draft(
            text=reply.text,
            idempotency_token=f"preflight-{position}",
            media=media_items(reply.media),
            options=options,
        )
        for violation in adapter.preflight_reply(draft):
            field = f"{name}.{violation.field}" if violation.field else name
            if reply.kind == Kind.ITEM:
                field = f"{prefix}{field}"
            if field in seen_fields:
                continue
            found.append(
                replace(violation, field=field, message=f"{name}: {violation.message}")
            )
    return found


def media_items(refs: Sequence[dict[str, Any]]) -> tuple[MediaItem, ...]:
    return tuple(MediaItem(**media_refs.item_fields(ref)) for ref in refs)


def new_items(target: PostTarget, replies: Sequence[CheckedReply]) -> list[ThreadItem]:
    """Unsaved rows for a target's replies (for `letmepost.prepared.insert_new`)."""
    return [
        ThreadItem(
            target=target,
            position=position,
            kind=reply.kind,
            text=reply.text,
            media=reply.media,
        )
        for position, reply in enumerate(replies)
    ]


def items_of(targets: Sequence[PostTarget]) -> dict[Any, list[ThreadItem]]:
    """The stored items of the targets that have any, by target id: one query, and none at all
    when no target has a thread or a first comment."""
    ids = [t.pk for t in targets if t.reply_count]
    by_target: dict[Any, list[ThreadItem]] = {pk: [] for pk in ids}
    if ids:
        for item in ThreadItem.objects.filter(target_id__in=ids).order_by("position"):
            by_target[item.target_id].append(item)
    return by_target


def progress(target: PostTarget, items: Sequence[ThreadItem]) -> dict[str, Any] | None:
    """`thread: {published, total, items: [{position, status, uri?}]}`: `published` and `total`
    count the whole chain, the first post included (a post with two `thread` items is 3 long);
    `items` are the `thread[]` items by their position there. The first comment has its own
    `firstCommentUri`. None when the target has no thread."""
    thread = [i for i in items if i.kind == Kind.ITEM]
    if not thread:
        return None
    first_out = bool(target.platform_uri or target.platform_cid) or (
        target.status == PostTarget.Status.PUBLISHED
    )
    return {
        "published": int(first_out)
        + sum(1 for i in thread if i.status == ItemStatus.PUBLISHED),
        "total": 1 + len(thread),
        "items": [
            {"position": i.position, "status": i.status}
            | ({"uri": i.uri} if i.uri else {})
            for i in thread
        ],
    }


def target_progress(target: PostTarget) -> dict[str, Any] | None:
    """`progress` of one target, read only when it has replies."""
    if not target.reply_count:
        return None
    return progress(target, list(target.replies.order_by("position")))


def thread_request(items: Iterable[ThreadItem]) -> tuple[Any, ...]:
    """The thread items as request items again (a draft promoted or edited)."""
    from posts.requests import ThreadItemRequest

    return tuple(
        ThreadItemRequest(
            text=i.text, media=tuple(media_refs.as_request(m) for m in i.media)
        )
        for i in items
        if i.kind == Kind.ITEM
    )

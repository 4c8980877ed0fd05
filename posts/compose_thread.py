"""The compose page's thread: the item fields to render, and each item's live check per account.

The page sends the items as one repeated field (`posts.forms.THREAD_FIELD`), blanks included; the
API's preflight names an item by its place in the target's thread (`thread[2].text`), where
`autoThread`'s parts come first. This maps one onto the other, so each item field shows its own
count and violations on every picked account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from platforms.base import Draft, Violation
from platforms.models import PlatformAccount
from platforms.registry import adapter_class
from posts.models import ThreadItem
from posts.preview import Preview, preview
from posts.services import CheckedTarget
from posts.threads import MAX_THREAD_ITEMS, label

SPARE_ITEMS = (
    2  # blank item fields after the given ones: the page without JavaScript fills them
)


@dataclass(frozen=True)
class ItemCheck:
    """One thread item of the form on one picked account."""

    account: PlatformAccount
    name: str  # how the API names the item on this account: `thread[2]`
    preview: (
        Preview | None
    )  # the platform's count; None where items are comments, not posts
    violations: list[Violation]


def item_fields(texts: Sequence[str]) -> list[str]:
    """The item fields to render: the page's own, then spare blanks up to the thread's limit."""
    return [*texts, *[""] * max(min(SPARE_ITEMS, MAX_THREAD_ITEMS - len(texts)), 0)]


def rendered_items(
    texts: Sequence[str], checks: Sequence[list[ItemCheck]], *, spare: bool
) -> list[dict[str, Any]]:
    """The item fields to render, each with its checks from the last preflight (if any); with
    `spare` blanks after them, for a whole page (not for a live check's out-of-band swap)."""
    shown = item_fields(texts) if spare else list(texts)
    return [
        {"text": text, "checks": checks[i] if i < len(checks) else []}
        for i, text in enumerate(shown)
    ]


def item_count(checked: CheckedTarget) -> int:
    """The posts after the first on this target, `autoThread`'s parts included."""
    return sum(1 for r in checked.replies if r.kind == ThreadItem.Kind.ITEM)


def split_parts(checked: CheckedTarget, given: int) -> int:
    """How many items `autoThread` added before the given ones on this target."""
    return max(item_count(checked) - given, 0)


def item_checks(
    checked: Sequence[CheckedTarget], texts: Sequence[str]
) -> list[list[ItemCheck]]:
    """For each item field (blank ones too, with no checks), its check on every target."""
    given = [i for i, text in enumerate(texts) if text.strip()]
    found: list[list[ItemCheck]] = [[] for _ in texts]
    for target in checked:
        split = split_parts(target, len(given))
        replies_are_posts = adapter_class(target.account.platform).thread_style == (
            "replies"
        )
        for n, field_index in enumerate(given):
            position = split + n
            if position >= len(target.replies):
                break  # not planned: the request-level refusal says why
            name = label(ThreadItem.Kind.ITEM, position)
            reply = target.replies[position]
            found[field_index].append(
                ItemCheck(
                    account=target.account,
                    name=name,
                    preview=preview(
                        target.account,
                        Draft(
                            text=reply.text,
                            idempotency_token=f"preflight-{target.index}-{position}",
                            options=target.options,
                        ),
                    )
                    if replies_are_posts
                    else None,
                    violations=[
                        v
                        for v in target.violations
                        if v.field
                        and (v.field == name or v.field.startswith(f"{name}."))
                    ],
                )
            )
    return found

"""The batch response of `POST /v1/posts` (spec/api.md §6.2-6.3), built from stored rows."""

from __future__ import annotations

from typing import Any

from letmepost.api.fields import format_datetime
from platforms.base import Violation
from posts.models import Post, PostTarget, ThreadItem
from posts.threads import items_of, progress

Status = PostTarget.Status
BATCH_STATUSES = ("draft", "queued", "published", "partial_failed", "failed")
SUCCESS = {Status.PUBLISHED}
FAILURE = {Status.FAILED, Status.REJECTED, Status.CANCELED}


def batch_status(targets: list[PostTarget]) -> str:
    statuses = {t.status for t in targets}
    if statuses == {Status.DRAFT}:
        return "draft"
    if statuses <= SUCCESS:
        return "published"
    if statuses <= FAILURE:
        return "failed"
    if statuses <= {Status.QUEUED, Status.PUBLISHING}:
        return "queued"
    return "partial_failed"


def target_result(
    target: PostTarget, items: list[ThreadItem] | None = None
) -> dict[str, Any]:
    """`items`: the target's thread items and first comment, when it has any."""
    result: dict[str, Any] = {
        "accountId": str(target.account_id),
        "platform": target.platform,
        "postId": str(target.pk),
        "status": target.status,
    }
    for key, value in (
        ("uri", target.platform_uri),
        ("cid", target.platform_cid),
        ("firstCommentUri", target.first_comment_uri),
        ("firstCommentCid", target.first_comment_cid),
    ):
        if value:
            result[key] = value
    if items and (thread := progress(target, items)):
        result["thread"] = thread
    if target.warnings:
        result["warnings"] = target.warnings
    if target.error and target.status != Status.PUBLISHED:
        result["error"] = (
            target.error
        )  # additive to the reference: platform + platformVersion kept (D12)
    if target.status == Status.QUEUED and target.attempt_count:
        result["nextAttemptAt"] = format_datetime(target.due_at)
    return result


def batch_response(
    post: Post,
    violations: dict[Any, list[Violation]] | None = None,
    targets: list[PostTarget] | None = None,
) -> dict[str, Any]:
    """`violations` (by target id) are a draft's shape findings, shown as they were saved.

    `targets`: the post's rows as they are now, in position order, when the caller holds them
    (just stored, nothing published since); otherwise they are read.
    """
    if targets is None:
        targets = list(post.targets.order_by("position"))
    body: dict[str, Any] = {
        "id": str(post.pk),
        "status": batch_status(targets),
        "livemode": post.livemode,
        "createdAt": format_datetime(post.created_at),
    }
    if post.scheduled_at:
        body["scheduledAt"] = format_datetime(post.scheduled_at)
    items = items_of(targets)
    body["results"] = [target_result(t, items.get(t.pk)) for t in targets]
    for result, target in zip(body["results"], targets, strict=True):
        if target.status == Status.DRAFT:
            found = (violations or {}).get(target.pk, [])
            result["violations"] = [v.as_dict() for v in found]
    return body

"""Retry a failed target: publish the same content to the same account as a new post.

Why a new post and not a requeue: a failed target's history (its error, attempts and
`platformResponse`) is the record of what happened, and the engine's exactly-once guarantee is
per target id (the idempotency token is the target id). A new target gets a new token, so the
retry is a deliberate second publish, never a silent resend of the first. It goes through
`create_post`, so every preflight rule runs again against the account as it is now.
"""

from __future__ import annotations

from typing import Any

from letmepost.errors import ValidationFailed
from posts.models import PostTarget
from posts.services import Caller, Created, create_post

RETRYABLE = (PostTarget.Status.FAILED, PostTarget.Status.REJECTED)
OUTCOME_UNKNOWN_RULE = "publish.outcome_unknown"


def may_have_published(target: PostTarget) -> bool:
    """The last attempt sent the post and got no answer: it may be on the platform already."""
    return (target.error or {}).get("rule") == OUTCOME_UNKNOWN_RULE


def retry_target(
    *, caller: Caller, target: PostTarget, confirm_unknown: bool = False
) -> Created:
    """Create a new post, in the caller's mode, that publishes the failed target's content now.

    The returned claims must be published by the caller (posts.dispatch.publish_now), as for
    any immediate post. Sandbox directives (forced outcomes) are not copied: a retry asks for
    a real attempt. A target whose outcome is unknown is retried only with `confirm_unknown`.
    """
    caller.require_mode(target)
    if target.status not in RETRYABLE:
        raise ValidationFailed(
            f'Only failed or rejected posts can be retried; this one is "{target.status}".',
            status=409,
            rule="post.retry.status",
            remediation="Reschedule or cancel queued posts instead.",
        )
    if may_have_published(target) and not confirm_unknown:
        raise ValidationFailed(
            "The last attempt may have been published; retrying could post it twice.",
            status=409,
            rule="post.retry.outcome_unknown",
            remediation="Check the account on the platform, then confirm the retry.",
        )
    return create_post(caller=caller, data=retry_request(target))


def retry_request(target: PostTarget) -> dict[str, Any]:
    """The create request (validated-data shape, snake_case) for the target's content."""
    one: dict[str, Any] = {"account_id": str(target.account_id)}
    if target.options:
        one["options"] = dict(target.options)
    data: dict[str, Any] = {"targets": [one], "text": target.text, "publish_now": True}
    if target.media:
        data["media"] = [_media_in(ref) for ref in target.media]
    if target.first_comment:
        data["first_comment"] = {"text": target.first_comment}
    return data


def _media_in(ref: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": ref.get("kind", "image")}
    if ref.get("mediaId"):
        item["media_id"] = ref["mediaId"]
    elif ref.get("url"):
        item["url"] = ref["url"]
    if ref.get("altText") is not None:
        item["alt_text"] = ref["altText"]
    return item

"""Retry a failed target: publish the same content to the same account as a new post.

Why a new post and not a requeue: a failed target's history (its error, attempts and
`platformResponse`) is the record of what happened, and the engine's exactly-once guarantee is
per target id (the idempotency token is the target id). A new target gets a new token, so the
retry is a deliberate second publish, never a silent resend of the first. It goes through
`create_post`, so every preflight rule runs again against the account as it is now.
"""

from __future__ import annotations

from letmepost.errors import ValidationFailed
from posts import media_refs
from posts.models import PostTarget
from posts.requests import PostRequest, TargetRequest
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

    Run it through posts.publishing.commit_then_publish, as any immediate post: that
    publishes the claims it returns. Sandbox directives (forced outcomes) are not copied: a retry asks for
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
    return create_post(caller=caller, request=retry_request(target))


def retry_request(target: PostTarget) -> PostRequest:
    """The create request for the target's content, to its account, now."""
    return PostRequest(
        targets=(
            TargetRequest(
                account_id=str(target.account_id),
                text=target.text,
                media=tuple(media_refs.as_request(ref) for ref in target.media),
                first_comment=target.first_comment or None,
                options=dict(target.options),
            ),
        ),
        publish_now=True,
    )

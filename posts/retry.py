"""Retry a failed target: publish the same content to the same account as a new post.

Why a new post and not a requeue: a failed target's history (its error, attempts and
`platformResponse`) is the record of what happened, and the engine's exactly-once guarantee is
per target id (the idempotency token is the target id). A new target gets a new token, so the
retry is a deliberate second publish, never a silent resend of the first. It goes through
`create_post`, so every preflight rule runs again against the account as it is now.

Except a thread whose first post is out (an item failed): a new post would publish that first post
twice, so the same target is leased back to the caller and resumes at its first item not published
(`resume_thread`); the items out keep their tokens, so none of them can be published twice either.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from letmepost.errors import ValidationFailed
from posts import media_refs
from posts.leases import Claim, lease_until, new_lease_token
from posts.models import PostTarget, ThreadItem
from posts.requests import PostRequest, TargetRequest
from posts.services import Caller, Created, create_post
from posts.thread_dispatch import landed_root
from posts.threads import thread_request

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
    if landed_root(target) is not None:
        return resume_thread(target=target, confirm_unknown=confirm_unknown)
    return create_post(caller=caller, request=retry_request(target))


def resume_thread(*, target: PostTarget, confirm_unknown: bool = False) -> Created:
    """Lease a failed thread target whose first post is out back to the caller, to publish its
    remaining items now (run it through commit_then_publish). With `confirm_unknown`, an item
    whose outcome is unknown is sent again instead of being looked up first."""
    now = timezone.now()
    token = new_lease_token()
    with transaction.atomic():
        moved = PostTarget.objects.filter(pk=target.pk, status__in=RETRYABLE).update(
            status=PostTarget.Status.PUBLISHING,
            lease_owner=token,
            lease_until=lease_until(now),
            due_at=now,
            updated_at=now,
        )
        if not moved:
            target.refresh_from_db()
            raise ValidationFailed(
                f'Only failed or rejected posts can be retried; this one is "{target.status}".',
                status=409,
                rule="post.retry.status",
                remediation="Reschedule or cancel queued posts instead.",
            )
        if confirm_unknown:
            ThreadItem.objects.filter(
                target=target,
                status__in=(ThreadItem.Status.PUBLISHING, ThreadItem.Status.UNKNOWN),
            ).update(status=ThreadItem.Status.PENDING)
    target.refresh_from_db()
    return Created(post=target.post, claims=[Claim(target.pk, token)], targets=[target])


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
                thread=thread_request(target.replies.all())
                if target.reply_count
                else None,
            ),
        ),
        publish_now=True,
    )

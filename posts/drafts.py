"""Drafts after they are saved: edit, promote (schedule or publish now), delete, replace; and a
queued post back to draft (`unqueue_target`).

A draft target is checked for shape only while it is edited; promotion rebuilds the request a
target would have come from and runs it through `check_post` exactly as `create_post` does, so
a draft can never reach the engine with less checking than a post created directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from letmepost.errors import ValidationFailed
from platforms.base import Violation
from posts import media_refs, threads
from posts.leases import Claim, lease_until, new_lease_token
from posts.models import Post, PostTarget, ThreadItem
from posts.requests import PostRequest, TargetRequest
from posts.services import (
    MIN_LEAD,
    SANDBOX_OPTIONS,
    Caller,
    Created,
    check_post,
    create_post,
    raise_for_violations,
    take_out_of_queue,
)
from webhooks.events import emit_post_event

Status = PostTarget.Status
_DIRECTIVE_OPTIONS = {name: key for key, name in SANDBOX_OPTIONS.items()}


def require_draft(target: PostTarget) -> None:
    if target.status != Status.DRAFT:
        raise ValidationFailed(
            f'Cannot edit a post in status "{target.status}"; only drafts can be edited.',
            status=409,
            rule="post.status",
            remediation="Queued posts can only be rescheduled (scheduledAt) or canceled.",
        )


def target_request(target: PostTarget) -> TargetRequest:
    """The request target the stored row was made from, sandbox directives included."""
    options = dict(target.options)
    options.update(
        {_DIRECTIVE_OPTIONS[k]: v for k, v in target.sandbox.items() if k != "outcome"}
    )
    if outcome := target.sandbox.get("outcome"):
        options["sandbox_outcome"] = outcome
    return TargetRequest(
        account_id=str(target.account_id),
        text=target.text or None,  # an unwritten draft text stays missing
        media=tuple(media_refs.as_request(ref) for ref in target.media),
        first_comment=target.first_comment or None,
        options=options,
        thread=threads.thread_request(target.replies.all())
        if target.reply_count
        else None,
    )


def edit_draft(
    *, caller: Caller, target: PostTarget, edits: TargetRequest
) -> list[Violation]:
    """Apply edits (the fields `edits` gives) to one draft target; returns its shape
    violations, which never refuse."""
    caller.require_mode(target)
    require_draft(target)
    merged = target_request(target).with_edits(edits)
    checked = check_post(
        caller=caller, request=PostRequest(targets=(merged,)), draft=True
    )[0]
    with transaction.atomic():
        moved = PostTarget.objects.filter(pk=target.pk, status=Status.DRAFT).update(
            account=checked.account,
            profile=checked.account.profile,
            platform=checked.account.platform,
            text=checked.text,
            media=checked.media,
            first_comment=checked.first_comment or "",
            options=checked.options,
            sandbox=checked.sandbox,
            reply_count=len(checked.replies),
            updated_at=timezone.now(),
        )
        if moved and (target.reply_count or checked.replies):
            # A draft's thread and first comment are stored as they are edited.
            ThreadItem.objects.filter(target=target).delete()
            ThreadItem.objects.bulk_create(threads.new_items(target, checked.replies))
    if not moved:  # promoted or deleted meanwhile
        target.refresh_from_db()
        require_draft(target)
    target.refresh_from_db()
    return checked.violations


@dataclass(frozen=True)
class Promoted:
    target: PostTarget
    claims: list[Claim]  # the target leased to the caller when published now


def promote_draft(
    *,
    caller: Caller,
    target: PostTarget,
    scheduled_at: datetime | None = None,
    publish_now: bool = False,
    sandbox_outcome: str | None = None,
) -> Promoted:
    """Schedule a draft or publish it now, after the full preflight `create_post` runs."""
    caller.require_mode(target)
    require_draft(target)
    if publish_now == (scheduled_at is not None):
        raise ValidationFailed(
            "Send either publishNow: true or scheduledAt to promote a draft.",
            rule="mode_conflict" if publish_now else "draft.promote.mode",
            remediation="Drop publishNow to schedule, or scheduledAt to publish now.",
        )
    checked = check_post(
        caller=caller,
        request=PostRequest(targets=(target_request(target),)),
        sandbox_outcome=sandbox_outcome,
    )
    raise_for_violations(checked)
    now = timezone.now()
    if scheduled_at is not None and scheduled_at < now + MIN_LEAD:
        raise ValidationFailed(
            "scheduledAt must be at least 1 second in the future.",
            rule="scheduledAt.future",
            remediation="Send a later time, or publishNow to publish at once.",
        )
    check = checked[0]
    token = new_lease_token() if publish_now else ""
    with transaction.atomic():
        moved = PostTarget.objects.filter(pk=target.pk, status=Status.DRAFT).update(
            media=check.media,
            sandbox=check.sandbox,
            scheduled_at=scheduled_at,
            due_at=scheduled_at or now,
            status=Status.PUBLISHING if publish_now else Status.QUEUED,
            lease_owner=token,
            lease_until=lease_until(now) if publish_now else None,
            updated_at=now,
        )
        if moved:
            emit_post_event("post.validated", target=target, rules=check.rule_report())
            if not publish_now:
                emit_post_event("post.queued", target=target)
    target.refresh_from_db()
    if not moved:
        require_draft(target)
    return Promoted(target, [Claim(target.pk, token)] if publish_now else [])


def unqueue_target(*, caller: Caller, target: PostTarget) -> PostTarget:
    """Take a queued target back to draft, its time kept as the planned one (Postiz's
    "status: draft"). Announced as `post.canceled`: it will not publish unless promoted again,
    which re-runs the full preflight."""
    caller.require_mode(target)
    return take_out_of_queue(target=target, status=Status.DRAFT)


def delete_draft(*, target: PostTarget) -> None:
    """Drafts were never announced, so they go without a trace (and their batch with the last)."""
    require_draft(target)
    with transaction.atomic():
        deleted, _ = PostTarget.objects.filter(
            pk=target.pk, status=Status.DRAFT
        ).delete()
        if not deleted:
            target.refresh_from_db()
            require_draft(target)
        Post.objects.filter(pk=target.post_id, targets__isnull=True).delete()


def replace_draft(
    *,
    caller: Caller,
    post: Post,
    request: PostRequest,
    draft: bool,
    sandbox_outcome: str | None = None,
) -> Created:
    """Save a reopened draft batch again, or send it: its draft targets give way to a new batch.

    One transaction: if the new batch is refused (preflight), the draft is left as it was.
    """
    caller.require_mode(post)
    with transaction.atomic():
        drafts = PostTarget.objects.select_for_update().filter(
            post=post, status=Status.DRAFT
        )
        if not drafts.exists():
            raise ValidationFailed(
                "This draft was already sent or deleted.",
                status=409,
                rule="post.status",
                remediation="Open the post from the log instead.",
            )
        drafts.delete()
        Post.objects.filter(pk=post.pk, targets__isnull=True).delete()
        return create_post(
            caller=caller, request=request, sandbox_outcome=sandbox_outcome, draft=draft
        )

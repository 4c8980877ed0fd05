"""Postiz operations, each carried out by our own services (D20).

A create request becomes one `posts.services.create_post` batch: each `posts[]` entry is one
target, `value[0]` its text and media, `value[1..]` its thread. Preflight, idempotency and
the engine are the native ones; this module only translates and remembers the Postiz group.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from letmepost.errors import (
    LetmepostError,
    NotFound,
    PreflightFailed,
    ValidationFailed,
)
from platforms.models import PlatformAccount
from platforms.registry import adapter_class
from platforms.selectors import get_account_for_workspace
from postiz import errors, mapping
from postiz.html import to_text
from postiz.media import media_input
from postiz.models import PostizPost
from postiz.payloads import CreateRequest, Entry, Value
from posts import drafts, queues
from posts import services as posts
from posts.models import PostTarget
from posts.publishing import commit_then_publish
from posts.requests import (
    MediaRequest,
    PostRequest,
    TargetRequest,
    ThreadItemRequest,
)

EMPTY = "Your post should have at least one character or one image."
# Postiz's default posting times: minutes after 00:00 UTC (spec §5.7).
POSTING_TIMES = (120, 400, 700)
SLOT_DAYS = 366


def _account(caller: posts.Caller, integration_id: str) -> PlatformAccount:
    try:
        return get_account_for_workspace(
            caller.workspace, integration_id, scope=caller.scope
        )
    except NotFound as exc:
        raise errors.nest(
            f"Integration with id {integration_id} not found", 400, exc
        ) from None


def _provider_error(
    account: PlatformAccount, message: str, error: LetmepostError | None = None
) -> errors.PostizError:
    error = error or ValidationFailed(message, rule="postiz.content")
    return errors.provider(
        mapping.identifier(account.platform),
        adapter_class(account.platform).display_name,
        message,
        error,
    )


def _target_request(
    caller: posts.Caller, entry: Entry, account: PlatformAccount
) -> TargetRequest:
    """One `posts[]` entry as a target: `value[0]` is the post, every further value a thread
    item after it. Postiz's providers chain those as replies (X, Bluesky, Threads, Mastodon) or
    comment them on the first post (LinkedIn, Facebook, Instagram); our thread does the same per
    platform (`thread_style`), and a platform with neither refuses them in preflight."""
    if any(not to_text(v.content) and not v.images for v in entry.values):
        raise _provider_error(account, EMPTY)
    main, *follow_ups = entry.values
    return TargetRequest(
        account_id=str(account.pk),
        text=to_text(main.content),
        media=_media(caller, main),
        thread=tuple(
            ThreadItemRequest(text=to_text(v.content), media=_media(caller, v))
            for v in follow_ups
        )
        or None,
        options=mapping.options_for(account.platform, entry.settings),
    )


def _media(caller: posts.Caller, value: Value) -> tuple[MediaRequest, ...]:
    return tuple(
        media_input(caller.workspace, image, livemode=caller.livemode)
        for image in value.images
    )


def group_members(caller: posts.Caller, group: str) -> list[PostizPost]:
    """The rows of a Postiz group not yet deleted, in the caller's mode (D23) and within a
    profile-scoped key's profile."""
    rows = PostizPost.objects.select_related("target").filter(
        workspace=caller.workspace,
        group=group,
        deleted_at__isnull=True,
        target__livemode=caller.livemode,
    )
    if caller.scope is not None:
        rows = rows.filter(target__profile=caller.scope)
    return list(rows)


def create(
    *,
    caller: posts.Caller,
    request: CreateRequest,
    source: str = "",
    source_id: str = "",
) -> list[tuple[PostTarget, str]]:
    """Store the request as one batch; returns each target with its integration id, in order."""
    if request.type == "update":
        raise errors.nest(
            "type 'update' is not supported by letmepost: send the post's group with type "
            "'schedule' to replace it, or reschedule it with PATCH /v1/posts/{id}",
            400,
            ValidationFailed(
                "Postiz in-place updates are not supported.",
                rule="postiz.type.update",
                remediation="Resend the entry with its `group` and type 'schedule'.",
            ),
        )
    accounts = [_account(caller, e.integration_id) for e in request.entries]
    targets = tuple(
        _target_request(caller, e, a)
        for e, a in zip(request.entries, accounts, strict=True)
    )
    draft = request.type == "draft"
    # A draft keeps its date as the planned time. Otherwise Postiz publishes a past date at
    # once, and we do the same instead of refusing it.
    later = request.type != "now" and request.date > timezone.now() + posts.MIN_LEAD
    wanted = PostRequest(
        targets=targets, scheduled_at=request.date if draft or later else None
    )
    with transaction.atomic():
        for entry in request.entries:
            if entry.group:
                # Postiz edits a post by resending its group: the rows it had are replaced.
                delete_group(caller, entry.group)
        try:
            created = posts.create_post(
                caller=caller, request=wanted, run_async=True, draft=draft
            )
        except PreflightFailed as exc:
            index = (exc.fields.get("violations") or [{}])[0].get("targetIndex", 0)
            raise _provider_error(accounts[index], exc.message, exc) from None
        except ValidationFailed as exc:
            raise errors.nest(exc.message, 400, exc) from None
        rows = list(created.post.targets.order_by("position"))
        PostizPost.objects.bulk_create(
            [
                PostizPost(
                    workspace=caller.workspace,
                    target=target,
                    group=entry.group or str(uuid.uuid4()),
                    tags=request.tags,
                    settings=entry.settings,
                    creation_method=request.creation_method,
                    source=source,
                    source_id=source_id,
                )
                for target, entry in zip(rows, request.entries, strict=True)
            ]
        )
    return [(t, e.integration_id) for t, e in zip(rows, request.entries, strict=True)]


def set_status(caller: posts.Caller, target: PostTarget, wanted: str) -> str:
    """`PUT /posts/:id/status`: promote a draft (at its planned time, or now if that passed),
    or take a queued post out of the queue, back to draft."""
    state = mapping.STATES.get(target.status, "QUEUE")
    if wanted == "draft" and target.status == PostTarget.Status.QUEUED:
        drafts.unqueue_target(caller=caller, target=target)
        return "DRAFT"
    if wanted == "schedule" and target.status == PostTarget.Status.DRAFT:
        planned = target.scheduled_at
        try:
            if planned is not None and planned > timezone.now() + posts.MIN_LEAD:
                drafts.promote_draft(caller=caller, target=target, scheduled_at=planned)
            else:
                commit_then_publish(
                    lambda: drafts.promote_draft(
                        caller=caller, target=target, publish_now=True
                    )
                )
        except PreflightFailed as exc:
            raise _provider_error(target.account, exc.message, exc) from None
        return "QUEUE"
    if (wanted == "schedule" and state == "QUEUE") or (
        wanted == "draft" and state == "DRAFT"
    ):
        return state
    raise errors.nest(
        f"letmepost cannot move a {state} post to {wanted!r}",
        400,
        ValidationFailed(
            f"A {target.status} post cannot become {wanted!r}.",
            rule="post.status",
            remediation="Delete the post and create it again with the type you want.",
        ),
    )


def delete_target(target: PostTarget) -> None:
    """Postiz's delete: a queued post is canceled; one already out of the queue is hidden from
    Postiz clients (nothing is deleted on the platform, as in Postiz)."""
    if target.status == PostTarget.Status.QUEUED:
        posts.cancel_target(target=target)
    elif target.status == PostTarget.Status.DRAFT:
        drafts.delete_draft(
            target=target
        )  # drafts leave no trace, their Postiz row neither
    elif target.status == PostTarget.Status.PUBLISHING:
        raise errors.nest(
            "This post is being published right now; try again in a moment",
            409,
            ValidationFailed("The post is publishing.", status=409, rule="post.status"),
        )
    elif target.status != PostTarget.Status.CANCELED:
        PostizPost.objects.update_or_create(
            target=target,
            defaults={
                "workspace_id": target.workspace_id,
                "deleted_at": timezone.now(),
            },
            create_defaults={
                "workspace_id": target.workspace_id,
                "group": str(target.pk),
                "deleted_at": timezone.now(),
            },
        )


def delete_group(caller: posts.Caller, group: str) -> int:
    members = group_members(caller, group)
    with transaction.atomic():
        for meta in members:
            delete_target(meta.target)
    return len(members)


def find_slot(
    account: PlatformAccount, *, livemode: bool = True, now: datetime | None = None
) -> datetime:
    """The next free slot of the account's profile queue when it has one (posts.queues); else
    the first default posting time from now on with no post of the workspace at that minute."""
    queue = queues.get_queue(account.profile)
    if queue.slots:
        if slot := queues.next_free_slot(queue, livemode=livemode):
            return slot
        raise errors.nest("No free slot in the next year", 400)
    now = now or timezone.now()
    day = now.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=UTC)
    taken = PostTarget.objects.filter(
        workspace_id=account.workspace_id, scheduled_at__gte=day
    ).exclude(status=PostTarget.Status.CANCELED)
    for offset in range(SLOT_DAYS):
        for minutes in POSTING_TIMES:
            slot = day + timedelta(days=offset, minutes=minutes)
            if slot <= now:
                continue
            if not taken.filter(
                scheduled_at__gte=slot, scheduled_at__lt=slot + timedelta(minutes=1)
            ).exists():
                return slot
    raise errors.nest("No free slot in the next year", 400)


def update_settings(target: PostTarget, settings: dict[str, Any]) -> PostizPost:
    """Merge provider settings into a queued post. Settings that steer publishing (mapped to
    target options) cannot change after scheduling: `posts` has no service for that."""
    queued = target.status == PostTarget.Status.QUEUED
    if not queued and target.status != PostTarget.Status.DRAFT:
        raise errors.nest(
            "Only scheduled posts that were not published yet (or drafts) can be updated"
        )
    if queued and target.scheduled_at and target.scheduled_at <= timezone.now():
        raise errors.nest(
            "The publish time of this post already passed, it cannot be updated"
        )
    meta, _ = PostizPost.objects.get_or_create(
        target=target,
        defaults={"workspace_id": target.workspace_id, "group": str(target.pk)},
    )
    merged = {**meta.settings, **settings}
    if mapping.options_for(target.platform, merged) != mapping.options_for(
        target.platform, meta.settings
    ):
        raise errors.nest(
            "letmepost cannot change the publishing options of a scheduled post; "
            "delete it and create it again with the new settings",
            400,
            ValidationFailed(
                "Publishing options are fixed once a post is queued.",
                rule="postiz.settings.fixed",
                remediation="Delete the post and create it again.",
            ),
        )
    meta.settings = merged
    meta.save(update_fields=["settings"])
    return meta

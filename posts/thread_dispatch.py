"""Publish a target's thread items and first comment, each exactly once, after its first post.

Called by `posts.dispatch` while it holds the target's lease, once the first post has landed
(and was recorded on the target, so a resumed attempt never sends it again). The items go out in
order, each as its own attempt: its row is set `publishing` and committed before the platform
call, and its answer is committed before the next item starts. A worker that dies between two
items leaves the rest `pending`, so the next holder of the lease resumes at the first one not
published; an item left `publishing` or `unknown` (the answer was lost) is first looked up with
`reconcile_reply`, by the item's own idempotency token, and only sent if it certainly is not there.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from letmepost.dbconn import release_pooled_connection
from letmepost.errors import LetmepostError, PlatformRejected, PublishOutcomeUnknown
from platforms.base import (
    Draft,
    PlatformAdapter,
    PublishResult,
    ReplyTo,
)
from platforms.registry import adapter_class
from posts.history import TargetHistory
from posts.leases import Claim, held, lease_until
from posts.models import PostTarget, ThreadItem
from posts.threads import item_token, label, media_items

Kind = ThreadItem.Kind
ItemStatus = ThreadItem.Status


class LeaseLost(Exception):
    """Another worker holds the target now; it resumes (and reconciles) from the rows."""


class ReplyFailed(Exception):
    """An item did not publish: `cause` is the platform's (or the adapter's) exception."""

    def __init__(self, item: ThreadItem, cause: Exception) -> None:
        self.field = label(item.kind, item.position)
        self.cause = cause
        super().__init__(f"{self.field}: {cause}")


def landed_root(target: PostTarget) -> PublishResult | None:
    """The first post of a thread target, when an earlier attempt recorded it as landed."""
    if not (target.reply_count and (target.platform_uri or target.platform_cid)):
        return None
    return PublishResult(
        uri=target.platform_uri or None,
        cid=target.platform_cid or None,
        warnings=tuple(target.warnings),
    )


def record_root(target: PostTarget, claim: Claim, root: PublishResult) -> None:
    """Keep the first post on the target before any item is sent (the lease renewed)."""
    kept = held(target.pk, claim).update(
        platform_uri=root.uri or "",
        platform_cid=root.cid or "",
        warnings=list(root.warnings),
        lease_until=lease_until(timezone.now()),
    )
    if not kept:
        raise LeaseLost


def root_sandbox(sandbox: dict[str, Any]) -> dict[str, Any]:
    """The first post's sandbox directives: none when `failItem` aims them at a thread item."""
    return {} if "failItem" in sandbox else sandbox


def item_draft(target: PostTarget, item: ThreadItem, *, attempt: int) -> Draft:
    forced = target.sandbox.get("failItem") == item.position
    return Draft(
        text=item.text,
        idempotency_token=item_token(str(target.pk), item.position),
        media=media_items(item.media),
        options=target.options,
        attempt=attempt,
        sandbox=target.sandbox if forced else {},
        history=TargetHistory(target.pk, target.account_id),
    )


def publish_thread(
    target: PostTarget, claim: Claim, adapter: PlatformAdapter, root: PublishResult
) -> PublishResult:
    """Publish every item not yet published, in order; the root with the first comment's
    address and every warning when all are out. Raises ReplyFailed naming the item that did not
    publish, LeaseLost when the lease went to another worker."""
    style = adapter_class(target.account.platform).thread_style  # the real platform's
    if style is None:
        # Preflight refuses these (`<slug>.thread.unsupported`); a row stored before that rule
        # existed must not reach an adapter that has no replies.
        raise PlatformRejected(
            f"{target.platform} has no replies or comments.",
            rule=f"{target.platform}.thread.unsupported",
            remediation="Publish the thread items as separate posts.",
        )
    previous, comment = root, None
    warnings = list(root.warnings)
    for item in target.replies.order_by("position"):
        # Comments platforms post under `root` whatever the parent; they use the parent to tell
        # an earlier item from the one being reconciled.
        parent = root if item.kind == Kind.COMMENT else previous
        reply_to = ReplyTo(parent=parent, root=root)
        if item.status == ItemStatus.PUBLISHED:  # out on an earlier attempt
            result = PublishResult(
                uri=item.uri or None,
                cid=item.cid or None,
                warnings=tuple(item.warnings),
            )
        else:
            result = _publish_item(target, claim, adapter, item, reply_to)
        warnings += result.warnings
        if item.kind == Kind.COMMENT:
            comment = result
        else:
            previous = result
    return replace(
        root,
        first_comment_uri=comment.uri if comment else None,
        first_comment_cid=comment.cid if comment else None,
        warnings=tuple(warnings),
    )


def _publish_item(
    target: PostTarget,
    claim: Claim,
    adapter: PlatformAdapter,
    item: ThreadItem,
    reply_to: ReplyTo,
) -> PublishResult:
    """One item, at most once: reconcile a lost answer, else open the attempt, then send."""
    try:
        if item.status in (ItemStatus.PUBLISHING, ItemStatus.UNKNOWN):
            draft = item_draft(target, item, attempt=item.attempts)
            if (found := adapter.reconcile_reply(draft, reply_to)) is not None:
                return _published(target, claim, item, found)
        _open(target, claim, item)
        draft = item_draft(target, item, attempt=item.attempts)
        release_pooled_connection()  # the platform call is a wait, not database work
        result = adapter.publish_reply(draft, reply_to)
    except LeaseLost:
        raise
    except Exception as exc:
        _failed(claim, item, exc)
        raise ReplyFailed(item, exc) from exc
    return _published(target, claim, item, result)


def _mine(item: ThreadItem, claim: Claim) -> Any:
    """The item's row while the claim still holds its target."""
    return ThreadItem.objects.filter(
        pk=item.pk,
        target__status=PostTarget.Status.PUBLISHING,
        target__lease_owner=claim.token,
    )


def _open(target: PostTarget, claim: Claim, item: ThreadItem) -> None:
    """Mark the item sent before sending it, renewing the lease: committed before the call."""
    with transaction.atomic():
        if not held(target.pk, claim).update(lease_until=lease_until(timezone.now())):
            raise LeaseLost
        ThreadItem.objects.filter(pk=item.pk).update(
            status=ItemStatus.PUBLISHING, attempts=F("attempts") + 1, error=None
        )
    item.attempts += 1
    item.status = ItemStatus.PUBLISHING


def _published(
    target: PostTarget, claim: Claim, item: ThreadItem, result: PublishResult
) -> PublishResult:
    with transaction.atomic():
        if not _mine(item, claim).update(
            status=ItemStatus.PUBLISHED,
            uri=result.uri or "",
            cid=result.cid or "",
            warnings=list(result.warnings),
            error=None,
            published_at=timezone.now(),
        ):
            raise LeaseLost  # the next holder finds the item `publishing` and reconciles it
        if item.kind == Kind.COMMENT:
            held(target.pk, claim).update(
                first_comment_uri=result.uri or "", first_comment_cid=result.cid or ""
            )
    item.status, item.uri, item.cid = (
        ItemStatus.PUBLISHED,
        result.uri or "",
        result.cid or "",
    )
    return result


def _failed(claim: Claim, item: ThreadItem, exc: Exception) -> None:
    """Keep the item's error. An answer that may have been applied leaves it `unknown`, to be
    reconciled before any resend; an adapter crash too, as it may have come after the write."""
    certain = isinstance(exc, LetmepostError) and not isinstance(
        exc, PublishOutcomeUnknown
    )
    unknown = not certain  # ReconcileUnsupported and adapter crashes included
    error = (
        {"code": exc.code, "message": exc.message}
        if isinstance(exc, LetmepostError)
        else {"code": "internal_error", "message": f"{type(exc).__name__}: {exc}"}
    )
    _mine(item, claim).update(
        status=ItemStatus.UNKNOWN if unknown else ItemStatus.FAILED, error=error
    )

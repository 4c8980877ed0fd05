"""Writes for posts: create (publish now, schedule or save as a draft), validate, reschedule, cancel.

`check_post()` is the whole pre-upstream pipeline, shared by create and validate: batch rules,
account resolution, scope, and every platform rule. It reads but never writes. Drafts are edited,
promoted and deleted in `posts.drafts`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from accounts.models import ApiKey, Profile, User, Workspace
from letmepost.errors import NotFound, PreflightFailed, ValidationFailed
from letmepost.prepared import insert_new
from platforms.base import Draft, MediaItem, Violation
from platforms.models import PlatformAccount
from platforms.preflight.catalog import PLATFORMS as CATALOG_PLATFORMS
from platforms.preflight.catalog import reply_rules_for, specs_for
from platforms.registry import adapter_class
from platforms.sandbox.adapter import FORCEABLE_OUTCOMES
from platforms.selectors import get_account_for_workspace, live_accounts
from posts import media_refs, queues, threads
from posts.leases import Claim, lease_until, new_lease_token
from posts.models import Post, PostTarget
from posts.preflight import deep_violations
from posts.requests import PostRequest, TargetRequest
from posts.threads import CheckedReply
from webhooks.events import emit_post_event, emit_post_events

MAX_TARGETS = 25
MIN_LEAD = timedelta(seconds=1)
# Options that steer the sandbox (D13); any platform's options may carry them.
SANDBOX_OPTIONS = {
    "sandbox_outcome": "outcome",
    "sandbox_fail_attempts": "failAttempts",
    "sandbox_delay_ms": "delayMs",
    "sandbox_retry_after": "retryAfter",
    # The other directives apply to thread[n] instead of the first post (posts.thread_dispatch).
    "sandbox_fail_item": "failItem",
}
NUMERIC_DIRECTIVES = ("failAttempts", "delayMs", "retryAfter", "failItem")


@dataclass(frozen=True)
class Caller:
    """Who is creating the post, as far as posts care."""

    workspace: Workspace
    scope: Profile | None  # a profile-scoped key's profile
    livemode: bool  # the caller's mode decides, never the object's (D23)
    api_key: ApiKey | None = None
    user: User | None = None

    def require_mode(self, obj: Post | PostTarget) -> None:
        """Refuse to act on an object of the other mode: to the caller it does not exist.

        Selectors already hide such objects; services that publish or rebuild an existing
        post check again, because that is where a test key could reach a real platform.
        """
        if obj.livemode != self.livemode:
            raise NotFound("Post not found.", resource="post")


@dataclass
class CheckedTarget:
    index: int
    account: PlatformAccount
    text: str
    media: list[dict[str, Any]]
    first_comment: str | None
    options: dict[str, Any]
    sandbox: dict[str, Any]
    violations: list[Violation] = field(default_factory=list)
    missing_text: bool = False  # a draft saved before its text was written
    # Thread items, then the first comment: what follows the first post (posts.threads).
    replies: list[CheckedReply] = field(default_factory=list)
    thread_prefix: str = ""  # "targets[1]." when the target gave its own thread

    def rule_report(self) -> list[dict[str, Any]]:
        """The shape rules that ran for this target, for `post.validated` (warnings carry text)."""
        warnings = {v.rule: v for v in self.violations if v.severity == "warning"}
        report: list[dict[str, Any]] = []
        platform = self.account.platform
        if platform not in CATALOG_PLATFORMS:
            return report
        # Comment rules run on thread items and first comments only.
        unrun = (
            set() if self.replies else {r.spec.id for r in reply_rules_for(platform)}
        )
        for spec in specs_for(platform):
            if spec.stage != "shape" or spec.id in unrun:
                continue
            entry: dict[str, Any] = {"rule": spec.id, "passed": True}
            if found := warnings.get(spec.id):
                entry.update(severity="warning", message=found.message)
            report.append(entry)
        return report

    def draft(self) -> Draft:
        return Draft(
            text=self.text,
            idempotency_token=f"preflight-{self.index}",
            media=tuple(MediaItem(**media_refs.item_fields(m)) for m in self.media),
            first_comment=self.first_comment,
            options=self.options,
            thread_length=len(self.replies),
        )


def check_post(
    *,
    caller: Caller,
    request: PostRequest,
    sandbox_outcome: str | None = None,
    deep: bool = False,
    draft: bool = False,
) -> list[CheckedTarget]:
    """Run every check that needs no upstream write, in the documented order (spec/api.md §8.1).

    Request-level problems raise; platform rule violations are collected on each target. For a
    `draft`, a missing text is reported as a violation instead of refusing the request.
    """
    targets_in = request.targets
    if len(targets_in) > MAX_TARGETS:
        raise ValidationFailed(
            f"{len(targets_in)} targets; at most {MAX_TARGETS} per request.",
            rule="targets.max",
            remediation=f"Split the post into requests of at most {MAX_TARGETS} targets.",
        )
    if request.publish_now and request.scheduled_at:
        raise ValidationFailed(
            "Send either publishNow or scheduledAt, not both.",
            rule="mode_conflict",
            remediation="Drop publishNow to schedule, or scheduledAt to publish now.",
        )
    if request.draft and (request.publish_now or request.scheduled_at):
        raise ValidationFailed(
            "A draft is neither published nor scheduled: send draft alone.",
            rule="draft.mode_conflict",
            remediation="Drop publishNow and scheduledAt to save a draft; set the time "
            "when you promote it with PATCH /v1/posts/{id}.",
        )
    profile = _effective_profile(caller, request.profile_id)
    accounts = [
        _resolve_account(caller, profile, t, i) for i, t in enumerate(targets_in)
    ]
    checked = []
    for index, (target_in, account) in enumerate(
        zip(targets_in, accounts, strict=True)
    ):
        if caller.scope and account.profile_id != caller.scope.pk:
            raise NotFound(
                f"Platform account not found: {account.pk}.",
                resource="account",
                rule="api_key.profile_scope",
            )
        options = dict(target_in.options or {})
        if options.get("platform") and options["platform"] != account.platform:
            raise ValidationFailed(
                f"targets.{index}.options are for {options['platform']}, but the account is on {account.platform}.",
                rule="targets.options.platform_mismatch",
                remediation=f'Set options.platform to "{account.platform}" or remove it.',
            )
        text = _first_present(target_in.text, request.text)
        if text is None and not draft:
            raise ValidationFailed(
                f"targets.{index} has no text: give the target or the request a `text`.",
                rule="targets.text.required",
                remediation="Add `text` at the top level or on the target.",
            )
        media_in = _first_present(target_in.media, request.media) or ()
        comment = _first_present(target_in.first_comment, request.first_comment)

        def resolve(m: Any, path: str, account: PlatformAccount = account) -> Any:
            return media_refs.resolve(
                caller.workspace, account.profile, m, path, livemode=caller.livemode
            )

        first, replies, prefix = _plan_thread(
            request, target_in, index, account, text, comment, resolve
        )
        checked.append(
            CheckedTarget(
                index=index,
                account=account,
                text=first,
                missing_text=text is None,
                media=[
                    resolve(m, f"targets.{index}.media.{j}")
                    for j, m in enumerate(media_in)
                ],
                first_comment=comment,
                options={k: v for k, v in options.items() if k not in SANDBOX_OPTIONS},
                sandbox=_sandbox_directives(options, sandbox_outcome, index),
                replies=replies,
                thread_prefix=prefix,
            )
        )
    for target in checked:
        shape = target.draft()
        adapter = adapter_class(target.account.platform)(target.account)
        target.violations = adapter.preflight(shape)
        if target.replies and adapter.thread_style is not None:
            target.violations += threads.reply_violations(
                adapter,
                target.replies,
                options=target.options,
                prefix=target.thread_prefix,
                seen_fields={v.field for v in target.violations if v.field},
            )
        if target.missing_text:
            target.violations.insert(0, missing_text_violation(target.index))
        if deep:
            target.violations += deep_violations(target.account, shape)
    return checked


def _plan_thread(
    request: PostRequest,
    target_in: TargetRequest,
    index: int,
    account: PlatformAccount,
    text: str | None,
    comment: str | None,
    resolve: Callable[[Any, str], dict[str, Any]],
) -> tuple[str, list[CheckedReply], str]:
    """A target's first post text, its replies (autoThread's parts, then `thread`, then the
    first comment) and how its violations name its thread (`targets[1].` when its own)."""
    own = target_in.thread is not None or target_in.auto_thread is not None
    prefix = f"targets[{index}]." if own else ""
    parts = [text] if text is not None else []
    if text and _first_present(target_in.auto_thread, request.auto_thread):
        parts = threads.split_text(adapter_class(account.platform)(account), text)
    given = _first_present(target_in.thread, request.thread) or ()
    split = max(len(parts) - 1, 0)  # autoThread's parts come before the given items
    if split + len(given) > threads.MAX_THREAD_ITEMS:
        raise ValidationFailed(
            f"{prefix}thread has {split + len(given)} items; at most {threads.MAX_THREAD_ITEMS}.",
            rule="thread.max_items",
            remediation=f"Send at most {threads.MAX_THREAD_ITEMS} thread items "
            "(autoThread parts included).",
        )
    items: list[tuple[str, list[dict[str, Any]]]] = [(p, []) for p in parts[1:]] + [
        (
            item.text,
            [
                resolve(m, f"{prefix}thread[{i}].media[{j}]")
                for j, m in enumerate(item.media)
            ],
        )
        for i, item in enumerate(given, start=split)
    ]
    return (parts[0] if parts else ""), threads.plan_replies(items, comment), prefix


def missing_text_violation(index: int) -> Violation:
    return Violation(
        rule="targets.text.required",
        message=f"targets.{index} has no text yet.",
        remediation="Add `text` before scheduling or publishing the draft.",
        field="text",
    )


def _first_present(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def _effective_profile(caller: Caller, profile_id: str | None) -> Profile | None:
    if profile_id is None:
        return caller.scope
    if caller.scope and str(caller.scope.pk) != str(profile_id):
        raise ValidationFailed(
            "profileId names another profile than the key's.",
            rule="profile.scope_mismatch",
            remediation="Omit profileId, or use a key of that profile.",
        )
    profile = Profile.objects.filter(workspace=caller.workspace, pk=profile_id).first()
    if profile is None:
        raise NotFound("No such profile.", resource="profile", rule="profile.unknown")
    return profile


def _resolve_account(
    caller: Caller, profile: Profile | None, target: TargetRequest, index: int
) -> PlatformAccount:
    platform = target.platform
    if target.account_id:
        account = get_account_for_workspace(
            caller.workspace, target.account_id, credentials=False
        )
        if platform and platform != account.platform:
            raise ValidationFailed(
                f"targets.{index}: account {account.pk} is on {account.platform}, not {platform}.",
                rule="targets.account.platform_mismatch",
                remediation="Drop `platform` or fix the accountId.",
            )
        return account
    candidates = list(
        live_accounts(caller.workspace, profile=profile).filter(platform=platform)
    )
    if not candidates:
        raise ValidationFailed(
            f"targets.{index}: no {platform} account is connected"
            + (" in this profile." if profile else "."),
            rule="target.account.not_connected",
            remediation=f"Connect a {platform} account first.",
        )
    if len(candidates) > 1:
        ids = [str(a.pk) for a in candidates]
        raise ValidationFailed(
            f"targets.{index}: {len(ids)} {platform} accounts are connected; say which one.",
            rule="target.account.ambiguous",
            platform_response={"candidates": ids},
            remediation=f"Set accountId to one of: {', '.join(ids)}.",
        )
    return candidates[0]


def _sandbox_directives(
    options: dict[str, Any], header_outcome: str | None, index: int
) -> dict[str, Any]:
    directives = {
        name: options[key]
        for key, name in SANDBOX_OPTIONS.items()
        if options.get(key) is not None
    }
    if header_outcome and "outcome" not in directives:
        directives["outcome"] = header_outcome
    for name in NUMERIC_DIRECTIVES:
        value = directives.get(name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or value < 0
        ):
            option = f"sandbox{name[0].upper()}{name[1:]}"
            raise ValidationFailed(
                f"targets.{index}.options.{option}: must be a number of at least 0.",
                rule=f"targets.{index}.options.{option}",
                remediation=f'Send a number, e.g. "{option}": 30.',
            )
    if directives.get("outcome") and directives["outcome"] not in FORCEABLE_OUTCOMES:
        raise ValidationFailed(
            f"Unknown sandbox outcome {directives['outcome']!r}.",
            rule=f"targets.{index}.options.sandboxOutcome",
            remediation=f"Use one of: {', '.join(FORCEABLE_OUTCOMES)}.",
        )
    return directives


def raise_for_violations(checked: list[CheckedTarget]) -> None:
    """D5: the envelope names the first violated rule and lists every one."""
    found = [(t, v) for t in checked for v in t.violations if v.severity == "error"]
    if not found:
        return
    target, first = found[0]
    raise PreflightFailed(
        first.message,
        rule=first.rule,
        platform=target.account.platform,
        remediation=first.remediation,
        violations=[
            {
                **v.as_dict(),
                "accountId": str(t.account.pk),
                "platform": t.account.platform,
                "targetIndex": t.index,
            }
            for t, v in found
        ],
    )


@dataclass(frozen=True)
class Created:
    post: Post
    claims: list[Claim]  # immediate targets leased to the caller, to publish in-request
    checked: list[CheckedTarget] = field(default_factory=list)
    targets: list[PostTarget] = field(default_factory=list)  # as stored, by position

    def violations(self) -> dict[Any, list[Violation]]:
        """Each stored target's shape violations (what a draft was saved with), by target id;
        none for targets leased back without a new check (a resumed thread)."""
        if not self.checked:
            return {}
        return {
            t.pk: c.violations for t, c in zip(self.targets, self.checked, strict=True)
        }


@dataclass(frozen=True)
class PlannedPost:
    """A post that passed every check (`plan_post`) and is not stored yet: `store()` writes it.

    Checking reads the accounts and runs every rule; only `store()` needs the write transaction,
    so a caller that plans first holds the write lock (SQLite's single writer) the least time.
    """

    caller: Caller
    checked: list[CheckedTarget]
    scheduled_at: datetime | None
    immediate: bool  # published in-request: the targets come back leased to the caller
    draft: bool
    # A profile: `store()` takes its next free queue slot, inside the write transaction.
    next_slot_of: UUID | None = None

    def store(self) -> Created:
        """Write the batch. Immediate targets come back leased to the caller: run this through
        `posts.publishing.commit_then_publish`, which publishes them after the commit."""
        if self.next_slot_of is not None:  # see posts.queues.take_next_slot
            with transaction.atomic(savepoint=False):
                slot = queues.take_next_slot(
                    self.next_slot_of, livemode=self.caller.livemode, lead=MIN_LEAD
                )
                return replace(self, scheduled_at=slot, next_slot_of=None).store()
        if self.draft:
            return _store_drafts(self.caller, self.checked, self.scheduled_at)
        now = timezone.now()
        token = new_lease_token()
        # No savepoint inside a caller's transaction: a failure here fails the whole of it anyway.
        with transaction.atomic(savepoint=False):
            post, targets = _store(
                self.caller,
                self.checked,
                self.scheduled_at,
                due_at=self.scheduled_at or now,
                status=PostTarget.Status.PUBLISHING
                if self.immediate
                else PostTarget.Status.QUEUED,
                lease_owner=token if self.immediate else "",
                lease_until=lease_until(now) if self.immediate else None,
            )
            events: list[tuple[str, PostTarget, dict[str, Any]]] = []
            for target, check in zip(targets, self.checked, strict=True):
                events.append(
                    ("post.validated", target, {"rules": check.rule_report()})
                )
                if not self.immediate:
                    events.append(("post.queued", target, {}))
            # After the inserts: see webhooks.events.listening_endpoints for why that order matters.
            emit_post_events(events)
        return Created(
            post=post,
            claims=[Claim(t.pk, token) for t in targets] if self.immediate else [],
            checked=self.checked,
            targets=targets,
        )


def plan_post(
    *,
    caller: Caller,
    request: PostRequest,
    sandbox_outcome: str | None = None,
    run_async: bool = False,
    draft: bool = False,
) -> PlannedPost:
    """Check everything a post must pass before it is stored; raises what it does not pass.

    A `draft` is planned whatever its shape violations (they come back on `Created.checked`),
    announces nothing and is never dispatched; `posts.drafts.promote_draft` runs the full
    preflight later. A `scheduled_at` given with it is kept as the planned time, unchecked.
    """
    checked = check_post(
        caller=caller, request=request, sandbox_outcome=sandbox_outcome, draft=draft
    )
    scheduled_at = request.scheduled_at
    next_slot_of = (
        queues.profile_to_fill(request, {t.account.profile_id for t in checked})
        if request.next_slot
        else None
    )
    if not draft:
        raise_for_violations(checked)
        if scheduled_at is not None and scheduled_at < timezone.now() + MIN_LEAD:
            raise ValidationFailed(
                "scheduledAt must be at least 1 second in the future.",
                rule="scheduledAt.future",
                remediation="Send a later time, or publishNow to publish at once.",
            )
    return PlannedPost(
        caller=caller,
        checked=checked,
        scheduled_at=scheduled_at,
        immediate=not (draft or scheduled_at or next_slot_of or run_async),
        draft=draft,
        next_slot_of=next_slot_of,
    )


def create_post(
    *,
    caller: Caller,
    request: PostRequest,
    sandbox_outcome: str | None = None,
    run_async: bool = False,
    draft: bool = False,
) -> Created:
    """`plan_post`, then `PlannedPost.store()`."""
    return plan_post(
        caller=caller,
        request=request,
        sandbox_outcome=sandbox_outcome,
        run_async=run_async,
        draft=draft,
    ).store()


def _store_drafts(
    caller: Caller, checked: list[CheckedTarget], planned_at: datetime | None
) -> Created:
    # No savepoint inside a caller's transaction: a failure here fails the whole of it anyway.
    with transaction.atomic(savepoint=False):
        post, targets = _store(
            caller,
            checked,
            planned_at,
            due_at=planned_at
            or timezone.now(),  # ignored: only queued rows are ever due
            status=PostTarget.Status.DRAFT,
        )
    return Created(post=post, claims=[], checked=checked, targets=targets)


def _store(
    caller: Caller,
    checked: list[CheckedTarget],
    scheduled_at: datetime | None,
    **state: Any,
) -> tuple[Post, list[PostTarget]]:
    """The batch and one target per checked target, in `state` (status, due time, lease)."""
    post = Post(
        workspace=caller.workspace,
        api_key=caller.api_key,
        user=caller.user,
        livemode=caller.livemode,
        scheduled_at=scheduled_at,
    )
    insert_new([post])
    targets = [
        PostTarget(
            post=post,
            workspace=caller.workspace,
            profile=t.account.profile,
            account=t.account,
            platform=t.account.platform,
            position=t.index,
            livemode=caller.livemode,
            text=t.text,
            media=t.media,
            first_comment=t.first_comment or "",
            options=t.options,
            sandbox=t.sandbox,
            reply_count=len(t.replies),
            scheduled_at=scheduled_at,
            **state,
        )
        for t in checked
    ]
    insert_new(targets)
    # Only posts with a thread or a first comment pay for this insert (issue #22's budget).
    insert_new(
        [
            i
            for tg, t in zip(targets, checked, strict=True)
            for i in threads.new_items(tg, t.replies)
        ]
    )
    return post, targets


def _require_queued(target: PostTarget) -> None:
    if target.status != PostTarget.Status.QUEUED:
        raise ValidationFailed(
            f'Cannot modify a post in status "{target.status}"; only queued posts can be changed.',
            status=409,
            rule="post.status",
            remediation="Create a new post instead.",
        )


def reschedule_target(*, target: PostTarget, scheduled_at: datetime) -> PostTarget:
    """Move a queued target to a new time. Loses cleanly to a worker that claimed it first."""
    _require_queued(target)
    if scheduled_at < timezone.now() + MIN_LEAD:
        raise ValidationFailed(
            "scheduledAt must be at least 1 second in the future.",
            rule="scheduledAt.future",
            remediation="Send a later time.",
        )
    previous = target.scheduled_at
    with transaction.atomic():
        moved = PostTarget.objects.filter(
            pk=target.pk, status=PostTarget.Status.QUEUED
        ).update(
            scheduled_at=scheduled_at, due_at=scheduled_at, updated_at=timezone.now()
        )
        if moved:
            emit_post_event(
                "post.rescheduled", target=target, previous_scheduled_at=previous
            )
    target.refresh_from_db()
    if not moved:
        _require_queued(target)
    return target


def cancel_target(*, target: PostTarget) -> PostTarget:
    """Cancel a queued target: a compare-and-set, so either the cancel or a worker's claim wins."""
    return take_out_of_queue(target=target, status=PostTarget.Status.CANCELED)


def take_out_of_queue(*, target: PostTarget, status: str) -> PostTarget:
    """Move a queued target to `status` (canceled, or back to draft), announced as
    `post.canceled`; a compare-and-set, so either this or a worker's claim wins."""
    _require_queued(target)
    with transaction.atomic():
        moved = PostTarget.objects.filter(
            pk=target.pk, status=PostTarget.Status.QUEUED
        ).update(status=status, updated_at=timezone.now())
        if moved:
            emit_post_event("post.canceled", target=target)
    target.refresh_from_db()
    if not moved:
        _require_queued(target)
    return target

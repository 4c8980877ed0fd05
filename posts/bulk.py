"""Bulk actions on the posts log: cancel, reschedule or retry many posts, one at a time.

Each post goes through the same service as its single action (`cancel_target`,
`reschedule_target`, `retry_target` through `commit_then_publish`), in its own transaction: one
refusal (already published, not failed…) never undoes or blocks the others, and every post gets
its own outcome. Ids the caller cannot see (another workspace, the other mode, not an id at all)
come back as "not found", exactly as a single action's 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from letmepost.errors import LetmepostError, ValidationFailed
from letmepost.ids import parse_uuid
from posts import selectors, services
from posts.models import PostTarget
from posts.publishing import commit_then_publish
from posts.retry import retry_target

MAX_SELECTED = 100  # a log page is 25 rows; a few pages loaded with "Load more" fit
CANCEL, RESCHEDULE, RETRY = "cancel", "reschedule", "retry"
ACTIONS = (CANCEL, RESCHEDULE, RETRY)
NOT_FOUND = "Post not found."


@dataclass(frozen=True)
class Outcome:
    """What one selected post answered: done, or refused with the service's reason."""

    post_id: str
    done: bool
    message: str
    target: PostTarget | None = None  # None when the id is not found
    rule: str | None = None
    remediation: str | None = None
    new_target: PostTarget | None = None  # a retry's new post


@dataclass(frozen=True)
class BulkResult:
    action: str
    outcomes: list[Outcome]

    @property
    def done(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.done]

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.done]


def selected_ids(raw: Iterable[str]) -> list[str]:
    """The picked ids in order, each once; refuses more than `MAX_SELECTED`."""
    ids = list(dict.fromkeys(i.strip() for i in raw if i.strip()))
    if len(ids) > MAX_SELECTED:
        raise ValidationFailed(
            f"{len(ids)} posts selected; at most {MAX_SELECTED} at once.",
            rule="bulk.max_selected",
            remediation=f"Select at most {MAX_SELECTED} posts, or filter the log first.",
        )
    return ids


def run(
    *,
    caller: services.Caller,
    action: str,
    post_ids: Iterable[str],
    scheduled_at: datetime | None = None,
    confirm_unknown: bool = False,
) -> BulkResult:
    """Apply `action` to each post of `post_ids` the caller can see, one post at a time.

    Precondition: not inside a caller's transaction (a retry publishes after its own commit).
    """
    if action not in ACTIONS:
        raise ValidationFailed(
            f"Unknown bulk action {action!r}.",
            rule="bulk.action",
            remediation=f"Use one of: {', '.join(ACTIONS)}.",
        )
    if action == RESCHEDULE and scheduled_at is None:
        raise ValidationFailed(
            "Pick the new date and time to reschedule to.",
            rule="bulk.reschedule.time",
            remediation="Pick a date and a time in the future.",
        )
    ids = selected_ids(post_ids)
    found = _visible(caller, ids)
    apply = _action(caller, action, scheduled_at, confirm_unknown)
    outcomes = []
    for post_id in ids:
        target = found.get(post_id)
        if target is None:
            outcomes.append(Outcome(post_id, False, NOT_FOUND))
            continue
        try:
            outcomes.append(apply(target))
        except LetmepostError as exc:
            outcomes.append(
                Outcome(
                    post_id,
                    False,
                    exc.message,
                    target=target,
                    rule=exc.rule,
                    remediation=exc.fields.get("remediation"),
                )
            )
    return BulkResult(action, outcomes)


def _visible(caller: services.Caller, ids: list[str]) -> dict[str, PostTarget]:
    """The caller's targets among `ids`, by id as given (one query)."""
    pks = {pk: raw for raw in ids if (pk := parse_uuid(raw)) is not None}
    query = selectors.targets_in_mode(caller.workspace, livemode=caller.livemode)
    if caller.scope is not None:
        query = query.filter(profile=caller.scope)
    rows = query.select_related("account", "post").filter(pk__in=list(pks))
    return {pks[row.pk]: row for row in rows}


def _action(
    caller: services.Caller,
    action: str,
    scheduled_at: datetime | None,
    confirm_unknown: bool,
) -> Callable[[PostTarget], Outcome]:
    def cancel(target: PostTarget) -> Outcome:
        services.cancel_target(target=target)
        return Outcome(str(target.pk), True, "Canceled.", target=target)

    def reschedule(target: PostTarget) -> Outcome:
        assert scheduled_at is not None  # checked by run()
        services.reschedule_target(target=target, scheduled_at=scheduled_at)
        return Outcome(str(target.pk), True, "Rescheduled.", target=target)

    def retry(target: PostTarget) -> Outcome:
        created = commit_then_publish(
            lambda: retry_target(
                caller=caller, target=target, confirm_unknown=confirm_unknown
            )
        )
        [new] = created.targets  # a retry is one target: a new one, or a thread resumed
        new.refresh_from_db()  # published (or failed again) after the commit
        fresh = new.pk != target.pk
        return Outcome(
            str(target.pk),
            True,
            f"Retried{' as a new post' if fresh else ''}, now {new.status}.",
            target=target,
            new_target=new if fresh else None,
        )

    return {CANCEL: cancel, RESCHEDULE: reschedule, RETRY: retry}[action]

"""Reads of the post log, scoped to a workspace, a mode and a key's profile.

Test and live are two worlds (D23): every read here takes the caller's `livemode`, so a post of
the other mode is as absent as another workspace's, and no write can start from one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import QuerySet

from accounts.models import Profile, Workspace
from letmepost.errors import NotFound
from letmepost.ids import parse_uuid
from posts.models import PostTarget


def targets_in_mode(workspace: Workspace, *, livemode: bool) -> QuerySet[PostTarget]:
    """The workspace's targets of one mode: where every caller's read of posts starts."""
    return PostTarget.objects.filter(workspace=workspace, livemode=livemode)


def get_target_for_workspace(
    workspace: Workspace,
    target_id: str,
    *,
    livemode: bool,
    scope: Profile | None = None,
) -> PostTarget:
    pk = parse_uuid(target_id)
    target = (
        targets_in_mode(workspace, livemode=livemode)
        .select_related("account", "post")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if target is None:
        raise NotFound("Post not found.", resource="post")
    if scope is not None and target.profile_id != scope.pk:
        raise NotFound("Post not found.", resource="post", rule="api_key.profile_scope")
    return target


@dataclass(frozen=True)
class LogFilter:
    profile: Profile | None = None
    statuses: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    account_ids: tuple[str, ...] = ()
    error_codes: tuple[str, ...] = ()
    after: datetime | None = None
    before: datetime | None = None
    q: str | None = None
    livemode: bool | None = None


# Each log filter that narrows by a plain lookup when given (`q` is a literal match: Django
# escapes % and _).
LOG_LOOKUPS = (
    ("profile", "profile"),
    ("statuses", "status__in"),
    ("platforms", "platform__in"),
    ("error_codes", "error_code__in"),
    ("after", "created_at__gte"),
    ("before", "created_at__lt"),
    ("q", "text__icontains"),
)


def list_targets(
    workspace: Workspace, filters: LogFilter, *, livemode: bool
) -> QuerySet[PostTarget]:
    """Newest first; `after` is inclusive and `before` exclusive, as in the reference.

    `livemode` is the caller's mode; `filters.livemode` (the query parameter) only narrows it.
    """
    qs = targets_in_mode(workspace, livemode=livemode).select_related("account")
    for name, lookup in LOG_LOOKUPS:
        if value := getattr(filters, name):
            qs = qs.filter(**{lookup: value})
    if filters.account_ids:
        # Callers validated them; Django would parse the strings the same way.
        qs = qs.filter(account_id__in=[UUID(a) for a in filters.account_ids])
    if filters.livemode is not None:
        qs = qs.filter(livemode=filters.livemode)
    return qs.order_by("-created_at", "-id")

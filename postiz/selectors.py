"""Reads for the Postiz surface: the accounts a key sees, and posts by publish date."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from accounts.models import Profile, Workspace
from platforms.models import PlatformAccount
from platforms.selectors import live_accounts
from postiz.mapping import HIDDEN
from posts.models import PostTarget
from posts.selectors import targets_in_mode
from posts.services import Caller


def integrations(
    workspace: Workspace, scope: Profile | None, customer: str | None = None
) -> QuerySet[PlatformAccount]:
    accounts = live_accounts(workspace, profile=scope)
    return accounts.filter(profile_id=customer) if customer else accounts


def posts_between(
    caller: Caller,
    start: datetime,
    end: datetime,
    customer: str | None = None,
) -> QuerySet[PostTarget]:
    """The caller's targets whose publish date (scheduled, else published, else created) is in
    [start, end], in the caller's mode; canceled ones and ones deleted through Postiz are left
    out, as Postiz leaves out deleted rows."""
    scope = caller.scope
    qs = (
        targets_in_mode(caller.workspace, livemode=caller.livemode)
        .select_related("account", "postiz")
        .filter(account__deleted_at__isnull=True)
        .exclude(status__in=HIDDEN)
        .exclude(Q(postiz__isnull=False) & Q(postiz__deleted_at__isnull=False))
        .annotate(when=Coalesce("scheduled_at", "published_at", "created_at"))
        .filter(when__gte=start, when__lte=end)
    )
    if scope is not None:
        qs = qs.filter(profile=scope)
    if customer:
        qs = qs.filter(profile_id=customer)
    return qs.order_by("when", "id")

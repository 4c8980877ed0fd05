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


def integrations(
    workspace: Workspace, scope: Profile | None, customer: str | None = None
) -> QuerySet[PlatformAccount]:
    accounts = live_accounts(workspace, profile=scope)
    return accounts.filter(profile_id=customer) if customer else accounts


def posts_between(
    workspace: Workspace,
    scope: Profile | None,
    start: datetime,
    end: datetime,
    customer: str | None = None,
) -> QuerySet[PostTarget]:
    """Targets whose publish date (scheduled, else published, else created) is in [start, end];
    canceled ones and ones deleted through Postiz are left out, as Postiz leaves out deleted rows."""
    qs = (
        PostTarget.objects.select_related("account", "postiz")
        .filter(workspace=workspace, account__deleted_at__isnull=True)
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

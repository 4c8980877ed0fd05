"""Reads of connected accounts, scoped to a workspace (and a key's profile)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Profile, Workspace
from letmepost.errors import NotFound
from letmepost.ids import parse_uuid
from platforms.models import PlatformAccount


def live_accounts(
    workspace: Workspace, *, profile: Profile | None = None
) -> QuerySet[PlatformAccount]:
    accounts = PlatformAccount.objects.filter(
        workspace=workspace, deleted_at__isnull=True
    ).select_related("profile")
    return accounts.filter(profile=profile) if profile else accounts


def get_account_for_workspace(
    workspace: Workspace, account_id: str, *, scope: Profile | None = None
) -> PlatformAccount:
    """The live account, or NotFound whether it is missing, deleted, elsewhere or out of scope."""
    pk = parse_uuid(account_id)
    account = live_accounts(workspace).filter(pk=pk).first() if pk else None
    if account is None:
        raise NotFound(f"Platform account not found: {account_id}.", resource="account")
    if scope is not None and account.profile_id != scope.pk:
        raise NotFound(
            f"Platform account not found: {account_id}.",
            resource="account",
            rule="api_key.profile_scope",
        )
    return account

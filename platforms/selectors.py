"""Reads of connected accounts, scoped to a workspace (and a key's profile).

Accounts have no mode: test and live posts go through the same accounts (D13), and a test
post never leaves the sandbox. What a test key may not do is reach a real platform through
an account, or change one that live posts depend on (D23): `require_live_for` guards that.
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from accounts.models import Profile, Workspace
from letmepost.errors import NotFound, Unauthorized
from letmepost.ids import parse_uuid
from letmepost.prepared import PreparedQuery
from platforms.models import PlatformAccount
from platforms.signals import test_disconnect_requested


def live_accounts(
    workspace: Workspace, *, profile: Profile | None = None
) -> QuerySet[PlatformAccount]:
    accounts = PlatformAccount.objects.filter(
        workspace=workspace, deleted_at__isnull=True
    ).select_related("profile")
    return accounts.filter(profile=profile) if profile else accounts


def _live_account_query(*, credentials: bool) -> PreparedQuery[PlatformAccount]:
    def build(pk: UUID, workspace: UUID) -> QuerySet[PlatformAccount]:
        accounts = PlatformAccount.objects.filter(
            pk=pk, workspace_id=workspace, deleted_at__isnull=True
        ).select_related("profile")
        return accounts if credentials else accounts.defer("credentials")

    return PreparedQuery(build, pk=UUID(int=1), workspace=UUID(int=2))


# Every post and every account call reads one account: compiled once (letmepost/prepared.py).
_live_account = _live_account_query(credentials=True)
_live_account_without_credentials = _live_account_query(credentials=False)


def get_account_for_workspace(
    workspace: Workspace,
    account_id: str,
    *,
    scope: Profile | None = None,
    credentials: bool = True,
) -> PlatformAccount:
    """The live account, or NotFound whether it is missing, deleted, elsewhere or out of scope.

    `credentials=False` leaves them undecrypted (read on first access) for callers that never
    call the platform, such as creating a post: a Fernet decrypt per target per request.
    """
    account = None
    if pk := parse_uuid(account_id):
        lookup = _live_account if credentials else _live_account_without_credentials
        account = next(iter(lookup(pk=pk, workspace=workspace.pk)), None)
    if account is None:
        raise NotFound(f"Platform account not found: {account_id}.", resource="account")
    if scope is not None and account.profile_id != scope.pk:
        raise NotFound(
            f"Platform account not found: {account_id}.",
            resource="account",
            rule="api_key.profile_scope",
        )
    return account


SANDBOX = "sandbox"  # the one platform that is never real


def require_live_for(platform: str, *, livemode: bool) -> None:
    """Refuse a test caller anything on a real platform's accounts: connect, change, disconnect.

    Connecting calls the platform (token exchange, session, app registration), and a real
    account is shared with live posts; the sandbox platform is open to both modes.
    """
    if not livemode and platform != SANDBOX:
        raise Unauthorized(
            f"A test key cannot connect, change or disconnect a {platform} account.",
            rule="api_key.livemode",
            platform=platform,
            remediation="Use a live key (or the dashboard); test with the sandbox platform.",
        )


def require_test_may_disconnect(account: PlatformAccount, *, livemode: bool) -> None:
    """A test key may disconnect a sandbox account, unless live posts wait on it (disconnecting
    cancels them): a test key never changes a live object (D23). posts answers that part."""
    require_live_for(account.platform, livemode=livemode)
    if not livemode:
        test_disconnect_requested.send(sender=PlatformAccount, account=account)

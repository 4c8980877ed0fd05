"""What Meta's deauthorize and data-deletion callbacks do to the accounts of one Meta user.

Meta identifies the person by an app-scoped user id. Instagram and Threads accounts carry it as
their external id (or `metadata.userId`); a Facebook Page account carries the id of the person
who connected it in `metadata.userId`. The same person may have connected accounts in several
workspaces: removing the app ends every one of them, since their tokens die with it.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.db.models import Q, QuerySet

from platforms.meta.models import MetaDataDeletion
from platforms.models import PlatformAccount
from platforms.services import disconnect_account, mark_needs_reauth

REMOVED_MESSAGE = "The person removed letmepost from their {platform} settings."


def accounts_of(*, platforms: list[str], user_id: str) -> QuerySet[PlatformAccount]:
    """Every account, live or disconnected, that Meta's `user_id` names on these platforms."""
    return PlatformAccount.objects.filter(
        Q(external_id=user_id) | Q(metadata__userId=user_id), platform__in=platforms
    )


def deauthorize(*, platforms: list[str], user_id: str) -> int:
    """Disconnect the person's live accounts; `token.revoked` and `post.canceled` fire as usual.

    Returns how many accounts were disconnected. A repeat finds none and changes nothing.
    """
    accounts = list(
        accounts_of(platforms=platforms, user_id=user_id).filter(
            deleted_at__isnull=True
        )
    )
    for account in accounts:
        mark_needs_reauth(
            account=account,
            reason="revoked_upstream",
            message=REMOVED_MESSAGE.format(platform=account.platform.title()),
        )
        disconnect_account(account=account)
    return len(accounts)


@transaction.atomic
def erase(*, platforms: list[str], user_id: str) -> MetaDataDeletion:
    """Disconnect the person's accounts and erase who they were; return the request to show.

    The rows stay, anonymised, so the workspace's post log keeps its history (what was posted
    is the workspace's own content); the id, name, handle and tokens are gone.
    """
    deauthorize(platforms=platforms, user_id=user_id)
    accounts = list(accounts_of(platforms=platforms, user_id=user_id))
    for account in accounts:
        PlatformAccount.objects.filter(pk=account.pk).update(
            external_id=f"erased:{account.pk}",
            display_name="Erased account",
            credentials={},
            metadata={"erased": True},
        )
    return MetaDataDeletion.objects.create(
        code=secrets.token_hex(8),
        platforms=",".join(platforms),
        accounts_erased=len(accounts),
    )

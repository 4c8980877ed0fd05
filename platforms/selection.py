"""Choosing which of several found accounts to connect (a Business Profile's locations).

An OAuth connect whose adapter sets `choose_at_connect` and finds more than one candidate stores
none of them: `hold_candidates` keeps them (credentials encrypted) for `SELECTION_TTL` in a
`PendingSelection` of the flow's workspace and profile. The person then picks, in the dashboard
picker or with `POST /v1/accounts/connect/{platform}/select`, and `connect_selected` stores the
chosen ones and deletes the selection (single use). Another workspace's selection, an expired
one and a used one all look the same: not found.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from letmepost.errors import NotFound, ValidationFailed
from platforms.base import ConnectedAccount
from platforms.models import PendingSelection, PlatformAccount

if TYPE_CHECKING:
    from accounts.models import Profile, Workspace

SELECTION_TTL = timedelta(minutes=15)


def hold_candidates(
    *,
    workspace: Workspace,
    profile: Profile,
    platform: str,
    candidates: Sequence[ConnectedAccount],
    token_expires_at: datetime | None,
    return_to: str = "",
) -> PendingSelection:
    """Keep the candidates until the person chooses; each gets its account's token expiry."""
    rows = []
    for found in candidates:
        row = asdict(found)
        expiry = found.token_expires_at if found.own_expiry else token_expires_at
        row["token_expires_at"] = expiry.isoformat() if expiry else None
        rows.append(row)
    return PendingSelection.objects.create(
        workspace=workspace,
        profile=profile,
        platform=platform,
        candidates={"accounts": rows},
        return_to=return_to,
        expires_at=timezone.now() + SELECTION_TTL,
    )


def get_selection(
    workspace: Workspace,
    selection_id: str,
    *,
    platform: str | None = None,
    scope: Profile | None = None,
) -> PendingSelection:
    """The workspace's live selection, or NotFound (missing, elsewhere, expired or used).

    `scope`: a profile-scoped API key sees only selections for its own profile."""
    narrow: dict[str, Any] = {"platform": platform} if platform else {}
    if scope is not None:
        narrow["profile"] = scope
    pk = _uuid(selection_id)
    found = (
        PendingSelection.objects.select_related("profile")
        .filter(pk=pk, workspace=workspace, expires_at__gt=timezone.now(), **narrow)
        .first()
        if pk is not None
        else None
    )
    if found is None:
        raise NotFound(
            "No such account selection, or it has expired.",
            resource="selection",
            rule="connect.selection",
            remediation="Start connecting the account again.",
        )
    return found


def candidates_of(selection: PendingSelection) -> list[ConnectedAccount]:
    return [_candidate(row) for row in selection.candidates["accounts"]]


def public_candidates(selection: PendingSelection) -> list[dict[str, Any]]:
    """What a person may see of each candidate: never its credentials."""
    return [
        {
            "external_id": c.external_id,
            "display_name": c.display_name,
            "metadata": c.metadata,
        }
        for c in candidates_of(selection)
    ]


def connect_selected(
    *,
    workspace: Workspace,
    selection_id: str,
    external_ids: Iterable[str],
    platform: str | None = None,
    scope: Profile | None = None,
) -> list[tuple[PlatformAccount, bool]]:
    """Store the chosen candidates as accounts (True: new) and use up the selection."""
    from platforms.services import store_connected

    chosen = list(dict.fromkeys(str(e) for e in external_ids))
    with transaction.atomic():
        selection = get_selection(
            workspace, selection_id, platform=platform, scope=scope
        )
        selection = PendingSelection.objects.select_for_update().get(pk=selection.pk)
        offered = {c.external_id: c for c in candidates_of(selection)}
        unknown = [e for e in chosen if e not in offered]
        if not chosen or unknown:
            raise ValidationFailed(
                "Choose one or more of the offered accounts."
                if not chosen
                else f"Not among the offered accounts: {', '.join(unknown)}.",
                rule="externalIds",
                remediation="Send externalIds from the selection's candidates.",
            )
        stored = [
            store_connected(
                workspace=workspace,
                profile=selection.profile,
                platform=selection.platform,
                connected=offered[e],
                token_expires_at=offered[e].token_expires_at,
            )
            for e in chosen
        ]
        selection.delete()
    return stored


def purge_expired_selections(now: datetime) -> int:
    deleted, _ = PendingSelection.objects.filter(expires_at__lt=now).delete()
    return deleted


def _candidate(row: dict[str, Any]) -> ConnectedAccount:
    expiry = row.get("token_expires_at")
    return ConnectedAccount(
        external_id=row["external_id"],
        display_name=row["display_name"],
        credentials=row["credentials"],
        metadata=row.get("metadata") or {},
        token_expires_at=parse_datetime(expiry) if expiry else None,
        own_expiry=True,  # resolved when held
    )


def _uuid(value: str) -> uuid.UUID | None:
    """The id as a UUID; a malformed one is simply not found, never a 500."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None

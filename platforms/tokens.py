"""Keeping OAuth tokens alive: refresh ahead of expiry, warn before it, flag refusals.

A maintenance job (`refresh_due_tokens`) looks for accounts whose token expires within their
platform's horizon (spec/webhooks.md §5) and renews each under its row lock, so two beat
processes, or beat and a publish, never spend the same refresh token twice. The engine calls
`ensure_fresh_token` before publishing, for tokens that would expire mid-call.

Events (spec/webhooks.md §5, the recommended semantics): `token.expiring` once per expiry when
the token cannot be renewed automatically (no refresh token, LinkedIn-style) from 7 days before,
or when a refresh failed for a passing reason while the token still works; `token.revoked` when
the platform refuses the refresh for good, and the account then shows `needsReconnect`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from letmepost.errors import LetmepostError, PlatformAuthFailed
from platforms.models import PlatformAccount
from platforms.oauth import OAuthConnect
from platforms.registry import PLATFORMS, adapter_class
from platforms.services import mark_needs_reauth, notify_token_expiring

logger = logging.getLogger("letmepost.platforms.tokens")

# Tokens that cannot be renewed are announced this long before they expire.
EXPIRING_NOTICE = timedelta(days=7)
# At publish time, a token this close to expiry is renewed first.
PUBLISH_MARGIN = timedelta(minutes=2)


def oauth_platforms() -> dict[str, type[OAuthConnect]]:
    """Installed platforms whose accounts hold refreshable OAuth tokens."""
    found: dict[str, type[OAuthConnect]] = {}
    for slug in PLATFORMS:
        adapter = adapter_class(slug)
        if issubclass(adapter, OAuthConnect):
            found[slug] = adapter
    return found


def refresh_due_tokens(now: datetime | None = None) -> int:
    """Maintenance job: renew (or announce) every token inside its horizon. Returns renewals."""
    now = now or timezone.now()
    renewed = 0
    for slug, adapter in oauth_platforms().items():
        window = max(adapter.refresh_horizon, EXPIRING_NOTICE)
        due = PlatformAccount.objects.filter(
            platform=slug,
            status=PlatformAccount.Status.ACTIVE,
            deleted_at__isnull=True,
            token_expires_at__isnull=False,
            token_expires_at__lte=now + window,
        ).values_list("pk", flat=True)
        for account_id in due:
            try:
                renewed += refresh_account(account_id, now=now)
            except Exception:  # one account's bug must not stop the others
                logger.exception("token refresh crashed for account %s", account_id)
    return renewed


def refresh_account(
    account_id: UUID, *, now: datetime | None = None, within: timedelta | None = None
) -> bool:
    """Renew one account's token if it expires within `within` (default: the platform's
    horizon); True when it was renewed. Re-checked under the row lock, so a token renewed
    meanwhile by another process is left alone."""
    now = now or timezone.now()
    revoked: PlatformAccount | None = None
    reason = ""
    with transaction.atomic():
        account = (
            PlatformAccount.objects.select_for_update()
            .filter(pk=account_id, status=PlatformAccount.Status.ACTIVE)
            .first()
        )
        if account is None or account.token_expires_at is None:
            return False
        adapter = adapter_class(account.platform)
        if not issubclass(adapter, OAuthConnect):
            return False
        expires = account.token_expires_at
        if not adapter.can_refresh(account):
            if expires - EXPIRING_NOTICE <= now:
                notify_token_expiring(account=account, expires_at=expires)
            return False
        if expires - (within or adapter.refresh_horizon) > now:
            return False  # not due, or renewed meanwhile by someone else
        try:
            refreshed = adapter.refresh_credentials(account)
        except PlatformAuthFailed as exc:
            revoked, reason = account, exc.message
        except LetmepostError as exc:
            logger.warning(
                "token refresh for %s account %s failed: %s",
                account.platform,
                account.pk,
                exc.code,
            )
            if expires > now:
                notify_token_expiring(account=account, expires_at=expires)
            return False
        else:
            account.credentials = refreshed.credentials
            account.token_expires_at = refreshed.expires_at
            account.save(
                update_fields=["credentials", "token_expires_at", "updated_at"]
            )
            return True
    mark_needs_reauth(account=revoked, reason="refresh_failed", message=reason)
    return False


def ensure_fresh_token(account: PlatformAccount) -> None:
    """Before a publish: renew a token that is about to expire, in place on `account`.

    Raises PlatformAuthFailed when the platform refuses the refresh (the account then needs
    reconnecting); a token that cannot be renewed is left to the platform to judge.
    """
    expires = account.token_expires_at
    if expires is None or expires - PUBLISH_MARGIN > timezone.now():
        return
    adapter = adapter_class(account.platform)
    if not issubclass(adapter, OAuthConnect) or not adapter.can_refresh(account):
        return
    refresh_account(account.pk, within=PUBLISH_MARGIN)
    account.refresh_from_db(fields=["credentials", "token_expires_at", "status"])
    if account.status == PlatformAccount.Status.NEEDS_REAUTH:
        raise PlatformAuthFailed(
            "The platform refused to renew this account's token; it must be reconnected.",
            rule="account.needs_reauth",
            remediation="Reconnect the account, then publish again.",
        )

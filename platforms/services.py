"""Writes of connected accounts: connect with credentials, disconnect."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Profile, Workspace
from platforms.base import ConnectedAccount
from platforms.models import PlatformAccount
from platforms.registry import adapter_class
from platforms.signals import account_disconnected, token_event


def connect_with_credentials(
    *, workspace: Workspace, profile: Profile, platform: str, payload: dict[str, Any]
) -> tuple[PlatformAccount, bool]:
    """Verify the credentials with the platform and store the account; True when it is new.

    An account already connected in this workspace keeps its profile and gets fresh credentials.
    """
    adapter = adapter_class(platform)
    if adapter.connect_kind != "credentials":
        from letmepost.errors import ValidationFailed

        raise ValidationFailed(
            f"{platform} connects with OAuth, not credentials.",
            rule="platform",
            remediation=f"Start with POST /v1/accounts/connect/{platform}.",
        )
    connected: ConnectedAccount = adapter.connect_with_credentials(payload)
    return store_connected(
        workspace=workspace,
        profile=profile,
        platform=platform,
        connected=connected,
        token_expires_at=connected.token_expires_at,
    )


@transaction.atomic
def store_connected(
    *,
    workspace: Workspace,
    profile: Profile,
    platform: str,
    connected: ConnectedAccount,
    token_expires_at: datetime | None = None,
) -> tuple[PlatformAccount, bool]:
    existing = (
        PlatformAccount.objects.select_for_update()
        .filter(
            workspace=workspace,
            platform=platform,
            external_id=connected.external_id,
            deleted_at__isnull=True,
        )
        .first()
    )
    if existing:
        existing.display_name = connected.display_name
        existing.credentials = connected.credentials
        existing.metadata = {**existing.metadata, **connected.metadata}
        existing.status = PlatformAccount.Status.ACTIVE
        existing.token_expires_at = token_expires_at
        existing.save()
        return existing, False
    account = PlatformAccount.objects.create(
        workspace=workspace,
        profile=profile,
        platform=platform,
        external_id=connected.external_id,
        display_name=connected.display_name,
        credentials=connected.credentials,
        metadata=connected.metadata,
        token_expires_at=token_expires_at,
    )
    return account, True


@transaction.atomic
def disconnect_account(*, account: PlatformAccount) -> None:
    """Soft-delete: the post log keeps its history; queued targets are canceled, not orphaned
    (by posts, on `account_disconnected`)."""
    from platforms.oauth import OAuthConnect
    from platforms.registry import PLATFORMS, adapter_class

    if account.platform in PLATFORMS and account.credentials:
        adapter = adapter_class(account.platform)
        if issubclass(adapter, OAuthConnect):
            adapter.revoke_credentials(
                account
            )  # best effort: never blocks a disconnect
    now = timezone.now()
    PlatformAccount.objects.filter(pk=account.pk).update(deleted_at=now, credentials={})
    account_disconnected.send(sender=PlatformAccount, account=account)
    account.deleted_at = now


def mark_needs_reauth(
    *, account: PlatformAccount, reason: str, message: str | None = None
) -> bool:
    """Flag an account whose credentials the platform refused for good; True if it was active.

    Emits `token.revoked` once, on the transition (reason: refresh_failed, revoked_upstream or
    app_password_deleted). Call it outside any transaction that is about to roll back.
    """
    with transaction.atomic():
        changed = PlatformAccount.objects.filter(
            pk=account.pk, status=PlatformAccount.Status.ACTIVE
        ).update(status=PlatformAccount.Status.NEEDS_REAUTH, updated_at=timezone.now())
        account.status = PlatformAccount.Status.NEEDS_REAUTH
        if changed:
            token_event.send(
                sender=PlatformAccount,
                event="token.revoked",
                account=account,
                reason=reason,
                message=message,
            )
    return bool(changed)


def purge_stale_rows() -> int:
    """Delete OAuth flows never completed, account selections never made and Mastodon
    idempotency keys past their hour."""
    from datetime import timedelta

    from platforms.models import MastodonStatusKey
    from platforms.oauth import purge_expired_states
    from platforms.selection import purge_expired_selections

    now = timezone.now()
    states = purge_expired_states(now) + purge_expired_selections(now)
    keys, _ = MastodonStatusKey.objects.filter(
        first_sent_at__lt=now - timedelta(days=2)
    ).delete()
    return states + keys


def notify_token_expiring(
    *, account: PlatformAccount, expires_at: datetime | None
) -> None:
    """Emit `token.expiring` once per token: a refresh failed but the token still works.

    Precondition: inside the transaction holding the account's row lock.
    """
    notice = expires_at.isoformat() if expires_at else "unknown"
    if account.metadata.get("expiringNoticeFor") == notice:
        return
    account.metadata = {**account.metadata, "expiringNoticeFor": notice}
    account.save(update_fields=["metadata", "updated_at"])
    token_event.send(
        sender=PlatformAccount,
        event="token.expiring",
        account=account,
        expires_at=expires_at,
    )

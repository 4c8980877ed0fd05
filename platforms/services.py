"""Writes of connected accounts: connect with credentials, disconnect."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Profile, Workspace
from platforms.base import ConnectedAccount
from platforms.models import PlatformAccount
from platforms.registry import adapter_class


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
        workspace=workspace, profile=profile, platform=platform, connected=connected
    )


@transaction.atomic
def store_connected(
    *,
    workspace: Workspace,
    profile: Profile,
    platform: str,
    connected: ConnectedAccount,
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
    )
    return account, True


@transaction.atomic
def disconnect_account(*, account: PlatformAccount) -> None:
    """Soft-delete: the post log keeps its history; queued targets are canceled, not orphaned."""
    from posts.models import PostTarget

    now = timezone.now()
    PlatformAccount.objects.filter(pk=account.pk).update(deleted_at=now, credentials={})
    PostTarget.objects.filter(account=account, status=PostTarget.Status.QUEUED).update(
        status=PostTarget.Status.CANCELED,
        error={
            "code": "validation_failed",
            "message": "The account was disconnected.",
            "rule": "account.disconnected",
        },
        error_code="validation_failed",
    )
    account.deleted_at = now

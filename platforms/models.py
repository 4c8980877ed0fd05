"""Connected publishing accounts. These are not logins: one handle may be connected to several
workspaces, and its credentials are encrypted at rest."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from letmepost.crypto import EncryptedJSONField
from letmepost.ids import uuid7
from platforms.mastodon.models import MastodonApp, MastodonStatusKey
from platforms.meta.models import MetaDataDeletion
from platforms.sandbox.models import SandboxPost

__all__ = [
    "MastodonApp",
    "MastodonStatusKey",
    "MetaDataDeletion",
    "OAuthState",
    "PendingSelection",
    "PlatformAccount",
    "PlatformVersion",
    "SandboxPost",
    "VersionNotice",
]


class PlatformAccount(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        NEEDS_REAUTH = "needs_reauth"

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="platform_accounts"
    )
    # PROTECT: a profile that still owns accounts cannot be deleted (profile.delete.not_empty).
    profile = models.ForeignKey(
        "accounts.Profile", on_delete=models.PROTECT, related_name="platform_accounts"
    )
    platform = models.CharField(max_length=32)
    external_id = models.CharField(max_length=255)
    display_name = models.CharField(max_length=255, blank=True)
    credentials = EncryptedJSONField(default=dict)
    metadata = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    token_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(
        null=True, blank=True
    )  # soft delete keeps the post log

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "platform", "external_id"],
                condition=Q(deleted_at__isnull=True),
                name="platform_account_unique_live",
            )
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.platform}:{self.display_name or self.external_id}"


class OAuthState(models.Model):
    """One authorization-code flow in progress (platforms.oauth). Single use, 10-minute TTL.

    The `state` value is 256 random bits and the only way to find the row, so it needs no
    signature; it is deleted under a row lock when the flow completes (a replay finds nothing).
    """

    state = models.CharField(max_length=64, unique=True)
    platform = models.CharField(max_length=32)
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    profile = models.ForeignKey(
        "accounts.Profile", on_delete=models.CASCADE, related_name="+"
    )
    code_verifier = models.CharField(max_length=128, blank=True)  # PKCE; "" without
    redirect_uri = models.CharField(max_length=2048)
    return_to = models.CharField(max_length=2048, blank=True)
    context = models.JSONField(default=dict, blank=True)  # e.g. {"instanceUrl": ...}
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"oauth state for {self.platform}"


class PendingSelection(models.Model):
    """Accounts one authorization found, waiting for the person to choose which to connect.

    Made by an OAuth connect whose adapter asks for a choice (`choose_at_connect`) when the
    platform answered several candidates (platforms.selection). The candidates carry their
    credentials, hence encrypted; the id is random and only found within its workspace; the row
    is deleted when the choice is made or by the maintenance job after `expires_at`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    profile = models.ForeignKey(
        "accounts.Profile", on_delete=models.CASCADE, related_name="+"
    )
    platform = models.CharField(max_length=32)
    # {"accounts": [ConnectedAccount fields, one a row]}
    candidates = EncryptedJSONField(default=dict)
    return_to = models.CharField(max_length=2048, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"pending {self.platform} selection"


class PlatformVersion(models.Model):
    """The upstream API version each platform adapter is pinned to (spec D12), admin-editable.

    `label` is what errors carry as `platformVersion`; a sunset date makes the maintenance job
    record `version.deprecated` notices for every workspace with an account on the platform.
    """

    class MigrationStatus(models.TextChoices):
        NONE = "none"
        SCHEDULED = "scheduled"
        IN_FLIGHT = "in_flight"
        DONE = "done"

    platform = models.CharField(max_length=32, unique=True)
    current_pin = models.CharField(max_length=32)
    label = models.CharField(max_length=64)
    next_pin = models.CharField(max_length=32, blank=True)
    announced_at = models.DateTimeField(null=True, blank=True)
    sunset_at = models.DateTimeField(null=True, blank=True)
    notice_url = models.URLField(max_length=500, blank=True)
    migration_status = models.CharField(
        max_length=16, choices=MigrationStatus.choices, default=MigrationStatus.NONE
    )
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["platform"]

    def __str__(self) -> str:
        return self.label


class VersionNotice(models.Model):
    """A `version.deprecated` notice recorded for one workspace at one milestone.

    The unique constraint makes the periodic job idempotent: each (pin, sunset, milestone) is
    announced once per workspace, however often the job runs or however many replicas run it.
    """

    class Milestone(models.TextChoices):
        ANNOUNCED = "announced"
        DAYS_30 = "t-30d"
        DAYS_7 = "t-7d"

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    platform = models.CharField(max_length=32)
    current_pin = models.CharField(max_length=32)
    sunset_at = models.DateTimeField()
    milestone = models.CharField(max_length=16, choices=Milestone.choices)
    data = models.JSONField(default=dict)  # the event's `data`, as sent to webhooks
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "workspace",
                    "platform",
                    "current_pin",
                    "sunset_at",
                    "milestone",
                ],
                name="version_notice_once",
            )
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.platform} {self.current_pin} {self.milestone}"

"""Connected publishing accounts. These are not logins: one handle may be connected to several
workspaces, and its credentials are encrypted at rest."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from letmepost.crypto import EncryptedJSONField
from letmepost.ids import uuid7
from platforms.sandbox.models import SandboxPost

__all__ = ["PlatformAccount", "SandboxPost"]


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

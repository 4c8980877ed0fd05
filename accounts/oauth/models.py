"""A person's consent: one OAuth client may act in one workspace (and profile) as them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from oauth2_provider.settings import oauth2_settings

from letmepost.ids import uuid7


class Authorization(models.Model):
    """What a person granted a client on the consent page; its tokens act within it.

    One row per (person, client): consenting again replaces the choice and revokes the tokens
    issued under the old one, so a token never changes workspace under a client's feet.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
    )
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    profile = models.ForeignKey(
        "accounts.Profile",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    scope = models.CharField(max_length=255)  # space-separated, as OAuth writes it
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "application"], name="oauth_authorization_unique"
            )
        ]
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.application} in {self.workspace} for {self.user}"

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(self.scope.split())

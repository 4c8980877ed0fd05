"""Media: one uploaded (or fetched) image, video or document, stored once and referenced by posts."""

from __future__ import annotations

import secrets
import string

from django.db import models
from django.utils import timezone

from accounts.models import Profile, Workspace

ID_PREFIX = "med_"
ID_LENGTH = 22  # base62: ~131 bits, so an id cannot be guessed (spec §1.1)
ID_PATTERN = rf"^{ID_PREFIX}[0-9A-Za-z]{{{ID_LENGTH}}}$"
_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def new_media_id() -> str:
    return ID_PREFIX + "".join(secrets.choice(_BASE62) for _ in range(ID_LENGTH))


def new_public_token() -> str:
    """192 random bits: the public URL is a capability, so it must not be guessable."""
    return secrets.token_urlsafe(24)


class Media(models.Model):
    """A stored file. Its bytes were sniffed: `content_type` never comes from the client.

    Rows are soft-deleted (`deleted_at`) so ids stay unique forever; the stored object is removed
    when the row is deleted.
    """

    class Kind(models.TextChoices):
        IMAGE = "image"
        VIDEO = "video"
        DOCUMENT = "document"  # PDF, for the platforms that post documents (LinkedIn)
        OTHER = "other"  # reserved

    id = models.CharField(
        primary_key=True, max_length=32, default=new_media_id, editable=False
    )
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="media"
    )
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    content_type = models.CharField(max_length=100)
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    storage_key = models.CharField(max_length=255)
    public_token = models.CharField(
        max_length=64, unique=True, default=new_public_token, editable=False
    )
    source_url = models.TextField(blank=True)  # set for URL ingestion
    # The name it was uploaded (or fetched) under, for people to recognise it; never a path.
    filename = models.CharField(max_length=255, blank=True)
    livemode = models.BooleanField(
        default=True
    )  # the mode of the key that made it (D23)
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "media"
        indexes = [
            models.Index(
                fields=["workspace", "-created_at", "-id"], name="media_list_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} ({self.content_type})"

    @property
    def display_name(self) -> str:
        return self.filename or self.pk

    @property
    def extension(self) -> str:
        return self.storage_key.rsplit(".", 1)[-1] if "." in self.storage_key else "bin"

"""Cross-cutting tables of the API layer."""

from __future__ import annotations

from django.db import models

from letmepost.crypto import EncryptedBinaryField


class IdempotencyRecord(models.Model):
    """One `Idempotency-Key` use: reserved before the handler runs, then holding its response.

    The scope (workspace + credential + method + path + key) is hashed into `scope_digest` so the
    unique index stays small whatever the caller sends.
    """

    class State(models.TextChoices):
        PROCESSING = "processing"
        DONE = "done"

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    scope_digest = models.CharField(max_length=64)
    credential = models.CharField(max_length=64)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=512)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.PROCESSING
    )
    locked_until = models.DateTimeField(null=True)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    # Encrypted: a replayed 201 carries the `lmp_live_…` key or `whsec_…` secret it created.
    response_body = EncryptedBinaryField(null=True)
    resource_id = models.CharField(
        max_length=64, blank=True
    )  # what the first request created
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "scope_digest"], name="idempotency_scope_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}] {self.state}"

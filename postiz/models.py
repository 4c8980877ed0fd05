"""What Postiz clients sent that our posts do not keep: the group, tags and raw settings.

One row per target created through `/public/v1/posts` or by `import_postiz`. The target itself
(text, media, schedule, status) lives in `posts`; this only lets us answer in Postiz's shape and
find what an import already created.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from letmepost.ids import uuid7


class PostizPost(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    target = models.OneToOneField(
        "posts.PostTarget", on_delete=models.CASCADE, related_name="postiz"
    )
    group = models.CharField(max_length=64, db_index=True)
    tags = models.JSONField(default=list, blank=True)  # [{"value", "label"}] as sent
    settings = models.JSONField(default=dict, blank=True)  # provider settings as sent
    creation_method = models.CharField(max_length=16, default="API")
    # Deleted through Postiz after it was published or failed: hidden from Postiz clients only,
    # our post log keeps it (a queued post is canceled instead).
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Set by import_postiz: which Postiz instance and post this came from (idempotency).
    source = models.CharField(max_length=255, blank=True)
    source_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source", "source_id"],
                condition=~Q(source_id=""),
                name="postiz_import_once",
            )
        ]

    def __str__(self) -> str:
        return f"postiz group {self.group} → {self.target_id}"

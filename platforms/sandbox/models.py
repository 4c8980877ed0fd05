from __future__ import annotations

from django.db import models


class SandboxPost(models.Model):
    """The sandbox platform's timeline. `token` is unique, as a real platform's idempotency key is:
    publishing the same target twice cannot create a second row."""

    account = models.ForeignKey(
        "platforms.PlatformAccount",
        on_delete=models.CASCADE,
        related_name="sandbox_posts",
    )
    token = models.CharField(max_length=64, unique=True)
    text = models.TextField()
    media = models.JSONField(default=list)
    first_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "platforms"

    def __str__(self) -> str:
        return f"sandbox post {self.token}"

from __future__ import annotations

from django.db import models


class MetaDataDeletion(models.Model):
    """One data-deletion request Meta sent us, found by its confirmation code (status page).

    It keeps no trace of the person: not their app-scoped id, only what the status page tells.
    Deletion runs while Meta waits for the answer, so a stored request is a completed one.
    """

    code = models.CharField(max_length=32, unique=True)
    platforms = models.CharField(max_length=64)  # "facebook" or "facebook,instagram"
    accounts_erased = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "platforms"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"meta data deletion {self.code}"

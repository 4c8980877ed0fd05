from __future__ import annotations

from django.db import models

from letmepost.crypto import EncryptedJSONField


class MastodonApp(models.Model):
    """The OAuth app this install registered on one Mastodon instance (`POST /api/v1/apps`).

    Mastodon has no central developer console: every instance gets its own app, created the first
    time someone connects an account there and reused afterwards. A change of PUBLIC_URL changes
    the redirect URI, so the app is registered again.
    """

    instance_url = models.CharField(max_length=255)  # normalized origin, no trailing /
    redirect_uri = models.CharField(max_length=2048)
    scopes = models.CharField(max_length=255)
    client_id = models.CharField(max_length=255)
    secrets = EncryptedJSONField(default=dict)  # {"clientSecret": ...}
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "platforms"
        constraints = [
            models.UniqueConstraint(
                fields=["instance_url", "redirect_uri"],
                name="mastodon_app_per_instance",
            )
        ]

    def __str__(self) -> str:
        return f"mastodon app on {self.instance_url}"

    @property
    def client_secret(self) -> str:
        return str(self.secrets.get("clientSecret", ""))


class MastodonStatusKey(models.Model):
    """When an `Idempotency-Key` was first sent to an instance.

    Mastodon remembers a key for one hour and cannot be searched by it, so reconciling an unknown
    outcome means re-sending the same request while the key is still remembered. This row says
    whether that is still safe (and whether anything was sent at all).
    """

    key = models.CharField(max_length=128)
    account = models.ForeignKey(
        "platforms.PlatformAccount", on_delete=models.CASCADE, related_name="+"
    )
    first_sent_at = models.DateTimeField()

    class Meta:
        app_label = "platforms"
        constraints = [
            models.UniqueConstraint(
                fields=["account", "key"], name="mastodon_status_key_once"
            )
        ]

    def __str__(self) -> str:
        return self.key

"""Seed the platform-version registry (spec D12) with the pins the adapters were written against.

The data is copied here, not imported from platforms.versions, so this migration means the same
thing forever. Existing rows (edited in the admin) are left alone.
"""

from django.db import migrations

SEED = {
    "bluesky": ("atproto", "atproto"),
    "facebook": ("v23.0", "graph-v23.0"),
    "instagram": ("v23.0", "graph-v23.0"),
    "linkedin": ("202605", "linkedin-202605"),
    "mastodon": ("v1", "mastodon-v1"),
    "pinterest": ("v5", "pinterest-v5"),
    "sandbox": ("v1", "sandbox-v1"),
    "threads": ("v1.0", "threads-v1.0"),
    "tiktok": ("v2", "tiktok-v2"),
    "twitter": ("v2", "x-v2"),
    "youtube": ("v3", "youtube-v3"),
}


def seed(apps, schema_editor):
    PlatformVersion = apps.get_model("platforms", "PlatformVersion")
    for platform, (pin, label) in SEED.items():
        PlatformVersion.objects.get_or_create(
            platform=platform, defaults={"current_pin": pin, "label": label}
        )


class Migration(migrations.Migration):
    dependencies = [("platforms", "0002_oauth_mastodon_versions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

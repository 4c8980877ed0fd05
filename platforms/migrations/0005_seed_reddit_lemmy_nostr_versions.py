"""Seed the version rows of Reddit, Lemmy and Nostr (issue #18) with the pins their adapters were
written against. Literals, never platforms.versions.SEED: a migration means the same thing forever.
Existing rows (edited in the admin) are left alone.
"""

from django.db import migrations

SEED = {
    "reddit": ("v1", "reddit-v1"),
    "lemmy": ("v3", "lemmy-v3-0.19"),
    "nostr": ("nip-01", "nostr-nip01"),
}


def seed(apps, schema_editor):
    PlatformVersion = apps.get_model("platforms", "PlatformVersion")
    for platform, (pin, label) in SEED.items():
        PlatformVersion.objects.get_or_create(
            platform=platform, defaults={"current_pin": pin, "label": label}
        )


class Migration(migrations.Migration):
    dependencies = [("platforms", "0004_meta_data_deletion")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

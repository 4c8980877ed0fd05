"""Seed the platform-version rows of Discord, Slack and Telegram (issue #18).

The pins are copied here, not imported from the packages, so this migration means the same
thing forever. Existing rows (edited in the admin) are left alone.
"""

from django.db import migrations

SEED = {
    "discord": ("v10", "discord-v10"),
    "slack": ("2025-11", "slack-web-2025-11"),
    "telegram": ("10.1", "telegram-bot-api-10.1"),
}


def seed(apps, schema_editor):
    PlatformVersion = apps.get_model("platforms", "PlatformVersion")
    for platform, (pin, label) in SEED.items():
        PlatformVersion.objects.get_or_create(
            platform=platform, defaults={"current_pin": pin, "label": label}
        )


class Migration(migrations.Migration):
    dependencies = [("platforms", "0005_seed_reddit_lemmy_nostr_versions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

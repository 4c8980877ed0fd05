from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


class PlatformsConfig(AppConfig):
    name = "platforms"
    verbose_name = "Platforms and connected accounts"

    def ready(self) -> None:
        from platforms import receivers  # noqa: F401 - answers accounts' signals

        post_migrate.connect(_seed_versions, sender=self)


def _seed_versions(
    sender: AppConfig, using: str, apps: Any = global_apps, **kwargs: Any
) -> None:
    # `flush` (transactional tests) sends no `apps`: the current models then.
    from platforms.versions import seed_missing_versions

    seed_missing_versions(apps, using)

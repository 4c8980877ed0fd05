from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "platforms"
    verbose_name = "Platforms and connected accounts"

    def ready(self) -> None:
        from platforms import receivers  # noqa: F401 - answers accounts' signals

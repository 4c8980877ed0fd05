from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "media"
    label = "media_library"  # "media" would shadow nothing, but keep the table prefix explicit
    verbose_name = "Media"

    def ready(self) -> None:
        from media import receivers  # noqa: F401 - answers accounts' signals

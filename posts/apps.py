from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"
    verbose_name = "Posts and publishing"

    def ready(self) -> None:
        from posts import receivers  # noqa: F401 - answers platforms' and accounts' signals

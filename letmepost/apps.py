from django.apps import AppConfig


class LetmepostConfig(AppConfig):
    name = "letmepost"
    verbose_name = "letmepost platform"

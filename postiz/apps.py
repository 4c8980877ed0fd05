from django.apps import AppConfig


class PostizConfig(AppConfig):
    name = "postiz"
    verbose_name = "Postiz compatibility"

from django.apps import AppConfig


class OAuthConfig(AppConfig):
    name = "accounts.oauth"
    label = "oauth"
    verbose_name = "OAuth sign-in for agents and the CLI"

"""A real OAuth 2.0 authorization server (django-oauth-toolkit) for the connect-flow e2e test.

Run as its own process (`DJANGO_SETTINGS_MODULE=tests.e2e.oauth_provider.settings`), never
imported by letmepost. PKCE is required and refresh tokens rotate, as on X, so the test proves
we send a correct S256 verifier and store the new refresh token each time. The scopes come from
the environment: the test passes exactly what the adapter under test asks for.
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "e2e-oauth-provider-not-a-secret"  # a throwaway test server
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
ROOT_URLCONF = "tests.e2e.oauth_provider.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "OPTIONS": {
            "context_processors": ["django.template.context_processors.request"]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["OAUTH_PROVIDER_DB"],
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "/login/"
# Its cookies must not collide with letmepost's on the same host (cookies ignore ports).
SESSION_COOKIE_NAME = "provider_session"
CSRF_COOKIE_NAME = "provider_csrf"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; test only

# The sign-in e2e turns it off: allauth's GitHub flow sends no PKCE (its Google flow does).
OAUTH2_PROVIDER = {
    "PKCE_REQUIRED": os.environ.get("OAUTH_PROVIDER_PKCE_REQUIRED", "1") == "1",
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 7200,
    "SCOPES": {s: s for s in os.environ.get("OAUTH_PROVIDER_SCOPES", "read").split()},
}

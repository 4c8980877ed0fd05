"""Settings for letmepost. Everything comes from the environment (docs/configuration.md).

With no variables set the service runs embedded: SQLite under ./var, local media, local-memory
cache, an in-process dispatcher. Pointing DATABASE_URL at PostgreSQL switches to production mode,
where secrets must be given explicitly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from corsheaders.defaults import default_headers as cors_default_headers
from django.core.exceptions import ImproperlyConfigured

from letmepost.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_secret,
    env_str,
    env_url,
)
from letmepost.secrets import embedded_secrets, secure_data_dir, validate_fernet_keys
from platforms.registry import OAUTH_PLATFORMS  # plain data: safe before apps load

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("LETMEPOST_DATA_DIR") or BASE_DIR / "var").resolve()

# --- database and mode ---------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
# SQLite connections are kept (one per server thread; opening one costs ~10 % of a request's
# CPU: the file, three PRAGMAs, Django's SQL functions); PostgreSQL uses the pool below instead.
_KEEP_SQLITE_SECONDS = 600
try:
    _db = dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int(
            "LETMEPOST_DB_CONN_MAX_AGE",
            _KEEP_SQLITE_SECONDS if DATABASE_URL.startswith("sqlite:") else 0,
            minimum=0,
        ),
    )
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
EMBEDDED = _db["ENGINE"] == "django.db.backends.sqlite3"
if EMBEDDED:
    _db["OPTIONS"] = {
        # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at BEGIN so
        # select_for_update and compare-and-set claims are real (notes/stack-notes.md §2.3, §3.2).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The same backend, with writers queued in-process first (letmepost/sqlite/base.py).
    _db["ENGINE"] = "letmepost.sqlite"
elif _pool_size := env_int("LETMEPOST_DB_POOL_SIZE", 0, minimum=0):
    # psycopg's pool: a process keeps connections open and lends one to each request, instead of
    # connecting per request (~2.4 ms each). The web role sets it to its thread count.
    if _db.get("CONN_MAX_AGE"):
        raise ImproperlyConfigured(
            "LETMEPOST_DB_POOL_SIZE needs LETMEPOST_DB_CONN_MAX_AGE=0 (the pool keeps connections)."
        )
    _db.setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": _pool_size,
        "timeout": 10,  # seconds a request waits for a free connection before failing
    }
if not EMBEDDED and env_bool("LETMEPOST_DB_PREPARED_STATEMENTS", True):
    # Values travel as parameters of server-side statements, which psycopg prepares on a
    # connection once a query has run there twice: PostgreSQL then skips parsing and planning
    # (~40 % of its CPU per accepted post; docs/performance.md, fifth pass). Django turns
    # preparing off by default for PgBouncer in transaction mode before 1.21.
    _db.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- secrets -------------------------------------------------------------------------------
if EMBEDDED:  # before anything creates a file there: DATA_DIR 0700, the database 0600
    secure_data_dir(DATA_DIR, str(_db["NAME"]))
_generated = embedded_secrets(DATA_DIR) if EMBEDDED else {}
SECRET_KEY = env_secret("LETMEPOST_SECRET_KEY") or _generated.get("secret_key", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "LETMEPOST_SECRET_KEY is required when DATABASE_URL is not SQLite."
    )
ENCRYPTION_KEYS = validate_fernet_keys(
    [k.strip() for k in env_secret("LETMEPOST_ENCRYPTION_KEYS").split(",") if k.strip()]
    or _generated.get("encryption_keys", [])
)
if not ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "LETMEPOST_ENCRYPTION_KEYS is required when DATABASE_URL is not SQLite."
    )

# --- public addresses ----------------------------------------------------------------------
PORT = env_int("LETMEPOST_PORT", 8000, minimum=1)
HOST = env_str("LETMEPOST_HOST", "127.0.0.1")
PUBLIC_URL = env_url("LETMEPOST_PUBLIC_URL", f"http://127.0.0.1:{PORT}")
DOCS_BASE_URL = env_url("LETMEPOST_DOCS_URL", f"{PUBLIC_URL}/docs")
DEBUG = env_bool("LETMEPOST_DEBUG", False)
_public_host = PUBLIC_URL.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0]
ALLOWED_HOSTS = env_list(
    "LETMEPOST_ALLOWED_HOSTS", [_public_host, "127.0.0.1", "localhost", "[::1]"]
)
TRUSTED_ORIGINS = [
    PUBLIC_URL,
    *(o.rstrip("/") for o in env_list("LETMEPOST_TRUSTED_ORIGINS")),
]
CSRF_TRUSTED_ORIGINS = TRUSTED_ORIGINS

# --- HTTPS hardening: on whenever the public URL is https ------------------------------------
_https = PUBLIC_URL.startswith("https://")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = env_bool("LETMEPOST_SSL_REDIRECT", _https)
SECURE_REDIRECT_EXEMPT = [r"^health"]  # load-balancer probes speak plain HTTP
SECURE_HSTS_SECONDS = env_int(
    "LETMEPOST_HSTS_SECONDS", 31_536_000 if _https else 0, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("LETMEPOST_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = False
# includeSubDomains and preload bind every host under the operator's domain, so they stay opt-in
# (preload: never from here); `check --deploy` must not warn that they are off by default.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
# OAuth redirect URIs may be http only on loopback (RFC 8252): accounts/oauth/registration.py.
SILENCED_SYSTEM_CHECKS.append("oauth2_provider.W008")
if env_bool("LETMEPOST_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- applications --------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "template_partials",  # "page.html#partial" for htmx responses (Django 6 has it built in)
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "corsheaders",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",  # sign in with Google/GitHub, each hidden until configured
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.github",
    "letmepost",
    "accounts",
    "oauth2_provider",  # our OAuth 2.1 server for agents and the CLI (accounts.oauth)
    "accounts.oauth",
    "media",
    "platforms",
    "posts",
    "webhooks",
    "postiz",  # Postiz-compatible API and importer (D20)
]

MIDDLEWARE = [
    "letmepost.api.request_id.RequestIdMiddleware",
    # API requests with an Authorization header continue without the browser's middleware below.
    "letmepost.api.credential_chain.CredentialChainMiddleware",
    # Answers a browser's CORS preflight before auth can refuse it, and marks every API answer
    # (errors too) readable by the allowed origins (CORS_* below).
    "corsheaders.middleware.CorsMiddleware",
    # Outside the envelope layer: on /public/v1 it reshapes envelopes into Postiz's bodies (D20).
    "postiz.middleware.PostizErrorMiddleware",
    # Outermost after the id: every error under the API, even Django's own, becomes the envelope.
    "letmepost.api.errors.ApiBoundaryMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "letmepost.csp.ContentSecurityPolicyMiddleware",  # HTML pages: scripts and styles from files only
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Dashboard pages render times in the viewer's zone (a cookie set by static/app.js).
    "letmepost.dashboard.ViewerTimezoneMiddleware",
    # The public API chain (spec: request id → auth → rate limit → idempotency → handler).
    "letmepost.api.auth.ApiAuthMiddleware",
    "letmepost.api.ratelimit.RateLimitMiddleware",
    "letmepost.api.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "letmepost.urls"
WSGI_APPLICATION = "letmepost.wsgi.application"
ASGI_APPLICATION = "letmepost.asgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "letmepost.dashboard.nav",
            ],
        },
    },
]

# Every form renders through templates/forms/: labels, inline errors, aria-invalid (Pico styles it).
FORM_RENDERER = "letmepost.dashboard.FormRenderer"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- allauth: people sign up with email + password and verify the address --------------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Following the verification link in the browser that signed up signs in, straight to onboarding.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "/accounts/login/"
# Optional two-factor sign-in: authenticator apps (TOTP) with recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "letmepost"
MFA_ADAPTER = "accounts.adapter.MfaAdapter"  # seeds encrypted at rest, like tokens
# Sign in with Google or GitHub: a provider is on when its client id and secret are set; else it
# has no button and its routes answer 404. A provider-verified email signs in to the account that
# owns it (MFA still asked); an unverified one never takes an account over.
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = (
    False  # sign-in only: we never call Google or GitHub for people
)
_login_google = env_url(
    "LETMEPOST_LOGIN_GOOGLE_URL"
)  # tests: one origin with Google's paths
_login_github = env_url(
    "LETMEPOST_LOGIN_GITHUB_URL"
)  # GitHub Enterprise Server, or tests


def _login_app(client_id: str, secret: str) -> list[dict[str, str]]:
    """allauth's settings-based app; none without both values (no button, routes answer 404)."""
    return [{"client_id": client_id, "secret": secret}] if client_id and secret else []


SOCIALACCOUNT_PROVIDERS: dict[str, dict] = {
    "google": {
        "APPS": _login_app(
            env_str("LETMEPOST_LOGIN_GOOGLE_CLIENT_ID"),
            env_secret("LETMEPOST_LOGIN_GOOGLE_CLIENT_SECRET"),
        ),
        "SCOPE": ["profile", "email"],
        "OAUTH_PKCE_ENABLED": True,
        **(
            {
                "AUTHORIZE_URL": f"{_login_google}/o/oauth2/v2/auth",
                "ACCESS_TOKEN_URL": f"{_login_google}/token",
                "IDENTITY_URL": f"{_login_google}/oauth2/v2/userinfo",
                "ID_TOKEN_ISSUER": _login_google,
            }
            if _login_google
            else {}
        ),
    },
    "github": {
        "APPS": _login_app(
            env_str("LETMEPOST_LOGIN_GITHUB_CLIENT_ID"),
            env_secret("LETMEPOST_LOGIN_GITHUB_CLIENT_SECRET"),
        ),
        "SCOPE": ["user:email"],
        **({"GITHUB_URL": _login_github} if _login_github else {}),
    },
}

# --- email ---------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("LETMEPOST_EMAIL_FROM", "letmepost <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("LETMEPOST_SMTP_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("LETMEPOST_SMTP_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("LETMEPOST_SMTP_USER")
    EMAIL_HOST_PASSWORD = env_secret("LETMEPOST_SMTP_PASSWORD")
    EMAIL_USE_TLS = env_bool("LETMEPOST_SMTP_STARTTLS", True)
    EMAIL_USE_SSL = env_bool("LETMEPOST_SMTP_SSL", False)
    if EMAIL_USE_SSL:
        EMAIL_USE_TLS = False  # implicit TLS (port 465) and STARTTLS exclude each other
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- cache, broker -------------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = env_url(
    "CELERY_BROKER_URL", schemes=("redis", "rediss", "amqp", "amqps")
)
CELERY_TASK_ALWAYS_EAGER = (
    not CELERY_BROKER_URL
)  # embedded: nothing relies on countdown/ETA
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# --- storage -------------------------------------------------------------------------------
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(
    parents=True, exist_ok=True
)  # whitenoise warns on every start without it
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # serve app static files without a collectstatic step
# Media files: the local folder MEDIA_ROOT, or an S3-compatible bucket when one is named
# (docs/media.md). Keys are `<workspaceId>/<mediaId>.<ext>`; nothing is ever overwritten.
S3_BUCKET = env_str("LETMEPOST_S3_BUCKET")
_media_storage: dict[str, Any] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage"
}
if S3_BUCKET:
    _addressing = env_choice(
        "LETMEPOST_S3_ADDRESSING_STYLE", "auto", ("auto", "path", "virtual")
    )
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_url("LETMEPOST_S3_ENDPOINT_URL") or None,
            "region_name": env_str("LETMEPOST_S3_REGION") or None,
            "access_key": env_secret("LETMEPOST_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_secret("LETMEPOST_S3_SECRET_ACCESS_KEY") or None,
            "addressing_style": None if _addressing == "auto" else _addressing,
            "signature_version": "s3v4",
            "file_overwrite": False,
            "object_parameters": {"ContentDisposition": "inline"},
            # Reads spool to a temp file past 8 MiB, not memory (the default, 0, never does):
            # platforms.attachments streams multi-GB videos from here.
            "max_memory_size": 8 * 1024 * 1024,
        },
    }
# Where platforms fetch media from: the bucket (or its CDN) when set, else this server's /m/ route.
MEDIA_PUBLIC_BASE_URL = env_url("LETMEPOST_S3_PUBLIC_URL") if S3_BUCKET else ""
STORAGES: dict[str, dict[str, Any]] = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_MAX_IMAGE_BYTES = env_int(
    "LETMEPOST_MEDIA_MAX_IMAGE_BYTES", 20 * 1024 * 1024, minimum=1
)
MEDIA_MAX_VIDEO_BYTES = env_int(
    "LETMEPOST_MEDIA_MAX_VIDEO_BYTES", 200 * 1024 * 1024, minimum=1
)
# LinkedIn, the one platform posting documents, takes PDFs up to 100 MB.
MEDIA_MAX_DOCUMENT_BYTES = env_int(
    "LETMEPOST_MEDIA_MAX_DOCUMENT_BYTES", 100 * 1024 * 1024, minimum=1
)
# Longest a media URL download may take in total, however slowly the server trickles bytes.
MEDIA_URL_FETCH_SECONDS = 120
# Uploads above this many bytes are spooled to a temporary file instead of memory (Django's
# default, stated here because media uploads rely on it).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Outgoing requests (platforms.http) refuse private, loopback and link-local addresses unless this
# is on: for local development and tests whose receivers listen on 127.0.0.1.
ALLOW_PRIVATE_URLS = env_bool("LETMEPOST_ALLOW_PRIVATE_URLS", False)

# --- API -----------------------------------------------------------------------------------
MAX_JSON_BYTES = env_int("LETMEPOST_MAX_JSON_BYTES", 10 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_JSON_BYTES
RATE_LIMIT = env_int("LETMEPOST_RATE_LIMIT", 120, minimum=1)
RATE_LIMIT_WINDOW = env_int("LETMEPOST_RATE_LIMIT_WINDOW", 60, minimum=1)
# Postiz's own throttle on POST /public/v1/posts: creates per workspace per hour (D20).
POSTIZ_API_LIMIT = env_int("LETMEPOST_POSTIZ_API_LIMIT", 90, minimum=1)
IDEMPOTENCY_TTL_HOURS = 24
IDEMPOTENCY_LOCK_SECONDS = env_int("LETMEPOST_IDEMPOTENCY_LOCK_SECONDS", 300, minimum=5)

# CORS (docs/configuration.md): browser apps on these origins may call the API; none by default.
# /mcp is served outside Django (letmepost/agent_server.py) and applies the same settings.
CORS_ALLOWED_ORIGINS = [
    o.rstrip("/") for o in env_list("LETMEPOST_CORS_ALLOWED_ORIGINS")
]
CORS_URLS_REGEX = r"^/(v1/|public/v1/|api/public/v1/|\.well-known/)"
CORS_ALLOW_HEADERS = (
    *cors_default_headers,
    "idempotency-key",
    "x-request-id",
    "mcp-protocol-version",  # MCP's streamable HTTP transport
    "mcp-session-id",
    "last-event-id",
)
CORS_EXPOSE_HEADERS = (
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "X-RateLimit-Limit",
    "Retry-After",
    "Idempotency-Key",
    "Idempotency-Replayed",
    "X-Request-Id",
    "WWW-Authenticate",  # MCP clients find the OAuth metadata in it
    "Mcp-Session-Id",
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["letmepost.api.auth.PrincipalAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["letmepost.api.auth.IsWorkspaceMember"],
    "DEFAULT_RENDERER_CLASSES": [
        "djangorestframework_camel_case.render.CamelCaseJSONRenderer"
    ],
    "DEFAULT_PARSER_CLASSES": ["letmepost.api.parsers.CamelCaseJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "letmepost.api.schema.EnvelopeAutoSchema",
    "EXCEPTION_HANDLER": "letmepost.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S.%fZ",
}
JSON_CAMEL_CASE = {
    # Raw upstream bodies are passed through untouched, never re-cased.
    "JSON_UNDERSCOREIZE": {
        "no_underscore_before_number": True,
        "ignore_fields": ("platform_response", "platformResponse"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "letmepost API",
    "DESCRIPTION": "Publish or schedule one post to many social accounts, checked before it is sent.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "COMPONENT_SPLIT_PATCH": False,
    # Enum descriptions would repeat each value ("* `queued` - Queued"): the values say it.
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,  # PATCH bodies say what they require (reschedule needs scheduledAt)
    "SCHEMA_PATH_PREFIX": r"/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    # Deep links put an <a> inside each operation's toggle button (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["letmepost.api.schema.only_public_paths"],
    "ENUM_NAME_OVERRIDES": {
        "PostStatusEnum": "posts.models.PostTarget.Status",
        "BatchStatusEnum": "posts.api.presenters.BATCH_STATUSES",
        "AccountStatusEnum": "platforms.models.PlatformAccount.Status",
        "AttemptOutcomeEnum": "posts.models.PublishAttempt.Outcome",
        "WebhookEventTypeEnum": "webhooks.catalog.EVENT_TYPES",
        "WebhookDeliveryStatusEnum": "webhooks.models.WebhookDelivery.Status",
        "WebhookDeliveryKindEnum": "webhooks.models.WebhookDelivery.Kind",
        "WebhookAttemptOutcomeEnum": "webhooks.models.WebhookAttempt.Outcome",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "drf_spectacular.contrib.djangorestframework_camel_case.camelize_serializer_fields",
        "letmepost.api.schema.closed_request_bodies",  # unknown fields are refused (issue #15)
    ],
}

# --- OAuth 2.1 sign-in for agents and the CLI (accounts/oauth, docs/clients.md) ---------------
# django-oauth-toolkit, held to OAuth 2.1: authorization code + PKCE S256 only, public clients,
# tokens stored as checksums, refresh tokens rotated (reuse revokes the family).
from accounts.oauth.scopes import SCOPES as _OAUTH_SCOPES  # noqa: E402

OAUTH2_PROVIDER_APPLICATION_MODEL = (
    "oauth2_provider.Application"  # named: migrations depend on it
)
OAUTH2_PROVIDER = {
    "SCOPES": _OAUTH_SCOPES,
    "DEFAULT_SCOPES": ["read"],
    "OAUTH2_VALIDATOR_CLASS": "accounts.oauth.validator.Validator",
    "OIDC_ISS_ENDPOINT": PUBLIC_URL,  # the issuer; endpoint URLs are built on it
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int(
        "LETMEPOST_OAUTH_ACCESS_TOKEN_SECONDS", 3600, minimum=60
    ),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env_int(
        "LETMEPOST_OAUTH_REFRESH_TOKEN_DAYS", 30, minimum=1
    )
    * 86_400,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REQUEST_APPROVAL_PROMPT": "force",  # always ask: the person picks the workspace
    "ALLOW_LOCALHOST_LOOPBACK": True,  # the reference CLI calls back on http://localhost:<any port>
    "DCR_ENABLED": True,
    "DCR_REGISTRATION_PERMISSION_CLASSES": (
        "oauth2_provider.dcr.AllowAllDCRPermission",
    ),
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["none"],
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
# Dynamic client registration is open (MCP clients register themselves): a cap per address.
OAUTH_REGISTRATIONS_PER_HOUR = env_int(
    "LETMEPOST_OAUTH_REGISTRATIONS_PER_HOUR", 20, minimum=1
)

# --- i18n, time ----------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# --- logging and observability (docs/self-host.md) ----------------------------------------
LOG_LEVEL = env_choice(
    "LETMEPOST_LOG_LEVEL", "info", ("debug", "info", "warning", "error", "critical")
).upper()
# JSON lines (request id, workspace, target, platform, attempt) for log shippers in production;
# readable lines for a person at a terminal in embedded mode.
LOG_FORMAT = env_choice(
    "LETMEPOST_LOG_FORMAT", "console" if EMBEDDED else "json", ("json", "console")
)
from letmepost.logging import logging_config  # noqa: E402

LOGGING = logging_config(level=LOG_LEVEL, fmt=LOG_FORMAT)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers and beat log through LOGGING too
# Finished targets, their attempts and webhook deliveries older than this are purged (0: never).
LOG_RETENTION_DAYS = env_int("LETMEPOST_LOG_RETENTION_DAYS", 90, minimum=0)
# GET /metrics answers only with `Authorization: Bearer <this>`; unset, the route is a 404.
METRICS_TOKEN = env_secret("LETMEPOST_METRICS_TOKEN")
SENTRY_DSN = env_secret("SENTRY_DSN")
if SENTRY_DSN:
    from letmepost.sentry import init_sentry

    init_sentry(dsn=SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"))

# --- periodic maintenance under Celery beat (embedded mode runs the same table in-process) ---
from letmepost.maintenance import JOBS  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    job.name: {
        "task": "letmepost.maintenance",
        "schedule": job.every_seconds,
        "args": (job.name,),
    }
    for job in JOBS
}

# --- publishing engine ---------------------------------------------------------------------
PUBLISH_LEASE_SECONDS = env_int("LETMEPOST_PUBLISH_LEASE_SECONDS", 300, minimum=1)
PUBLISH_MAX_ATTEMPTS = env_int("LETMEPOST_PUBLISH_MAX_ATTEMPTS", 8, minimum=1)
PUBLISH_RETRY_BASE_SECONDS = env_int(
    "LETMEPOST_PUBLISH_RETRY_BASE_SECONDS", 30, minimum=1
)
PUBLISH_RETRY_MAX_SECONDS = env_int(
    "LETMEPOST_PUBLISH_RETRY_MAX_SECONDS", 1800, minimum=1
)
# A platform's Retry-After (or rate-limit reset) is honoured up to this: a day covers X's 24-hour
# user cap, the longest real window; anything longer is a broken or hostile header.
PUBLISH_RETRY_AFTER_MAX_SECONDS = 86_400
DISPATCH_INTERVAL_SECONDS = (
    env_int("LETMEPOST_DISPATCH_INTERVAL_MS", 250, minimum=10) / 1000
)
DISPATCH_BATCH = env_int("LETMEPOST_DISPATCH_BATCH", 100, minimum=1)
# Targets falling due within this window are claimed ahead, so a worker is waiting at the instant.
DISPATCH_AHEAD_SECONDS = env_int("LETMEPOST_DISPATCH_AHEAD_MS", 2000, minimum=0) / 1000
# Celery beat's dispatch tick: the safety net that publishes due posts if no dispatcher runs.
DISPATCH_SAFETY_NET_SECONDS = env_int(
    "LETMEPOST_DISPATCH_SAFETY_NET_SECONDS", 10, minimum=1
)
CELERY_BEAT_SCHEDULE["dispatch-due"] = {
    "task": "posts.dispatch_due",
    "schedule": DISPATCH_SAFETY_NET_SECONDS,
    "options": {"expires": DISPATCH_SAFETY_NET_SECONDS},  # a stale tick is worthless
}
EMBEDDED_WORKERS = env_int("LETMEPOST_EMBEDDED_WORKERS", 16, minimum=1)
PUBLISH_FANOUT = 7  # immediate targets published concurrently per request (spec D8)

# --- outbound webhooks (docs/webhooks.md) -----------------------------------------------------
# Loopback/private receivers are refused unless this is on (local development, contract checks).
WEBHOOKS_ALLOW_PRIVATE = env_bool("LETMEPOST_WEBHOOKS_ALLOW_PRIVATE", False)
# https:// receivers only, by default in production mode or when the public URL is https.
WEBHOOKS_REQUIRE_HTTPS = env_bool(
    "LETMEPOST_WEBHOOKS_REQUIRE_HTTPS", not EMBEDDED or _https
)
# An endpoint whose last N events all failed is paused (0: never).
WEBHOOKS_DISABLE_AFTER = env_int("LETMEPOST_WEBHOOKS_DISABLE_AFTER", 20, minimum=0)
WEBHOOKS_RETENTION_DAYS = env_int("LETMEPOST_WEBHOOKS_RETENTION_DAYS", 30, minimum=1)
# The delivery contract (spec D11): fixed, not configuration.
WEBHOOKS_MAX_ATTEMPTS = 8
WEBHOOKS_RETRY_BASE_SECONDS = 5  # waits 5, 10, 20 … 320 s, each ±25 % jitter
WEBHOOKS_RETRY_AFTER_MAX_SECONDS = (
    3600  # a receiver's Retry-After is honoured up to this
)
WEBHOOKS_TIMEOUT_SECONDS = 10
WEBHOOKS_LEASE_SECONDS = 60  # > timeout: a dead worker's delivery is retried after this
WEBHOOKS_EMBEDDED_WORKERS = 4

# --- platforms: Bluesky and Mastodon (docs/configuration.md, "Platforms") -------------------
BLUESKY_DEFAULT_PDS_URL = env_url("LETMEPOST_BLUESKY_PDS_URL", "https://bsky.social")
BLUESKY_VIDEO_SERVICE_URL = env_url(
    "LETMEPOST_BLUESKY_VIDEO_SERVICE_URL", "https://video.bsky.app"
)
BLUESKY_VIDEO_SERVICE_DID = env_str(
    "LETMEPOST_BLUESKY_VIDEO_SERVICE_DID", "did:web:video.bsky.app"
)
BLUESKY_VIDEO_TIMEOUT_SECONDS = env_int(
    "LETMEPOST_BLUESKY_VIDEO_TIMEOUT_SECONDS", 360, minimum=1
)
MASTODON_APP_NAME = env_str("LETMEPOST_MASTODON_APP_NAME", "letmepost")
MASTODON_MEDIA_TIMEOUT_SECONDS = env_int(
    "LETMEPOST_MASTODON_MEDIA_TIMEOUT_SECONDS", 300, minimum=1
)
NOSTR_RELAY_TIMEOUT_SECONDS = env_int(
    "LETMEPOST_NOSTR_RELAY_TIMEOUT_SECONDS", 10, minimum=1
)
# X: the launch cap gate (rule twitter.launch_cap.per_account; 0 turns it off) and how long a
# publish waits for X to process uploaded media. The unprefixed TWITTER_LAUNCH_CAP_PER_ACCOUNT
# and LINKEDIN_ORGANIZATIONS (letmepost.dev's names) stay read as aliases (docs/configuration.md).
TWITTER_LAUNCH_CAP_PER_ACCOUNT = env_int(
    "LETMEPOST_TWITTER_LAUNCH_CAP_PER_ACCOUNT",
    env_int("TWITTER_LAUNCH_CAP_PER_ACCOUNT", 50, minimum=0),
    minimum=0,
)
TWITTER_MEDIA_TIMEOUT_SECONDS = env_int(
    "LETMEPOST_TWITTER_MEDIA_TIMEOUT_SECONDS", 300, minimum=1
)
# LinkedIn: also ask for the organization scopes and connect the Pages a member administers.
LINKEDIN_ORGANIZATIONS = env_bool(
    "LETMEPOST_LINKEDIN_ORGANIZATIONS", env_bool("LINKEDIN_ORGANIZATIONS", False)
)
LINKEDIN_VIDEO_TIMEOUT_SECONDS = env_int(
    "LETMEPOST_LINKEDIN_VIDEO_TIMEOUT_SECONDS", 600, minimum=1
)
# Pinterest: how long a publish waits for a video to process; TikTok: for the publish status to
# become final (past it the outcome is reconciled on the next attempt). Both stay under the lease.
PINTEREST_MEDIA_TIMEOUT_SECONDS = env_int(
    "LETMEPOST_PINTEREST_MEDIA_TIMEOUT_SECONDS", 180, minimum=1
)
TIKTOK_PUBLISH_TIMEOUT_SECONDS = env_int(
    "LETMEPOST_TIKTOK_PUBLISH_TIMEOUT_SECONDS", 120, minimum=1
)
# OAuth platforms (issue #6): `<SLUG>_CLIENT_ID` and `<SLUG>_CLIENT_SECRET[_FILE]` enable one; the
# URL overrides point it at a fake or a loopback OAuth server in tests. TikTok calls its id a
# client key and Meta its Facebook app an app: both spellings are read. OAUTH_PLATFORMS (imported
# above) comes from each package's declaration (`oauth_client=True`).
_OAUTH_ALIASES = {
    "tiktok": ("TIKTOK_CLIENT_KEY", "TIKTOK_CLIENT_SECRET"),
    "facebook": ("META_APP_ID", "META_APP_SECRET"),
    "linkedin_page": ("LINKEDIN_CLIENT_ID", "LINKEDIN_CLIENT_SECRET"),  # the same app
}


def _oauth_client(slug: str) -> dict[str, str]:
    prefix = slug.upper()
    alias_id, alias_secret = _OAUTH_ALIASES.get(slug, ("", ""))
    return {
        "client_id": env_str(f"{prefix}_CLIENT_ID")
        or (env_str(alias_id) if alias_id else ""),
        "client_secret": env_secret(f"{prefix}_CLIENT_SECRET")
        or (env_secret(alias_secret) if alias_secret else ""),
        "authorize_url": env_url(f"{prefix}_OAUTH_AUTHORIZE_URL"),
        "token_url": env_url(f"{prefix}_OAUTH_TOKEN_URL"),
        "revoke_url": env_url(f"{prefix}_OAUTH_REVOKE_URL"),
        "api_base": env_url(f"{prefix}_API_BASE"),
        "upload_base": env_url(f"{prefix}_UPLOAD_BASE"),  # YouTube's upload host
    }


OAUTH_CLIENTS: dict[str, dict[str, str]] = {
    s: _oauth_client(s) for s in OAUTH_PLATFORMS
}
PLATFORM_POLL_INTERVAL_SECONDS = (
    2.0  # processing-status polls (video jobs, Mastodon media)
)

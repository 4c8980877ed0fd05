from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from accounts.api import views as accounts_api
from accounts.oauth.api import OAuthExchangeApi
from letmepost import docs_views, views
from letmepost.api.errors import route_not_found
from letmepost.api.health import HealthApi, ReadyApi
from letmepost.metrics import metrics_view
from platforms.api.preflight_views import PreflightRulesApi
from platforms.docs_views import platform_guide
from posts.api import queue_views

v1: list[URLPattern | URLResolver] = [
    path(
        "openapi.json",
        SpectacularJSONAPIView.as_view(
            authentication_classes=(), permission_classes=()
        ),
        name="openapi",
    ),
    path("profiles", accounts_api.ProfileListApi.as_view(), name="profiles"),
    path(
        "profiles/<str:profile_id>",
        accounts_api.ProfileDetailApi.as_view(),
        name="profile",
    ),
    path("api-keys", accounts_api.ApiKeyListApi.as_view(), name="api-keys"),
    path(
        "api-keys/<str:key_id>", accounts_api.ApiKeyDetailApi.as_view(), name="api-key"
    ),
    path("", include("media.api.urls")),
    path("", include("posts.api.urls")),
    path("queue", queue_views.QueueApi.as_view(), name="queue"),
    path(
        "profiles/<str:profile_id>/queue",
        queue_views.ProfileQueueApi.as_view(),
        name="profile-queue",
    ),
    path("", include("platforms.api.urls")),
    path("preflight/rules", PreflightRulesApi.as_view(), name="preflight-rules"),
    path("oauth-exchange", OAuthExchangeApi.as_view(), name="oauth-exchange"),
    path("", include("webhooks.api.urls")),
]

# The dashboard: htmx pages over the same services as the API. Under /app/ because /posts is the
# API's un-prefixed alias and /accounts/ belongs to sign-in (allauth).
app: list[URLPattern | URLResolver] = [
    # The dashboard's home is `/`; `/app/` itself, a natural guess, leads there.
    path("", RedirectView.as_view(pattern_name="home")),
    path("onboarding/key", views.onboarding_key, name="onboarding-key"),
    path("onboarding/connect", views.onboarding_connect, name="onboarding-connect"),
    path(
        "onboarding/test-post", views.onboarding_test_post, name="onboarding-test-post"
    ),
    path("onboarding/dismiss", views.onboarding_dismiss, name="onboarding-dismiss"),
    path("", include("accounts.urls")),
    path("", include("platforms.urls")),
    path("", include("posts.urls")),
    path("", include("webhooks.urls")),
    path("", include("media.dashboard_urls")),
    path("", include("accounts.oauth.dashboard_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("app/", include(app)),
    path("", include("accounts.oauth.urls")),  # OAuth 2.1 for agents and the CLI
    path("favicon.ico", views.favicon, name="favicon"),
    path("health", HealthApi.as_view(), name="health"),
    path("health/ready", ReadyApi.as_view(), name="ready"),
    path("metrics", metrics_view, name="metrics"),  # Prometheus, token-protected
    path("v1/", include(v1)),
    # Postiz clients keep working against us (D20): both bases their clients build.
    path("public/v1/", include("postiz.urls")),
    path("api/public/v1/", include("postiz.urls", namespace="postiz-api")),
    path(
        "", include("media.urls")
    ),  # /m/<token>/<file>: public media for platforms that fetch by URL
    # The reference also mounts the posts router un-prefixed.
    path("", include(("posts.api.urls", "alias"))),
    re_path(r"^v1(?:/.*)?$", route_not_found),
    path("docs/", docs_views.docs_index, name="docs-index"),
    path(
        # The split view serves Swagger UI's init script as a file: no inline script (CSP).
        "docs/api",
        SpectacularSwaggerSplitView.as_view(url_name="openapi"),
        name="docs-api",
    ),
    path("docs/errors/<str:code>", docs_views.error_page, name="docs-error"),
    path("docs/preflight/", docs_views.preflight_index, name="docs-preflight"),
    path("docs/preflight/<str:slug>", docs_views.rule_page, name="docs-rule"),
    path("docs/platforms/<str:slug>", platform_guide, name="docs-platform"),
    path(
        "", include("platforms.meta.urls")
    ),  # Meta's deauthorize/data-deletion callbacks
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "letmepost.api.errors.handler500"

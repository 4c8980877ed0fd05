from django.urls import include, path

from platforms.api import views
from platforms.registry import DECLARED

urlpatterns = [
    path("accounts", views.AccountListApi.as_view(), name="accounts"),
    path(
        "accounts/connect/<str:platform>",
        views.ConnectApi.as_view(),
        name="account-connect",
    ),
    path(
        "accounts/connect/<str:platform>/complete",
        views.ConnectCompleteApi.as_view(),
        name="account-complete",
    ),
    path(
        "accounts/connect/<str:platform>/select",
        views.ConnectSelectApi.as_view(),
        name="account-select",
    ),
    path(
        "accounts/oauth/<str:platform>/callback",
        views.OAuthCallbackApi.as_view(),
        name="account-oauth-callback",
    ),
    path("accounts/<str:account_id>", views.AccountDetailApi.as_view(), name="account"),
    # A platform's own account helpers (`account_urls=True`): /v1/accounts/<id>/<slug>/...
    *(
        path(f"accounts/<str:account_id>/{slug}/", include(module))
        for slug, info in DECLARED.items()
        if (module := info.urls_module)
    ),
    path(
        "platform-versions",
        views.PlatformVersionListApi.as_view(),
        name="platform-versions",
    ),
]

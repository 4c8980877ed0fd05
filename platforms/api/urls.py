from django.urls import path

from platforms.api import views
from platforms.pinterest import api as pinterest_api

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
        "accounts/oauth/<str:platform>/callback",
        views.OAuthCallbackApi.as_view(),
        name="account-oauth-callback",
    ),
    path("accounts/<str:account_id>", views.AccountDetailApi.as_view(), name="account"),
    path(
        "accounts/<str:account_id>/pinterest/boards",
        pinterest_api.PinterestBoardsApi.as_view(),
        name="pinterest-boards",
    ),
    path(
        "accounts/<str:account_id>/pinterest/default-board",
        pinterest_api.PinterestDefaultBoardApi.as_view(),
        name="pinterest-default-board",
    ),
    path(
        "platform-versions",
        views.PlatformVersionListApi.as_view(),
        name="platform-versions",
    ),
]

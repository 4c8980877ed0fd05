"""Dashboard routes (under /app/): the apps a person let act for them."""

from django.urls import path

from accounts.oauth import views

app_name = "oauth"

urlpatterns = [
    path("connected-apps/", views.connected_apps_page, name="connected-apps"),
    path(
        "connected-apps/<str:authorization_id>/revoke",
        views.connected_app_revoke,
        name="connected-app-revoke",
    ),
]

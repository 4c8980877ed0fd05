"""Dashboard routes for connected accounts (mounted under /app/)."""

from django.urls import path

from platforms import views

app_name = "platforms"

urlpatterns = [
    path("accounts/", views.accounts_page, name="accounts"),
    path("accounts/connect/<str:platform>", views.connect, name="connect"),
    path("accounts/select/<str:selection_id>", views.select, name="select"),
    path("accounts/<str:account_id>/disconnect", views.disconnect, name="disconnect"),
    path("platform-versions/", views.versions_page, name="versions"),
]

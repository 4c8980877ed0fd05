"""Meta's callbacks, mounted at the site root where Meta's app dashboard points."""

from django.urls import path

from platforms.meta import views

urlpatterns = [
    path("deauth/meta", views.DeauthorizeView.as_view(), name="meta-deauthorize"),
    path("deauth/meta/<str:platform>", views.DeauthorizeView.as_view()),
    path(
        "data-deletion/meta",
        views.DataDeletionView.as_view(),
        name="meta-data-deletion",
    ),
    path("data-deletion/meta/<str:platform>", views.DataDeletionView.as_view()),
    path("data-deletion/status", views.deletion_status, name="meta-deletion-status"),
]

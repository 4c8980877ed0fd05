"""Dashboard routes for the media library (mounted under /app/)."""

from django.urls import path

from media import dashboard_views as views

app_name = "media"

urlpatterns = [
    path("media/", views.library, name="library"),
    path("media/<str:media_id>/delete", views.delete, name="delete"),
]

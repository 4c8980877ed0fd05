"""Root-level routes of the media app: include with `path("", include("media.urls"))`."""

from django.urls import path

from media import views

urlpatterns = [
    path("m/<str:token>/<str:filename>", views.public_media, name="media-public"),
]

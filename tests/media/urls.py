"""The real URLconf with the media app's root routes (/m/…) in front."""

from django.urls import include, path

from letmepost.urls import urlpatterns as real_urlpatterns

urlpatterns = [path("", include("media.urls")), *real_urlpatterns]

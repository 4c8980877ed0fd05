"""Dashboard routes for webhook endpoints (mounted under /app/)."""

from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("webhooks/", views.endpoints_page, name="endpoints"),
    path("webhooks/<str:endpoint_id>/", views.endpoint_page, name="endpoint"),
    path("webhooks/<str:endpoint_id>/active", views.endpoint_active, name="active"),
    path("webhooks/<str:endpoint_id>/rotate", views.endpoint_rotate, name="rotate"),
    path("webhooks/<str:endpoint_id>/delete", views.endpoint_delete, name="delete"),
    path("webhooks/<str:endpoint_id>/test", views.endpoint_test, name="test"),
    path(
        "webhooks/<str:endpoint_id>/events/<str:event_id>/replay",
        views.event_replay,
        name="replay",
    ),
]

"""Dashboard routes for posts (mounted under /app/; `/posts` itself is the API's alias)."""

from django.urls import path

from posts import calendar_views, import_views, views

app_name = "posts"

urlpatterns = [
    path("compose/", views.compose, name="compose"),
    path("compose/preflight", views.preflight, name="preflight"),
    path("log/", views.log, name="log"),
    path("log/bulk", views.bulk_action, name="bulk"),
    path("log/import", import_views.import_page, name="import"),
    path("log/<str:post_id>/", views.detail, name="detail"),
    path("log/<str:post_id>/retry", views.retry, name="retry"),
    path("log/<str:post_id>/cancel", views.cancel, name="cancel"),
    path("log/<str:post_id>/delete", views.delete_draft, name="delete-draft"),
    path("log/<str:post_id>/reschedule", views.reschedule, name="reschedule"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("calendar/<str:post_id>/move", calendar_views.move, name="calendar-move"),
    path(
        "profiles/<str:profile_id>/queue",
        calendar_views.queue_settings,
        name="queue-settings",
    ),
]

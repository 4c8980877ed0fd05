"""Postiz's public routes (spec/postiz-compat.md §5), mounted at /public/v1/ and /api/public/v1/."""

from django.urls import path

from postiz import views

app_name = "postiz"

urlpatterns = [
    path("posts", views.PostsApi.as_view(), name="posts"),
    path("posts/group/<str:group>", views.PostGroupApi.as_view(), name="post-group"),
    path("posts/<str:post_id>", views.PostApi.as_view(), name="post"),
    path(
        "posts/<str:post_id>/status", views.PostStatusApi.as_view(), name="post-status"
    ),
    path(
        "posts/<str:post_id>/settings",
        views.PostSettingsApi.as_view(),
        name="post-settings",
    ),
    path(
        "posts/<str:post_id>/release-id",
        views.PostReleaseIdApi.as_view(),
        name="post-release-id",
    ),
    path(
        "posts/<str:post_id>/missing",
        views.PostMissingApi.as_view(),
        name="post-missing",
    ),
    path("integrations", views.IntegrationsApi.as_view(), name="integrations"),
    path(
        "integrations/<str:integration_id>",
        views.IntegrationApi.as_view(),
        name="integration",
    ),
    path("social/<str:platform>", views.SocialApi.as_view(), name="social"),
    path(
        "integration-settings/<str:integration_id>",
        views.IntegrationSettingsApi.as_view(),
        name="integration-settings",
    ),
    path(
        "integration-trigger/<str:integration_id>",
        views.IntegrationTriggerApi.as_view(),
        name="integration-trigger",
    ),
    path("groups", views.GroupsApi.as_view(), name="groups"),
    path("is-connected", views.IsConnectedApi.as_view(), name="is-connected"),
    path("upload", views.UploadApi.as_view(), name="upload"),
    path("upload-from-url", views.UploadFromUrlApi.as_view(), name="upload-from-url"),
    path(
        "find-slot/<str:integration_id>", views.FindSlotApi.as_view(), name="find-slot"
    ),
    path(
        "analytics/post/<str:post_id>",
        views.PostAnalyticsApi.as_view(),
        name="post-analytics",
    ),
    path(
        "analytics/<str:integration_id>", views.AnalyticsApi.as_view(), name="analytics"
    ),
    path("notifications", views.NotificationsApi.as_view(), name="notifications"),
]

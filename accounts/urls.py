"""Dashboard routes for the workspace (mounted under /app/)."""

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("workspace/switch", views.switch_workspace, name="switch-workspace"),
    path("workspace/new", views.create_workspace, name="create-workspace"),
    path("workspace/rename", views.rename_workspace, name="rename-workspace"),
    path("members/", views.members_page, name="members"),
    path("members/<str:membership_id>/role", views.member_role, name="member-role"),
    path(
        "members/<str:membership_id>/remove", views.member_remove, name="member-remove"
    ),
    path("profiles/", views.profiles_page, name="profiles"),
    path("profiles/<str:profile_id>/edit", views.profile_edit, name="profile-edit"),
    path(
        "profiles/<str:profile_id>/delete", views.profile_delete, name="profile-delete"
    ),
    path("api-keys/", views.api_keys_page, name="api-keys"),
    path("api-keys/<str:key_id>/revoke", views.api_key_revoke, name="api-key-revoke"),
    path("settings/", views.settings_page, name="settings"),
]

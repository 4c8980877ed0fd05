"""Admin: the platform-version registry is edited here when a platform announces a sunset."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from platforms.models import PlatformVersion, VersionNotice


@admin.register(PlatformVersion)
class PlatformVersionAdmin(admin.ModelAdmin):
    list_display = (
        "platform",
        "label",
        "current_pin",
        "next_pin",
        "sunset_at",
        "migration_status",
        "updated_at",
    )
    list_filter = ("migration_status",)
    search_fields = ("platform", "label")
    readonly_fields = ("updated_at",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("platform", "label", "current_pin")}),
        (
            "Upcoming change",
            {
                "description": "Setting a sunset date sends version.deprecated to every "
                "workspace with an account on this platform: now, 30 days and 7 days before.",
                "fields": (
                    "next_pin",
                    "announced_at",
                    "sunset_at",
                    "notice_url",
                    "migration_status",
                    "notes",
                ),
            },
        ),
        (None, {"fields": ("updated_at",)}),
    )

    def has_delete_permission(
        self, request: HttpRequest, obj: PlatformVersion | None = None
    ) -> bool:
        return False  # adapters and errors read these rows; edit them instead


@admin.register(VersionNotice)
class VersionNoticeAdmin(admin.ModelAdmin):
    list_display = ("platform", "current_pin", "milestone", "workspace", "created_at")
    list_filter = ("platform", "milestone")
    readonly_fields = [f.name for f in VersionNotice._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

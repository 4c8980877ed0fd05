from django.contrib import admin

from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "workspace", "active", "last_delivery_at", "disabled_at"]
    list_filter = ["active"]
    exclude = ["secret_ciphertext"]  # shown once through the API, never here
    readonly_fields = WebhookEndpoint.HEALTH_FIELDS


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = [
        "id",
        "number",
        "started_at",
        "duration_ms",
        "status_code",
        "error_name",
        "error",
        "outcome",
    ]
    exclude = ["response_body"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "endpoint", "kind", "status", "attempt_count", "created_at"]
    list_filter = ["status", "kind"]
    readonly_fields = ["endpoint", "event"]
    inlines = [WebhookAttemptInline]

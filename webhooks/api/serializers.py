"""Shapes of `/v1/webhook-endpoints` (spec/webhooks.md §2, §4; D11). Shape only, no rules."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from letmepost.api import examples
from letmepost.api.fields import (
    HttpUrlField,
    ModelSerializer,
    UtcDateTimeField,
)
from webhooks.catalog import EVENT_TYPES
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL


def _events_field(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES),
        max_length=len(EVENT_TYPES),
        help_text="Event types to receive; empty means every type.",
        **kwargs,
    )


@extend_schema_serializer(
    component_name="WebhookEndpointCreate", examples=examples.WEBHOOK_ENDPOINT_CREATE
)
class EndpointIn(serializers.Serializer):
    url = HttpUrlField(
        help_text="Receiver URL. https:// is required in production; private addresses are refused."
    )
    events = _events_field(default=list)
    description = serializers.RegexField(
        NO_NUL, max_length=500, required=False, allow_blank=True, default=""
    )
    active = serializers.BooleanField(default=True)


@extend_schema_serializer(component_name="WebhookEndpointUpdate")
class EndpointPatchIn(serializers.Serializer):
    url = HttpUrlField(required=False)
    events = _events_field(required=False)
    description = serializers.RegexField(
        NO_NUL, max_length=500, required=False, allow_blank=True
    )
    active = serializers.BooleanField(
        required=False,
        help_text="false pauses deliveries; true resumes them and clears an automatic pause.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(
                "Send at least one of url, events, description or active."
            )
        return attrs


@extend_schema_serializer(component_name="WebhookEndpointNotice")
class NoticeOut(serializers.Serializer):
    type = serializers.CharField()
    message = serializers.CharField()
    created_at = serializers.CharField()


class BlankAsNull(serializers.CharField):
    """A text column where "" means there is none: answered as null."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: Any) -> Any:  # str, or None for ""
        return super().to_representation(value) if value else None


@extend_schema_serializer(component_name="WebhookEndpoint")
class EndpointOut(ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPES))
    last_failure_reason = BlankAsNull(
        help_text="Why the last attempt failed; null when it succeeded (or none was made)."
    )
    disabled_reason = BlankAsNull()
    notice = NoticeOut(
        allow_null=True,
        help_text="Set when letmepost paused the endpoint itself (type webhook_endpoint.disabled).",
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "events",
            "description",
            "active",
            "created_at",
            "updated_at",
            *WebhookEndpoint.HEALTH_FIELDS,
        ]


@extend_schema_serializer(component_name="WebhookEndpointWithSecret")
class EndpointWithSecretOut(EndpointOut):
    signing_secret = serializers.CharField(
        source="secret",
        help_text="The signing secret (whsec_…). Shown only in this response.",
    )
    # Deprecated alias of signingSecret, removed in 0.3.0 (docs/changelog.md).
    secret = serializers.CharField(
        help_text="Deprecated: the same value as signingSecret; removed in 0.3.0."
    )

    class Meta(EndpointOut.Meta):
        fields = [*EndpointOut.Meta.fields, "signing_secret", "secret"]


@extend_schema_serializer(component_name="WebhookTest")
class TestIn(serializers.Serializer):
    type = serializers.ChoiceField(choices=EVENT_TYPES, default="post.published")
    # DRF's metaclass moves declared fields off the class; the stubs see Serializer.data.
    data = serializers.JSONField(  # type: ignore[assignment]
        required=False,
        allow_null=True,
        help_text="The event's data, sent as given; omitted: a sample of the type's real shape.",
    )


@extend_schema_serializer(component_name="WebhookEnvelope")
class EnvelopeOut(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.ChoiceField(choices=EVENT_TYPES)
    created_at = UtcDateTimeField()
    organization_id = serializers.UUIDField()
    # DRF's metaclass moves declared fields off the class; the stubs see Serializer.data.
    data = serializers.JSONField()  # type: ignore[assignment]
    livemode = serializers.BooleanField()


@extend_schema_serializer(component_name="WebhookTestResult")
class TestOut(serializers.Serializer):
    delivered = serializers.BooleanField()
    status = serializers.IntegerField(help_text="HTTP status; 0 when no answer came.")
    duration_ms = serializers.IntegerField()
    response_body = serializers.CharField(allow_null=True)
    delivery_id = serializers.UUIDField(
        help_text="The X-Letmepost-Delivery-Id header sent."
    )
    non_retryable = serializers.BooleanField()
    error_name = serializers.CharField(allow_null=True)
    sent_event = EnvelopeOut()


@extend_schema_serializer(component_name="WebhookAttempt")
class AttemptOut(ModelSerializer):
    delivery_id = serializers.UUIDField(
        source="id", help_text="The X-Letmepost-Delivery-Id header of this attempt."
    )
    response_body = BlankAsNull(
        help_text="First 2,048 characters of the answer; null when there was none."
    )
    error_name = BlankAsNull()
    error = BlankAsNull()

    class Meta:
        model = WebhookAttempt
        fields = [
            "delivery_id",
            "number",
            "started_at",
            "duration_ms",
            "status_code",
            "response_body",
            "error_name",
            "error",
            "outcome",
        ]


@extend_schema_serializer(component_name="WebhookDelivery")
class DeliveryOut(ModelSerializer):
    event_id = serializers.UUIDField(source="event.id")
    event_type = serializers.ChoiceField(source="event.type", choices=EVENT_TYPES)
    next_attempt_at = serializers.SerializerMethodField()
    last_error = BlankAsNull()
    attempts = AttemptOut(many=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "kind",
            "status",
            "attempt_count",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "completed_at",
            "attempts",
        ]

    def get_next_attempt_at(self, delivery: WebhookDelivery) -> str | None:
        """When the next attempt is due; null unless the delivery is pending."""
        if delivery.status != WebhookDelivery.Status.PENDING:
            return None
        return UtcDateTimeField().to_representation(delivery.next_attempt_at)

"""Shapes of `/v1/accounts` (spec/api.md §10)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from letmepost.api.fields import (
    HttpUrlField,
    ModelSerializer,
    UtcDateTimeField,
    UuidField,
)
from platforms.models import PlatformAccount


class TextField(serializers.CharField):
    """A string, and only a string: numbers and booleans are not quietly turned into text."""

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ReturnToField(HttpUrlField):
    """An http(s) URL that is a URI (ASCII, no spaces or control characters), as published."""

    UNSAFE = frozenset('<>"{}|\\^`')

    def to_internal_value(self, data: object) -> str:
        value = super().to_internal_value(data)
        if not value.isascii() or any(c in self.UNSAFE or ord(c) < 33 for c in value):
            self.fail("invalid")
        return value


class StrictUuidField(UuidField):
    """A UUID string; DRF's UUIDField also takes integers (and so `false`, as UUID(int=0))."""

    def to_internal_value(self, data: object) -> object:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


@extend_schema_serializer(component_name="Account")
class AccountOut(ModelSerializer):
    profile_id = serializers.UUIDField()
    platform_account_id = serializers.CharField(source="external_id")
    needs_reconnect = serializers.SerializerMethodField(
        help_text="The platform refused this account's credentials: connect it again."
    )

    class Meta:
        model = PlatformAccount
        fields = [
            "id",
            "profile_id",
            "platform",
            "platform_account_id",
            "display_name",
            "status",
            "needs_reconnect",
            "token_expires_at",
            "created_at",
            "updated_at",
        ]

    def get_needs_reconnect(self, account: PlatformAccount) -> bool:
        return account.status == PlatformAccount.Status.NEEDS_REAUTH


@extend_schema_serializer(component_name="ConnectRequest")
class ConnectIn(serializers.Serializer):
    profile_id = StrictUuidField(required=False)
    return_to = ReturnToField(
        required=False,
        help_text="Where the OAuth callback sends the browser; kept only if its origin is trusted.",
    )
    instance_url = TextField(
        required=False,
        max_length=2048,
        help_text="Mastodon: the server to connect, e.g. https://mastodon.social.",
    )


@extend_schema_serializer(component_name="OAuthCompleteRequest")
class OAuthCompleteIn(serializers.Serializer):
    code = TextField(max_length=4096)
    state = TextField(max_length=128)
    profile_id = StrictUuidField(required=False)
    redirect_uri = TextField(required=False, max_length=2048)


@extend_schema_serializer(component_name="PlatformVersion")
class PlatformVersionOut(serializers.Serializer):
    platform = serializers.CharField()
    label = serializers.CharField()
    current_pin = serializers.CharField()
    next_pin = serializers.CharField(allow_null=True)
    announced_at = UtcDateTimeField(allow_null=True)
    sunset_at = UtcDateTimeField(allow_null=True)
    notice_url = serializers.CharField(allow_null=True)
    migration_status = serializers.CharField()
    updated_at = UtcDateTimeField()

    def to_representation(self, instance):  # type: ignore[no-untyped-def]
        data = super().to_representation(instance)
        data["next_pin"] = data["next_pin"] or None
        data["notice_url"] = data["notice_url"] or None
        return data


class CredentialsCompleteIn(serializers.Serializer):
    profile_id = UuidField(required=False)

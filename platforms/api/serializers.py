"""Shapes of `/v1/accounts` (spec/api.md §10)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from letmepost.api.fields import HttpUrlField, ModelSerializer, UuidField
from platforms.models import PlatformAccount


@extend_schema_serializer(component_name="Account")
class AccountOut(ModelSerializer):
    profile_id = serializers.UUIDField()
    platform_account_id = serializers.CharField(source="external_id")

    class Meta:
        model = PlatformAccount
        fields = [
            "id",
            "profile_id",
            "platform",
            "platform_account_id",
            "display_name",
            "status",
            "token_expires_at",
            "created_at",
            "updated_at",
        ]


@extend_schema_serializer(component_name="ConnectRequest")
class ConnectIn(serializers.Serializer):
    profile_id = UuidField(required=False)
    return_to = HttpUrlField(required=False)


class CredentialsCompleteIn(serializers.Serializer):
    profile_id = UuidField(required=False)

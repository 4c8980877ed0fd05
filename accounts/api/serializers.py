"""Shapes of the profiles and API-keys endpoints (spec/api.md §11-12). Shape only, no rules."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import ApiKey, Profile
from letmepost.api.fields import ModelSerializer, UtcDateTimeField

SLUG_PATTERN = r"^[a-z0-9-]+$"


class ProfileOut(ModelSerializer):
    class Meta:
        model = Profile
        fields = ["id", "name", "slug", "created_at", "updated_at"]


class ProfileIn(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=120, trim_whitespace=True)
    slug = serializers.RegexField(
        SLUG_PATTERN, min_length=1, max_length=64, required=False
    )


class ProfilePatchIn(serializers.Serializer):
    name = serializers.CharField(
        min_length=1, max_length=120, trim_whitespace=True, required=False
    )
    slug = serializers.RegexField(
        SLUG_PATTERN, min_length=1, max_length=64, required=False
    )

    def validate(self, attrs: dict) -> dict:
        if not attrs:
            raise serializers.ValidationError("Send at least one of name or slug.")
        return attrs


class ApiKeyOut(ModelSerializer):
    profile_id = serializers.UUIDField(allow_null=True)

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "last4",
            "scopes",
            "profile_id",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]


class ApiKeyCreatedOut(ModelSerializer):
    profile_id = serializers.UUIDField(allow_null=True)
    key = serializers.CharField(help_text="The secret. Shown only in this response.")

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "last4",
            "scopes",
            "profile_id",
            "key",
            "created_at",
        ]


class ApiKeyIn(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=100, trim_whitespace=True)
    prefix = serializers.ChoiceField(
        choices=ApiKey.Prefix.values, default=ApiKey.Prefix.LIVE
    )
    scopes = serializers.ListField(
        child=serializers.CharField(max_length=64), max_length=32, default=list
    )
    profile_id = serializers.UUIDField(required=False, allow_null=True)


class ApiKeyRevokedOut(serializers.Serializer):
    id = serializers.UUIDField()
    revoked_at = UtcDateTimeField()


class DeletedOut(serializers.Serializer):
    id = serializers.UUIDField()
    deleted = serializers.BooleanField()

"""Shapes of the profiles and API-keys endpoints (spec/api.md §11-12). Shape only, no rules."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from accounts.models import ApiKey, Profile
from letmepost.api.fields import ModelSerializer, UtcDateTimeField, UuidField

SLUG_PATTERN = r"^[a-z0-9-]+$"
SCOPE_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
# Names are trimmed, so they need one non-space character; NUL can't be stored in PostgreSQL.
VISIBLE = r"^[^\x00]*\S[^\x00]*$"


@extend_schema_serializer(component_name="Profile")
class ProfileOut(ModelSerializer):
    class Meta:
        model = Profile
        fields = ["id", "name", "slug", "created_at", "updated_at"]


@extend_schema_serializer(component_name="ProfileCreate")
class ProfileIn(serializers.Serializer):
    name = serializers.RegexField(VISIBLE, max_length=120)
    slug = serializers.RegexField(
        SLUG_PATTERN, min_length=1, max_length=64, required=False
    )


@extend_schema_serializer(component_name="ProfileUpdate")
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


# What names a key, in both its listing and its one-time creation answer.
KEY_IDENTITY = ("id", "name", "prefix", "last4", "scopes", "profile_id")


@extend_schema_serializer(component_name="ApiKey")
class ApiKeyOut(ModelSerializer):
    profile_id = serializers.UUIDField(allow_null=True)

    class Meta:
        model = ApiKey
        fields = [*KEY_IDENTITY, "created_at", "last_used_at", "revoked_at"]


@extend_schema_serializer(component_name="ApiKeyCreated")
class ApiKeyCreatedOut(ModelSerializer):
    profile_id = serializers.UUIDField(allow_null=True)
    key = serializers.CharField(help_text="The secret. Shown only in this response.")

    class Meta:
        model = ApiKey
        fields = [*KEY_IDENTITY, "key", "created_at"]


@extend_schema_serializer(component_name="ApiKeyCreate")
class ApiKeyIn(serializers.Serializer):
    name = serializers.RegexField(VISIBLE, max_length=100)
    prefix = serializers.ChoiceField(
        choices=ApiKey.Prefix.choices, default=ApiKey.Prefix.LIVE
    )
    scopes = serializers.ListField(
        child=serializers.RegexField(SCOPE_PATTERN), max_length=32, default=list
    )
    profile_id = UuidField(required=False, allow_null=True)


@extend_schema_serializer(component_name="ApiKeyRevoked")
class ApiKeyRevokedOut(serializers.Serializer):
    id = serializers.UUIDField()
    revoked_at = UtcDateTimeField()


@extend_schema_serializer(component_name="Deleted")
class DeletedOut(serializers.Serializer):
    id = serializers.UUIDField()
    deleted = serializers.BooleanField()

"""Shapes of `/v1/accounts` (spec/api.md §10)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from letmepost.api import examples
from letmepost.api.fields import (
    HttpUrlField,
    ModelSerializer,
    UtcDateTimeField,
    UuidField,
)
from platforms.models import PendingSelection, PlatformAccount, PlatformVersion
from platforms.selection import public_candidates


class TextField(serializers.CharField):
    """A string, and only a string: numbers and booleans are not quietly turned into text."""

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ReturnToField(HttpUrlField):
    """An http(s) URL that is a URI (ASCII, no spaces or control characters), as published."""

    UNSAFE = frozenset('<>"{}|\\^`')

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not value.isascii() or any(c in self.UNSAFE or ord(c) < 33 for c in value):
            self.fail("invalid")
        return value


class StrictUuidField(UuidField):
    """A UUID string; DRF's UUIDField also takes integers (and so `false`, as UUID(int=0))."""

    def to_internal_value(self, data: object) -> UUID:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


def _text_or_none(value: object) -> str | None:
    return str(value) if value else None


def _scopes_or_none(value: object) -> list[str] | None:
    """Granted scopes as a list; Meta reports them as one comma-joined string, others as lists."""
    if isinstance(value, str):
        value = value.split(",")
    scopes = value if isinstance(value, list) else []
    return [str(scope).strip() for scope in scopes if str(scope).strip()] or None


@extend_schema_serializer(component_name="AccountPinterest")
class PinterestBlockOut(serializers.Serializer):
    default_board_id = serializers.SerializerMethodField()
    default_board_name = serializers.SerializerMethodField()

    def get_default_board_id(self, metadata: dict[str, Any]) -> str | None:
        """The board pins go to when a post names none; null until the account has a board."""
        return _text_or_none(metadata.get("defaultBoardId"))

    def get_default_board_name(self, metadata: dict[str, Any]) -> str | None:
        return _text_or_none(metadata.get("defaultBoardName"))


@extend_schema_serializer(component_name="AccountInstagram")
class InstagramBlockOut(serializers.Serializer):
    kind = serializers.SerializerMethodField()
    account_type = serializers.SerializerMethodField()
    granted_scopes = serializers.SerializerMethodField()

    def get_kind(self, metadata: dict[str, Any]) -> str | None:
        """How the account was connected: `ig-login` (Instagram Login)."""
        return _text_or_none(metadata.get("kind"))

    def get_account_type(self, metadata: dict[str, Any]) -> str | None:
        """As Meta reports it at connect: BUSINESS or MEDIA_CREATOR."""
        return _text_or_none(metadata.get("accountType"))

    def get_granted_scopes(self, metadata: dict[str, Any]) -> list[str] | None:
        """The permissions Meta granted at connect."""
        return _scopes_or_none(metadata.get("grantedScopes"))


# Each is present only on accounts of that platform, as in letmepost.dev's Account.
PLATFORM_BLOCKS = ("pinterest", "instagram")


@extend_schema_serializer(component_name="Account")
class AccountOut(ModelSerializer):
    profile_id = serializers.UUIDField()
    platform_account_id = serializers.CharField(source="external_id")
    needs_reconnect = serializers.SerializerMethodField(
        help_text="The platform refused this account's credentials: connect it again."
    )
    pinterest = PinterestBlockOut(
        source="metadata", required=False, help_text="Pinterest accounts only."
    )
    instagram = InstagramBlockOut(
        source="metadata", required=False, help_text="Instagram accounts only."
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
            *PLATFORM_BLOCKS,
        ]

    def get_needs_reconnect(self, account: PlatformAccount) -> bool:
        return account.status == PlatformAccount.Status.NEEDS_REAUTH

    def to_representation(self, account: PlatformAccount) -> dict[str, Any]:
        data = super().to_representation(account)
        for block in PLATFORM_BLOCKS:
            if block != account.platform:
                del data[block]
        return data


@extend_schema_serializer(component_name="Connect", examples=examples.CONNECT)
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


@extend_schema_serializer(component_name="OAuthComplete")
class OAuthCompleteIn(serializers.Serializer):
    code = TextField(max_length=4096)
    state = TextField(max_length=128)
    profile_id = StrictUuidField(required=False)
    redirect_uri = TextField(required=False, max_length=2048)


@extend_schema_serializer(component_name="SelectAccounts")
class SelectIn(serializers.Serializer):
    selection_id = StrictUuidField()
    external_ids = serializers.ListField(
        child=TextField(max_length=255), min_length=1, max_length=100
    )


@extend_schema_serializer(component_name="AccountCandidate")
class CandidateOut(serializers.Serializer):
    """One account a connect found, as the person chooses among them."""

    external_id = serializers.CharField()
    display_name = serializers.CharField()
    metadata = serializers.DictField()


@extend_schema_serializer(component_name="AccountSelection")
class SelectionOut(serializers.Serializer):
    """Accounts found by one authorization, waiting to be chosen (never their credentials)."""

    selection_id = serializers.UUIDField(source="id")
    platform = serializers.CharField()
    expires_at = UtcDateTimeField()
    candidates = serializers.SerializerMethodField()

    @extend_schema_field(CandidateOut(many=True))
    def get_candidates(self, selection: PendingSelection) -> Any:
        return CandidateOut(public_candidates(selection), many=True).data


@extend_schema_serializer(component_name="PlatformVersion")
class PlatformVersionOut(serializers.Serializer):
    platform = serializers.CharField()
    # DRF's metaclass moves declared fields off the class; the stubs see Field.label here.
    label = serializers.CharField()  # type: ignore[assignment]
    current_pin = serializers.CharField()
    next_pin = serializers.CharField(allow_null=True)
    announced_at = UtcDateTimeField(allow_null=True)
    sunset_at = UtcDateTimeField(allow_null=True)
    notice_url = serializers.CharField(allow_null=True)
    migration_status = serializers.CharField()
    updated_at = UtcDateTimeField()

    def to_representation(self, instance: PlatformVersion) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["next_pin"] = data["next_pin"] or None
        data["notice_url"] = data["notice_url"] or None
        return data


class CredentialsCompleteIn(serializers.Serializer):
    profile_id = UuidField(required=False)

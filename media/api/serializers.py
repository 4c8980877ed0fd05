"""Shapes of `/v1/media` (spec/api.md §9). Shape only: rules live in media.services."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from letmepost.api import examples
from letmepost.api.fields import ModelSerializer, UtcDateTimeField
from media import services
from media.models import ID_PATTERN, Media

# A host name, never an IP literal: raw addresses are how SSRF probes start, and the guard in
# platforms.http still checks what the name resolves to. IDNs go in punycode.
MEDIA_URL_PATTERN = (
    r"^https?://([A-Za-z0-9-]+\.)*[A-Za-z][A-Za-z0-9-]*(:[0-9]{1,5})?([/?#]\S*)?$"
)


@extend_schema_serializer(component_name="Media")
class MediaOut(ModelSerializer):
    """A stored image, video or PDF document; `contentType`, dimensions and duration come from its bytes."""

    id = serializers.RegexField(ID_PATTERN)
    url = serializers.SerializerMethodField(
        help_text="Public, unguessable URL of the file; platforms fetch it from here."
    )
    kind = serializers.ChoiceField(choices=Media.Kind.choices)
    profile_id = serializers.UUIDField()
    created_at = UtcDateTimeField()

    class Meta:
        model = Media
        fields = [
            "id",
            "url",
            "content_type",
            "size_bytes",
            "sha256",
            "kind",
            "width",
            "height",
            "duration_seconds",
            "profile_id",
            "created_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, media: Media) -> str:
        return services.public_url(media)


@extend_schema_serializer(component_name="MediaUpload")
class MediaUploadIn(serializers.Serializer):
    file = serializers.FileField(
        help_text="The image, video or PDF document. Its type is read from the bytes, not from this part's header."
    )


@extend_schema_serializer(
    component_name="MediaFromUrl", examples=examples.MEDIA_FROM_URL
)
class MediaUrlIn(serializers.Serializer):
    url = serializers.RegexField(
        MEDIA_URL_PATTERN,
        max_length=2048,
        error_messages={"invalid": "Enter an absolute http(s) URL with a host name."},
        help_text="A public http(s) URL to fetch the file from (redirects are followed).",
    )


@extend_schema_serializer(component_name="MediaDeleted")
class MediaDeletedOut(serializers.Serializer):
    id = serializers.RegexField(ID_PATTERN)
    deleted = serializers.BooleanField()


@extend_schema_serializer(component_name="MediaList")
class MediaListOut(serializers.Serializer):
    # DRF's metaclass moves declared fields off the class; the stubs see Serializer.data.
    data = MediaOut(many=True)  # type: ignore[assignment]
    next_cursor = serializers.CharField(allow_null=True)

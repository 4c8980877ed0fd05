"""Shapes of the posts endpoints (spec/api.md §6, §8). Shape only: rules live in posts.services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from letmepost.api import examples
from letmepost.api.fields import (
    HttpUrlField,
    ModelSerializer,
    UtcDateTimeField,
    UuidField,
)
from letmepost.api.schema import ViolationOut
from letmepost.api.serializers import ThreadCachedFields
from platforms.registry import KNOWN_PLATFORMS
from posts.models import PostTarget, PublishAttempt, ThreadItem
from posts.requests import (
    MediaRequest,
    PostRequest,
    TargetRequest,
    ThreadItemRequest,
)
from posts.threads import MAX_THREAD_ITEMS, target_progress

MEDIA_ID_PATTERN = r"^med_[0-9A-Za-z]{22}$"
EXACTLY_ONE_SOURCE = "Exactly one of 'mediaId', 'url', or 'bytesBase64' must be provided for each media item."


@extend_schema_serializer(component_name="MediaInput")
class MediaIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["image", "video", "document"])
    alt_text = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=5000
    )
    media_id = serializers.RegexField(MEDIA_ID_PATTERN, required=False)
    url = HttpUrlField(required=False)
    bytes_base64 = serializers.CharField(
        required=False, min_length=1, trim_whitespace=False
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if sum(1 for k in ("media_id", "url", "bytes_base64") if attrs.get(k)) != 1:
            raise serializers.ValidationError(EXACTLY_ONE_SOURCE)
        return attrs


@extend_schema_serializer(component_name="FirstComment")
class FirstCommentIn(serializers.Serializer):
    text = serializers.CharField(min_length=1, trim_whitespace=False, max_length=10000)


@extend_schema_serializer(component_name="ThreadItemInput")
class ThreadItemIn(serializers.Serializer):
    text = serializers.CharField(
        min_length=1, trim_whitespace=False, max_length=100_000
    )
    media = MediaIn(many=True, required=False)


THREAD_HELP = (
    "The posts after the first, published in order as replies to the previous one (or as "
    "comments on the first post, by platform)."
)


def thread_field(help_text: str = THREAD_HELP) -> serializers.ListField:
    return serializers.ListField(
        child=ThreadItemIn(),
        required=False,
        max_length=MAX_THREAD_ITEMS,
        help_text=help_text,
    )


AUTO_THREAD_HELP = (
    "Split a text too long for the platform into a numbered thread (the first part is the "
    "post, the rest come before `thread`'s items)."
)


@extend_schema_serializer(component_name="PostTargetInput")
class TargetIn(serializers.Serializer):
    account_id = UuidField(required=False)
    platform = serializers.ChoiceField(choices=KNOWN_PLATFORMS, required=False)
    text = serializers.CharField(
        required=False, min_length=1, trim_whitespace=False, max_length=100_000
    )
    media = MediaIn(many=True, required=False)
    first_comment = FirstCommentIn(required=False)
    options = serializers.DictField(
        required=False,
        help_text="Per-platform options; `platform` must match the account's.",
    )
    thread = thread_field()
    auto_thread = serializers.BooleanField(required=False, help_text=AUTO_THREAD_HELP)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("account_id") and not attrs.get("platform"):
            raise serializers.ValidationError(
                {"account_id": ["Give accountId, or a platform to resolve it."]}
            )
        return attrs


NEXT_SLOT = "next_slot"


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "format": "date-time"},
            {"type": "string", "enum": [NEXT_SLOT]},
        ]
    }
)
class ScheduledAtField(UtcDateTimeField):
    """A time, or `next_slot`: the next free slot of the targets' profile queue."""

    def to_internal_value(self, value: object) -> Any:
        return NEXT_SLOT if value == NEXT_SLOT else super().to_internal_value(value)


@extend_schema_serializer(component_name="CreatePost", examples=examples.CREATE_POST)
class CreatePostIn(ThreadCachedFields):  # validated on every POST /v1/posts
    targets = serializers.ListField(child=TargetIn(), min_length=1)
    text = serializers.CharField(
        required=False, min_length=1, trim_whitespace=False, max_length=100_000
    )
    media = MediaIn(many=True, required=False)
    first_comment = FirstCommentIn(required=False)
    thread = thread_field()
    auto_thread = serializers.BooleanField(required=False, help_text=AUTO_THREAD_HELP)
    publish_now = serializers.BooleanField(required=False)
    scheduled_at = ScheduledAtField(
        required=False,
        help_text='When to publish; `"next_slot"` takes the next free slot of the queue of '
        "the targets' profile (PUT /v1/profiles/{id}/queue).",
    )
    draft = serializers.BooleanField(
        required=False,
        help_text="Save without publishing or scheduling (status `draft`); excludes "
        "publishNow and scheduledAt. Shape violations are returned, not refused.",
    )
    profile_id = UuidField(required=False)


def to_request(data: dict[str, Any]) -> PostRequest:
    """The service's request from CreatePostIn's validated data (the API and the compose form)."""
    next_slot = data.get("scheduled_at") == NEXT_SLOT
    return PostRequest(
        targets=tuple(_target(t) for t in data["targets"]),
        text=data.get("text"),
        media=_media(data.get("media")) or (),
        first_comment=_comment(data.get("first_comment")),
        thread=_thread(data.get("thread")) or (),
        auto_thread=bool(data.get("auto_thread")),
        profile_id=_str(data.get("profile_id")),
        scheduled_at=None if next_slot else data.get("scheduled_at"),
        publish_now=bool(data.get("publish_now")),
        draft=bool(data.get("draft")),
        next_slot=next_slot,
    )


def _target(data: dict[str, Any]) -> TargetRequest:
    return TargetRequest(
        account_id=_str(data.get("account_id")),
        platform=data.get("platform"),
        text=data.get("text"),
        media=_media(data.get("media")),
        first_comment=_comment(data.get("first_comment")),
        options=data.get("options"),
        thread=_thread(data.get("thread")),
        auto_thread=data.get("auto_thread"),
    )


def _thread(items: list[dict[str, Any]] | None) -> tuple[ThreadItemRequest, ...] | None:
    if items is None:
        return None
    return tuple(
        ThreadItemRequest(text=i["text"], media=_media(i.get("media")) or ())
        for i in items
    )


def _media(items: list[dict[str, Any]] | None) -> tuple[MediaRequest, ...] | None:
    return None if items is None else tuple(MediaRequest(**m) for m in items)


def _comment(data: dict[str, str] | None) -> str | None:
    return data["text"] if data else None


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


@extend_schema_serializer(component_name="RetryPost")
class RetryPostIn(serializers.Serializer):
    confirm_unknown = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Retry even though the last attempt may have been published "
        "(rule publish.outcome_unknown): check the platform first.",
    )


@extend_schema_serializer(component_name="UpdatePost")
class UpdatePostIn(serializers.Serializer):
    """Reschedule a queued post; edit a draft and/or promote it (scheduledAt or publishNow)."""

    scheduled_at = UtcDateTimeField(required=False)
    publish_now = serializers.BooleanField(
        required=False, help_text="Drafts only: publish it now."
    )
    account_id = UuidField(required=False, help_text="Drafts only.")
    text = serializers.CharField(
        required=False,
        min_length=1,
        trim_whitespace=False,
        max_length=100_000,
        help_text="Drafts only.",
    )
    media = MediaIn(many=True, required=False, help_text="Drafts only.")
    first_comment = FirstCommentIn(required=False, help_text="Drafts only.")
    options = serializers.DictField(required=False, help_text="Drafts only.")
    thread = thread_field("Drafts only: replaces the draft's thread.")


DRAFT_FIELDS = {"account_id", "text", "media", "first_comment", "options", "thread"}


def draft_edits(data: dict[str, Any]) -> TargetRequest | None:
    """The draft edits in UpdatePostIn's validated data; None when it has none."""
    if not data.keys() & DRAFT_FIELDS:
        return None
    return _target(data)


@extend_schema_serializer(component_name="TargetError")
class TargetErrorOut(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    rule = serializers.CharField(required=False)
    remediation = serializers.CharField(required=False)
    platform_response = serializers.JSONField(required=False)
    field = serializers.CharField(
        required=False,
        help_text="The thread item or first comment that failed: `thread[2]`, `firstComment`.",
    )


@extend_schema_serializer(component_name="ThreadItemProgress")
class ThreadItemProgressOut(serializers.Serializer):
    position = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ThreadItem.Status.choices)
    uri = serializers.CharField(required=False)


@extend_schema_serializer(component_name="ThreadProgress")
class ThreadProgressOut(serializers.Serializer):
    published = serializers.IntegerField(
        help_text="Posts of the chain that are out, the first post included."
    )
    total = serializers.IntegerField(
        help_text="The chain's length: the first post and every `thread` item."
    )
    items = ThreadItemProgressOut(many=True)


@extend_schema_serializer(component_name="PostTargetResult")
class TargetResultOut(serializers.Serializer):
    account_id = serializers.UUIDField()
    platform = serializers.CharField()
    post_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=PostTarget.Status.choices)
    uri = serializers.CharField(required=False)
    cid = serializers.CharField(required=False)
    first_comment_uri = serializers.CharField(required=False)
    first_comment_cid = serializers.CharField(required=False)
    thread = ThreadProgressOut(
        required=False, help_text="Only when the post has a thread: how far it got."
    )
    warnings = serializers.ListField(child=serializers.DictField(), required=False)
    error = TargetErrorOut(required=False)
    next_attempt_at = UtcDateTimeField(required=False)
    violations = ViolationOut(
        many=True,
        required=False,
        help_text="Drafts: the shape preflight's findings, reported without refusing.",
    )


@extend_schema_serializer(component_name="CreatePostResponse")
class CreatePostOut(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(
        choices=["draft", "queued", "published", "partial_failed", "failed"]
    )
    livemode = serializers.BooleanField()
    created_at = UtcDateTimeField()
    scheduled_at = UtcDateTimeField(required=False)
    results = TargetResultOut(many=True)


@extend_schema_serializer(component_name="AccountSummary")
class AccountSummaryOut(serializers.Serializer):
    id = serializers.UUIDField()
    platform = serializers.CharField()
    platform_account_id = serializers.CharField(source="external_id")
    display_name = serializers.CharField()


def _blank_to_none(value: str) -> str | None:
    return value or None


@extend_schema_serializer(component_name="Post")
class PostOut(ModelSerializer):
    profile_id = serializers.UUIDField()
    account_id = serializers.UUIDField()
    batch_id = serializers.UUIDField(source="post_id")
    account = AccountSummaryOut()
    media_refs = serializers.JSONField(source="media")
    first_comment = serializers.SerializerMethodField()
    platform_uri = serializers.SerializerMethodField()
    platform_cid = serializers.SerializerMethodField()
    attempt_count = serializers.IntegerField()
    next_attempt_at = serializers.SerializerMethodField()
    thread = serializers.SerializerMethodField()

    class Meta:
        model = PostTarget
        fields = [
            "id",
            "batch_id",
            "profile_id",
            "account_id",
            "account",
            "platform",
            "status",
            "livemode",
            "text",
            "media_refs",
            "first_comment",
            "options",
            "scheduled_at",
            "published_at",
            "platform_uri",
            "platform_cid",
            "thread",
            "error",
            "attempt_count",
            "next_attempt_at",
            "created_at",
            "updated_at",
        ]

    def get_first_comment(self, target: PostTarget) -> dict[str, str] | None:
        return {"text": target.first_comment} if target.first_comment else None

    def get_platform_uri(self, target: PostTarget) -> str | None:
        return _blank_to_none(target.platform_uri)

    def get_platform_cid(self, target: PostTarget) -> str | None:
        return _blank_to_none(target.platform_cid)

    @extend_schema_field(ThreadProgressOut(allow_null=True))
    def get_thread(self, target: PostTarget) -> dict[str, Any] | None:
        return target_progress(target)

    def get_next_attempt_at(self, target: PostTarget) -> str | None:
        if target.status == PostTarget.Status.QUEUED and target.attempt_count:
            return UtcDateTimeField().to_representation(target.due_at)
        return None


@extend_schema_serializer(component_name="UpdatePostResponse")
class UpdatedPostOut(PostOut):
    violations = ViolationOut(
        many=True,
        required=False,
        help_text="Drafts: the shape preflight's findings after the edit.",
    )

    class Meta(PostOut.Meta):
        fields = [*PostOut.Meta.fields, "violations"]


@extend_schema_serializer(component_name="PostAttempt")
class AttemptOut(ModelSerializer):
    attempt_number = serializers.IntegerField(source="number")
    succeeded = serializers.SerializerMethodField()

    class Meta:
        model = PublishAttempt
        fields = [
            "id",
            "attempt_number",
            "outcome",
            "started_at",
            "finished_at",
            "succeeded",
            "error_code",
            "error_message",
            "platform_response",
            "requested_retry_after",
            "retry_after",
        ]
        extra_kwargs = {
            "requested_retry_after": {
                "help_text": "Seconds the platform asked to wait before the next attempt."
            },
            "retry_after": {
                "help_text": "Seconds waited: the platform's ask, capped at one day."
            },
        }

    def to_representation(self, instance: PublishAttempt) -> dict[str, Any]:
        return _nulls_for_blanks(
            super().to_representation(instance), "error_code", "error_message"
        )

    def get_succeeded(self, attempt: PublishAttempt) -> bool:
        return attempt.outcome in (
            PublishAttempt.Outcome.PUBLISHED,
            PublishAttempt.Outcome.RECONCILED,
        )


@extend_schema_serializer(component_name="PostDetail")
class PostDetailOut(PostOut):
    attempts = AttemptOut(many=True)

    class Meta(PostOut.Meta):
        fields = [*PostOut.Meta.fields, "attempts"]


def _nulls_for_blanks(data: dict[str, Any], *names: str) -> dict[str, Any]:
    for name in names:
        if data.get(name) == "":
            data[name] = None
    return data

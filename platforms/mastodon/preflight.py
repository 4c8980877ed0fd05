"""Mastodon rules, with each instance's own limits.

Numbers come from the account's instance (`GET /api/v2/instance` → `configuration`), which the
adapter turns into `Draft.account_limits` with `limits_from_instance()`; a missing key falls back
to Mastodon's defaults below. Text is counted as Mastodon's StatusLengthValidator does: graphemes
of the content warning plus the text, every http(s) link as `characters_reserved_per_url`, and a
remote mention `@user@domain` as `@user`.

Options arrive snake_case: `spoiler_text`, `visibility`, `poll` ({options, expires_in, multiple}).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import regex

from platforms.base import Draft, Violation
from platforms.preflight import checks as c
from platforms.preflight import families as f
from platforms.preflight.spec import (
    DEEP,
    PARTIAL,
    SHAPE,
    CheckedRule,
    Measure,
    RuleSpec,
    Span,
)
from platforms.preflight.text import grapheme_count, is_blank
from platforms.preflight.x_text import find_links

# Mastodon's defaults (the configuration of a stock 4.x instance).
MAX_CHARACTERS = 500
CHARACTERS_RESERVED_PER_URL = 23
MAX_MEDIA_ATTACHMENTS = 4
DESCRIPTION_LIMIT = 1500
SUPPORTED_MIME_TYPES = (
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/heic",
    "image/heif",
    "image/webp",
    "image/avif",
    "video/webm",
    "video/mp4",
    "video/quicktime",
    "video/ogg",
    "audio/wave",
    "audio/wav",
    "audio/x-wav",
    "audio/x-pn-wave",
    "audio/vnd.wave",
    "audio/ogg",
    "audio/vorbis",
    "audio/mpeg",
    "audio/mp3",
    "audio/webm",
    "audio/flac",
    "audio/aac",
    "audio/m4a",
    "audio/x-m4a",
    "audio/mp4",
    "audio/3gpp",
    "video/x-ms-asf",
)
IMAGE_SIZE_LIMIT = 16_777_216
IMAGE_MATRIX_LIMIT = 33_177_600
VIDEO_SIZE_LIMIT = 103_809_024
VIDEO_MATRIX_LIMIT = 8_294_400
MIN_OPTIONS = 2
MAX_OPTIONS = 4
MAX_CHARACTERS_PER_OPTION = 50
MIN_EXPIRATION = 300
MAX_EXPIRATION = 2_629_746
VISIBILITIES = ("public", "unlisted", "private", "direct")

STATUS_DOCS = "https://docs.joinmastodon.org/methods/statuses/#create"
INSTANCE_DOCS = "https://docs.joinmastodon.org/entities/Instance/#configuration"
MEDIA_DOCS = "https://docs.joinmastodon.org/methods/media/#v2"

# `configuration` path of each account_limits key in /api/v2/instance.
INSTANCE_KEYS = {
    "max_characters": ("statuses", "max_characters"),
    "characters_reserved_per_url": ("statuses", "characters_reserved_per_url"),
    "max_media_attachments": ("statuses", "max_media_attachments"),
    "description_limit": ("media_attachments", "description_limit"),
    "supported_mime_types": ("media_attachments", "supported_mime_types"),
    "image_size_limit": ("media_attachments", "image_size_limit"),
    "image_matrix_limit": ("media_attachments", "image_matrix_limit"),
    "video_size_limit": ("media_attachments", "video_size_limit"),
    "video_matrix_limit": ("media_attachments", "video_matrix_limit"),
    "max_options": ("polls", "max_options"),
    "max_characters_per_option": ("polls", "max_characters_per_option"),
    "min_expiration": ("polls", "min_expiration"),
    "max_expiration": ("polls", "max_expiration"),
}

_MENTION = regex.compile(
    r"(?<![=/\w])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@[\w.-]+\w+)?",
    regex.IGNORECASE,
)


def limits_from_instance(instance: Mapping[str, Any]) -> dict[str, Any]:
    """`Draft.account_limits` from a `/api/v2/instance` body; absent values are left out."""
    configuration = instance.get("configuration") or {}
    limits: dict[str, Any] = {}
    for key, (section, name) in INSTANCE_KEYS.items():
        value = (configuration.get(section) or {}).get(name)
        if value is not None:
            limits[key] = value
    return limits


def limit(draft: Draft, spec: RuleSpec, key: str) -> Any:
    """The instance's value for `key`, or Mastodon's default from the spec."""
    value = draft.account_limits.get(key)
    return spec.limit(key) if value is None else value


def countable_length(text: str, url_length: int = CHARACTERS_RESERVED_PER_URL) -> int:
    """Mastodon's count of a status text: links as `url_length`, `@user@domain` as `@user`."""
    total = 0
    pos = 0
    for link in find_links(text):
        if not link.text.lower().startswith(("http://", "https://")):
            continue
        total += _without_links_length(text[pos : link.start]) + url_length
        pos = link.end
    return total + _without_links_length(text[pos:])


def _without_links_length(segment: str) -> int:
    return grapheme_count(_MENTION.sub(lambda m: "@" + m.group(1), segment))


def poll_of(draft: Draft) -> Mapping[str, Any] | None:
    poll = draft.options.get("poll")
    return poll if isinstance(poll, Mapping) else None


TEXT_REQUIRED = RuleSpec(
    "mastodon.text.required",
    SHAPE,
    "A status without media must have non-whitespace text (a poll needs text too).",
    "Add text or attach media.",
    source_url=STATUS_DOCS,
)
TEXT_MAX_CHARS = RuleSpec(
    "mastodon.text.max_chars",
    SHAPE,
    "Content warning plus text must fit the instance's max_characters (default "
    f"{MAX_CHARACTERS}); each http(s) link counts characters_reserved_per_url (default "
    f"{CHARACTERS_RESERVED_PER_URL}) and @user@domain counts as @user.",
    "Shorten the text or the content warning, or split the post into a thread.",
    {
        "max_characters": MAX_CHARACTERS,
        "characters_reserved_per_url": CHARACTERS_RESERVED_PER_URL,
    },
    source_url=INSTANCE_DOCS,
)
MEDIA_COUNT_MAX = RuleSpec(
    "mastodon.media.count_max",
    SHAPE,
    f"At most max_media_attachments items (default {MAX_MEDIA_ATTACHMENTS}).",
    "Attach fewer items; continue in a reply.",
    {"max_media_attachments": MAX_MEDIA_ATTACHMENTS},
    source_url=INSTANCE_DOCS,
)
MEDIA_ALT_TEXT_MAX = RuleSpec(
    "mastodon.media.alt_text_max_chars",
    SHAPE,
    f"Each altText must fit description_limit (default {DESCRIPTION_LIMIT:,} characters).",
    "Shorten the alt text.",
    {"description_limit": DESCRIPTION_LIMIT},
    source_url=INSTANCE_DOCS,
)
POLL_MEDIA_EXCLUSIVE = RuleSpec(
    "mastodon.poll.media_exclusive",
    SHAPE,
    "A status may carry a poll or media, not both.",
    "Drop the poll or the media, or post them separately.",
    source_url=STATUS_DOCS,
)
POLL_OPTIONS_MIN = RuleSpec(
    "mastodon.poll.options_min",
    SHAPE,
    f"A poll needs at least {MIN_OPTIONS} options.",
    f"Give the poll at least {MIN_OPTIONS} options.",
    {"min_options": MIN_OPTIONS},
    source_url=STATUS_DOCS,
)
POLL_OPTIONS_MAX = RuleSpec(
    "mastodon.poll.options_max",
    SHAPE,
    f"A poll may have at most max_options options (default {MAX_OPTIONS}).",
    "Remove options.",
    {"max_options": MAX_OPTIONS},
    source_url=INSTANCE_DOCS,
)
POLL_OPTION_MAX_CHARS = RuleSpec(
    "mastodon.poll.option_max_chars",
    SHAPE,
    f"Each poll option must fit max_characters_per_option (default {MAX_CHARACTERS_PER_OPTION}).",
    "Shorten the option.",
    {"max_characters_per_option": MAX_CHARACTERS_PER_OPTION},
    source_url=INSTANCE_DOCS,
)
POLL_EXPIRES_IN_RANGE = RuleSpec(
    "mastodon.poll.expires_in_range",
    SHAPE,
    f"poll.expiresIn must be between min_expiration and max_expiration seconds (defaults "
    f"{MIN_EXPIRATION:,} and {MAX_EXPIRATION:,}).",
    "Choose a duration between 5 minutes and about a month.",
    {"min_expiration": MIN_EXPIRATION, "max_expiration": MAX_EXPIRATION},
    source_url=INSTANCE_DOCS,
)


def _text_required(draft: Draft) -> Violation | None:
    if draft.media or not is_blank(draft.text):
        return None
    return TEXT_REQUIRED.violation(
        "The status has no text and no media; Mastodon needs one of them.", field="text"
    )


def _text_size(draft: Draft) -> tuple[int, int]:
    """The status's count (content warning included) and the instance's maximum."""
    url_length = limit(draft, TEXT_MAX_CHARS, "characters_reserved_per_url")
    warning = str(draft.options.get("spoiler_text") or "")
    size = grapheme_count(warning) + countable_length(draft.text, url_length)
    return size, limit(draft, TEXT_MAX_CHARS, "max_characters")


def link_spans(text: str) -> list[Span]:
    """The links Mastodon counts as `characters_reserved_per_url` (http and https only)."""
    return [
        Span(link.start, link.end)
        for link in find_links(text)
        if link.text.lower().startswith(("http://", "https://"))
    ]


def _text_max_chars(draft: Draft) -> Violation | None:
    size, maximum = _text_size(draft)
    warning = draft.options.get("spoiler_text")
    if size <= maximum:
        return None
    return TEXT_MAX_CHARS.violation(
        f"Text{' and content warning' if warning else ''} count {size:,} characters; this "
        f"instance allows {maximum:,}.",
        field="text",
    )


def _media_count_max(draft: Draft) -> Violation | None:
    maximum = limit(draft, MEDIA_COUNT_MAX, "max_media_attachments")
    if len(draft.media) <= maximum:
        return None
    return MEDIA_COUNT_MAX.violation(
        f"The status has {len(draft.media)} media items; this instance allows {maximum}.",
        field="media",
    )


def _alt_text_max(draft: Draft) -> Violation | None:
    maximum = limit(draft, MEDIA_ALT_TEXT_MAX, "description_limit")
    for i, item in enumerate(draft.media):
        if item.alt_text and len(item.alt_text) > maximum:
            return MEDIA_ALT_TEXT_MAX.violation(
                f"Alt text of media.{i} is {len(item.alt_text):,} characters; this instance "
                f"allows {maximum:,}.",
                field=f"media.{i}.altText",
            )
    return None


def _poll_media_exclusive(draft: Draft) -> Violation | None:
    if poll_of(draft) is None or not draft.media:
        return None
    return POLL_MEDIA_EXCLUSIVE.violation(
        f"The status has a poll and {len(draft.media)} media items; Mastodon takes one or the other.",
        field="options.poll",
    )


def _options(draft: Draft) -> list[str] | None:
    poll = poll_of(draft)
    return None if poll is None else [str(o) for o in poll.get("options") or []]


def _poll_options_min(draft: Draft) -> Violation | None:
    options = _options(draft)
    if options is None or len(options) >= MIN_OPTIONS:
        return None
    return POLL_OPTIONS_MIN.violation(
        f"The poll has {len(options)} option(s); Mastodon needs at least {MIN_OPTIONS}.",
        field="options.poll.options",
    )


def _poll_options_max(draft: Draft) -> Violation | None:
    options = _options(draft)
    maximum = limit(draft, POLL_OPTIONS_MAX, "max_options")
    if options is None or len(options) <= maximum:
        return None
    return POLL_OPTIONS_MAX.violation(
        f"The poll has {len(options)} options; this instance allows {maximum}.",
        field="options.poll.options",
    )


def _poll_option_max_chars(draft: Draft) -> Violation | None:
    maximum = limit(draft, POLL_OPTION_MAX_CHARS, "max_characters_per_option")
    for i, option in enumerate(_options(draft) or []):
        if (size := grapheme_count(option)) > maximum:
            return POLL_OPTION_MAX_CHARS.violation(
                f"Poll option {i} is {size} characters; this instance allows {maximum}.",
                field=f"options.poll.options.{i}",
            )
    return None


def _poll_expires_in(draft: Draft) -> Violation | None:
    poll = poll_of(draft)
    if poll is None or poll.get("expires_in") is None:
        return None
    low = limit(draft, POLL_EXPIRES_IN_RANGE, "min_expiration")
    high = limit(draft, POLL_EXPIRES_IN_RANGE, "max_expiration")
    try:
        seconds = int(poll["expires_in"])
    except (TypeError, ValueError):
        seconds = -1
    if low <= seconds <= high:
        return None
    return POLL_EXPIRES_IN_RANGE.violation(
        f"poll.expiresIn is {poll['expires_in']!r}; this instance accepts {low:,} to {high:,} seconds.",
        field="options.poll.expiresIn",
    )


def _mime_allowed(draft: Draft) -> Violation | None:
    allowed = limit(draft, MEDIA_MIME_ALLOWED, "supported_mime_types")
    for i, item in enumerate(draft.media):
        if item.content_type and item.content_type.lower() not in allowed:
            return MEDIA_MIME_ALLOWED.violation(
                f"media.{i} is {item.content_type}; this instance does not accept it.",
                field=f"media.{i}",
            )
    return None


def _size_max(spec: RuleSpec, kind: str, key: str) -> CheckedRule:
    def check(draft: Draft) -> Violation | None:
        maximum = limit(draft, spec, key)
        for i, item in enumerate(draft.media):
            if (
                item.kind == kind
                and item.size_bytes is not None
                and item.size_bytes > maximum
            ):
                return spec.violation(
                    f"media.{i} ({kind}) is {item.size_bytes:,} bytes; this instance allows "
                    f"{maximum:,}.",
                    field=f"media.{i}",
                )
        return None

    return CheckedRule(spec, check)


def _matrix_max(spec: RuleSpec, kind: str, key: str) -> CheckedRule:
    def check(draft: Draft) -> Violation | None:
        maximum = limit(draft, spec, key)
        for i, item in enumerate(draft.media):
            if item.kind != kind or not (item.width and item.height):
                continue
            if (pixels := item.width * item.height) > maximum:
                return spec.violation(
                    f"media.{i} is {item.width}x{item.height} = {pixels:,} pixels; this "
                    f"instance allows {maximum:,}.",
                    field=f"media.{i}",
                )
        return None

    return CheckedRule(spec, check)


text_required = CheckedRule(TEXT_REQUIRED, _text_required)
text_max_chars = CheckedRule(
    TEXT_MAX_CHARS,
    _text_max_chars,
    measure=Measure("characters", "text", _text_size, link_spans),
)
media_count_max = CheckedRule(MEDIA_COUNT_MAX, _media_count_max)
media_alt_text_max_chars = CheckedRule(MEDIA_ALT_TEXT_MAX, _alt_text_max)
poll_media_exclusive = CheckedRule(POLL_MEDIA_EXCLUSIVE, _poll_media_exclusive)
poll_options_min = CheckedRule(POLL_OPTIONS_MIN, _poll_options_min)
poll_options_max = CheckedRule(POLL_OPTIONS_MAX, _poll_options_max)
poll_option_max_chars = CheckedRule(POLL_OPTION_MAX_CHARS, _poll_option_max_chars)
poll_expires_in_range = CheckedRule(POLL_EXPIRES_IN_RANGE, _poll_expires_in)
visibility_enum = f.option_enum(
    "mastodon.visibility.enum", SHAPE, "visibility", VISIBILITIES, STATUS_DOCS
)


# Deep: per target, after the media are probed.
MEDIA_REACHABLE = RuleSpec(
    "mastodon.media.reachable",
    DEEP,
    "A media `url` must answer a GET with 2xx (it is downloaded, then uploaded to the instance).",
    "Use a public URL or upload via POST /v1/media.",
    network=True,
    source_url=MEDIA_DOCS,
)
MEDIA_MIME_ALLOWED = RuleSpec(
    "mastodon.media.mime_allowed",
    DEEP,
    "A known media type must be in the instance's supported_mime_types.",
    "Convert the file to a type the instance lists (JPEG/PNG/WebP/GIF, MP4/WebM/MOV).",
    {"supported_mime_types": list(SUPPORTED_MIME_TYPES)},
    source_url=INSTANCE_DOCS,
    enforced=PARTIAL,
)
MEDIA_IMAGE_SIZE_MAX = RuleSpec(
    "mastodon.media.image_size_max",
    DEEP,
    f"An image must fit image_size_limit (default {IMAGE_SIZE_LIMIT:,} bytes).",
    "Re-encode the image smaller.",
    {"image_size_limit": IMAGE_SIZE_LIMIT},
    source_url=INSTANCE_DOCS,
    enforced=PARTIAL,
)
MEDIA_VIDEO_SIZE_MAX = RuleSpec(
    "mastodon.media.video_size_max",
    DEEP,
    f"A video must fit video_size_limit (default {VIDEO_SIZE_LIMIT:,} bytes).",
    "Compress the video.",
    {"video_size_limit": VIDEO_SIZE_LIMIT},
    source_url=INSTANCE_DOCS,
    enforced=PARTIAL,
)
MEDIA_IMAGE_MATRIX_MAX = RuleSpec(
    "mastodon.media.image_matrix_max",
    DEEP,
    f"An image's width x height must fit image_matrix_limit (default {IMAGE_MATRIX_LIMIT:,} px).",
    "Scale the image down.",
    {"image_matrix_limit": IMAGE_MATRIX_LIMIT},
    source_url=INSTANCE_DOCS,
    enforced=PARTIAL,
)
MEDIA_VIDEO_MATRIX_MAX = RuleSpec(
    "mastodon.media.video_matrix_max",
    DEEP,
    f"A video's width x height must fit video_matrix_limit (default {VIDEO_MATRIX_LIMIT:,} px).",
    "Export the video at a lower resolution (at most 4K UHD by default).",
    {"video_matrix_limit": VIDEO_MATRIX_LIMIT},
    source_url=INSTANCE_DOCS,
    enforced=PARTIAL,
)

media_reachable = c.media_reachable(MEDIA_REACHABLE)
media_mime_allowed = CheckedRule(MEDIA_MIME_ALLOWED, _mime_allowed)
media_image_size_max = _size_max(MEDIA_IMAGE_SIZE_MAX, "image", "image_size_limit")
media_video_size_max = _size_max(MEDIA_VIDEO_SIZE_MAX, "video", "video_size_limit")
media_image_matrix_max = _matrix_max(
    MEDIA_IMAGE_MATRIX_MAX, "image", "image_matrix_limit"
)
media_video_matrix_max = _matrix_max(
    MEDIA_VIDEO_MATRIX_MAX, "video", "video_matrix_limit"
)

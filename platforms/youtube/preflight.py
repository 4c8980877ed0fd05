"""YouTube rules for `videos.insert`: one video, its title, description, tags and privacy, and the
file's type, size and duration (YouTube Data API v3).

The post text is the description. Options arrive snake_case: `title`, `tags` (a list),
`privacy` (public | unlisted | private). `Draft.account_limits["max_duration_seconds"]` lowers
the duration cap for channels that are not verified (900 s). Thread items and first comments are
comments under the video (`youtube.comment.*`, checked on each comment only).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from platforms import comments
from platforms.base import Draft, Violation
from platforms.preflight import checks as c
from platforms.preflight import families as f
from platforms.preflight.spec import (
    DEEP,
    PARTIAL,
    SHAPE,
    UPSTREAM,
    CheckedRule,
    RuleSpec,
    raised,
)
from platforms.preflight.text import is_blank, utf8_length

MIN_ITEMS = 1
MAX_ITEMS = 1
MAX_TITLE_CHARS = 100
MAX_DESCRIPTION_BYTES = 5000
MAX_TAGS_CHARS = 500
FORBIDDEN = "<>"
PRIVACY_STATUSES = ("public", "unlisted", "private")
VIDEO_MIMES = (
    "video/mp4",
    "video/quicktime",
    "video/mpeg",
    "video/x-msvideo",
    "video/x-ms-wmv",
    "video/x-flv",
    "video/3gpp",
    "video/webm",
    "video/x-matroska",
    "application/octet-stream",
)
MAX_VIDEO_BYTES = 274_877_906_944  # 256 GiB: videos.insert mediaUpload.maxSize
MAX_DURATION_SECONDS = 43_200  # 12 h for verified channels; unverified ones get 15 min

SNIPPET_DOCS = "https://developers.google.com/youtube/v3/docs/videos#snippet"
STATUS_DOCS = "https://developers.google.com/youtube/v3/docs/videos#status"
INSERT_DOCS = "https://developers.google.com/youtube/v3/docs/videos/insert"
UPLOAD_HELP = "https://support.google.com/youtube/answer/71673"


def tags_length(tags: Sequence[str]) -> int:
    """YouTube's count: commas between tags count, and a tag with a space is quoted."""
    if not tags:
        return 0
    return sum(len(t) + (2 if " " in t else 0) for t in tags) + len(tags) - 1


MEDIA_VIDEO_REQUIRED = RuleSpec(
    "youtube.media.video_required",
    SHAPE,
    f"A YouTube upload needs a video: at least {MIN_ITEMS}, and no images.",
    "Attach one video.",
    {"min_items": MIN_ITEMS},
    source_url=INSERT_DOCS,
)
MEDIA_SINGLE_ONLY = RuleSpec(
    "youtube.media.single_only",
    SHAPE,
    f"At most {MAX_ITEMS} video per upload.",
    "Send one video per post.",
    {"max_items": MAX_ITEMS},
    source_url=INSERT_DOCS,
)
TITLE_REQUIRED = RuleSpec(
    "youtube.title.required",
    SHAPE,
    "options.title must contain a non-whitespace character.",
    "Set options.title.",
    source_url=SNIPPET_DOCS,
)
TITLE_MAX_CHARS = RuleSpec(
    "youtube.title.max_chars",
    SHAPE,
    f"options.title must be at most {MAX_TITLE_CHARS} characters.",
    f"Shorten the title to {MAX_TITLE_CHARS} characters.",
    {"max_chars": MAX_TITLE_CHARS},
    source_url=SNIPPET_DOCS,
)
TITLE_ANGLE_BRACKETS = RuleSpec(
    "youtube.title.angle_brackets",
    SHAPE,
    "options.title may not contain < or >.",
    "Remove < and > from the title.",
    {"forbidden": list(FORBIDDEN)},
    source_url=SNIPPET_DOCS,
)
DESCRIPTION_MAX_BYTES = RuleSpec(
    "youtube.description.max_bytes",
    SHAPE,
    f"The description (the post text) must be at most {MAX_DESCRIPTION_BYTES:,} bytes in UTF-8.",
    f"Shorten the text to {MAX_DESCRIPTION_BYTES:,} bytes (fewer if it has accents or emoji).",
    {"max_bytes": MAX_DESCRIPTION_BYTES},
    source_url=SNIPPET_DOCS,
    notes="YouTube documents the cap in bytes; ASCII text gets 5,000 characters.",
)
DESCRIPTION_ANGLE_BRACKETS = RuleSpec(
    "youtube.description.angle_brackets",
    SHAPE,
    "The description (the post text) may not contain < or >.",
    "Remove < and > from the text (write « and » instead).",
    {"forbidden": list(FORBIDDEN)},
    source_url=SNIPPET_DOCS,
)
TAGS_MAX_CHARS = RuleSpec(
    "youtube.tags.max_chars",
    SHAPE,
    f"options.tags together must be at most {MAX_TAGS_CHARS} characters, counting the commas "
    "between them and quotes around tags with spaces.",
    "Drop or shorten tags.",
    {"max_chars": MAX_TAGS_CHARS},
    source_url=SNIPPET_DOCS,
)


def _title(draft: Draft) -> str | None:
    title = draft.options.get("title")
    return None if title is None else str(title)


def _title_required(draft: Draft) -> Violation | None:
    if not is_blank(_title(draft)):
        return None
    return TITLE_REQUIRED.violation(
        "options.title is missing or blank.", field="options.title"
    )


def _angle_brackets(
    spec: RuleSpec, what: str, field: str, get: Callable[[Draft], str | None]
) -> CheckedRule:
    def check(draft: Draft) -> Violation | None:
        value = get(draft)
        if not value or not any(ch in value for ch in FORBIDDEN):
            return None
        return spec.violation(
            f"{what} contains < or >; YouTube refuses both.", field=field
        )

    return CheckedRule(spec, check)


def _tags_max(draft: Draft) -> Violation | None:
    tags = draft.options.get("tags")
    if not isinstance(tags, list | tuple):
        return None
    size = tags_length([str(t) for t in tags])
    if size <= MAX_TAGS_CHARS:
        return None
    return TAGS_MAX_CHARS.violation(
        f"Tags total {size} characters (with commas and quotes); YouTube allows {MAX_TAGS_CHARS}.",
        field="options.tags",
    )


def _duration_max(draft: Draft) -> Violation | None:
    maximum = draft.account_limits.get("max_duration_seconds") or MAX_DURATION_SECONDS
    for i, item in enumerate(draft.media):
        if item.kind == "video" and (item.duration_seconds or 0) > maximum:
            return VIDEO_DURATION_MAX.violation(
                f"media.{i} lasts {item.duration_seconds:,.0f} s; this channel may upload "
                f"{maximum:,} s.",
                field=f"media.{i}",
            )
    return None


media_video_required = c.videos_only(MEDIA_VIDEO_REQUIRED, required=True)
media_single_only = c.media_max_items(MEDIA_SINGLE_ONLY)
title_required = CheckedRule(TITLE_REQUIRED, _title_required)
title_max_chars = c.text_max(
    TITLE_MAX_CHARS,
    "max_chars",
    count=len,
    unit="characters",
    what="The title",
    field="options.title",
    get=_title,
)
title_angle_brackets = _angle_brackets(
    TITLE_ANGLE_BRACKETS, "The title", "options.title", _title
)
description_max_bytes = c.text_max(
    DESCRIPTION_MAX_BYTES,
    "max_bytes",
    count=utf8_length,
    unit="bytes",
    what="The description",
)
description_angle_brackets = _angle_brackets(
    DESCRIPTION_ANGLE_BRACKETS, "The description", "text", lambda draft: draft.text
)
tags_max_chars = CheckedRule(TAGS_MAX_CHARS, _tags_max)
privacy_enum = f.option_enum(
    "youtube.privacy.enum", SHAPE, "privacy", PRIVACY_STATUSES, STATUS_DOCS
)


media_reachable = f.reachable(
    "youtube.media.reachable",
    INSERT_DOCS,
    checks="A video `url` must answer a GET with 2xx (it is downloaded, then uploaded).",
    kinds=("video",),
)

video_mime_allowed = f.mime_allowed(
    "youtube.video.mime_allowed",
    "The video's type must be one YouTube ingests.",
    "Upload MP4 (H.264/AAC), MOV, WebM or another supported format.",
    UPLOAD_HELP,
    video=VIDEO_MIMES,
)
video_size_max = f.size_max(
    "youtube.video.size_max",
    "video",
    MAX_VIDEO_BYTES,
    INSERT_DOCS,
    checks=f"The video must be at most {MAX_VIDEO_BYTES:,} bytes (256 GiB).",
    remediation="Compress the video below 256 GiB.",
)
VIDEO_DURATION_MAX = RuleSpec(
    "youtube.video.duration_max",
    DEEP,
    f"The video must last at most {MAX_DURATION_SECONDS:,} s (12 h), or 900 s for channels that "
    "are not verified.",
    "Trim the video, or verify the channel to upload longer videos.",
    {"max_seconds": MAX_DURATION_SECONDS},
    source_url=UPLOAD_HELP,
    enforced=PARTIAL,
)

video_duration_max = CheckedRule(VIDEO_DURATION_MAX, _duration_max)

# --- comments: thread items and first comments (platforms.comments) ---------------------------

COMMENT_MAX_GRAPHEMES = 10_000
COMMENTS_DOCS = "https://developers.google.com/youtube/v3/docs/commentThreads/insert"

comment_non_empty = comments.text_non_empty("youtube.comment.non_empty", COMMENTS_DOCS)
comment_max_graphemes = comments.text_max(
    "youtube.comment.max_graphemes",
    COMMENT_MAX_GRAPHEMES,
    COMMENTS_DOCS,
    notes="commentThreads.insert answers commentTextTooLong without naming the number; "
    "10,000 is what YouTube's comment box takes. A longer answer from YouTube maps here too.",
)
comment_media_unsupported = comments.no_media(
    "youtube.comment.media_unsupported",
    COMMENTS_DOCS,
    notes="A comment's snippet has text only (`textOriginal`).",
)
COMMENT_DISABLED = raised(
    "youtube.comment.disabled",
    UPSTREAM,
    "The video must accept comments: YouTube turns them off for videos made for kids, and "
    "channels may turn them off.",
    "Turn comments on for the video (not possible when it is made for kids), or post without "
    "a thread or first comment.",
    source_url=COMMENTS_DOCS,
)

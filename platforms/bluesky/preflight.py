"""Bluesky's rules: text and media shape, blob caps, and the ids the adapter raises while publishing.

Limits: app.bsky.feed.post (text maxGraphemes 300, maxLength 3000 bytes), app.bsky.embed.images
(4 images), the PDS blob cap and the video service (spec/platforms.md §1).
"""

from __future__ import annotations

from platforms.base import Draft, Rule, Violation
from platforms.preflight import checks as c
from platforms.preflight.spec import (
    DEEP,
    PARTIAL,
    RAISED,
    SHAPE,
    UPSTREAM,
    CheckedRule,
    RuleSpec,
)
from platforms.preflight.text import is_blank, utf8_length

MAX_GRAPHEMES = 300
MAX_TEXT_BYTES = 3000
MAX_IMAGES = 4
MAX_VIDEOS = 1
MAX_ALT_GRAPHEMES = 2000
IMAGE_MIMES = ("image/jpeg", "image/png", "image/webp", "image/gif")
VIDEO_MIMES = ("video/mp4",)
MAX_IMAGE_BYTES = 1_000_000
MAX_VIDEO_BYTES = 100_000_000
VIDEO_UPLOAD_TIMEOUT_MS = 300_000
VIDEO_POLL_INTERVAL_MS = 2_000
VIDEO_DEADLINE_MS = 360_000

POST_LEXICON = "https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/feed/post.json"
IMAGES_LEXICON = "https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/embed/images.json"
VIDEO_DOCS = "https://docs.bsky.app/docs/tutorials/video"
POSTS_DOCS = "https://docs.bsky.app/docs/advanced-guides/posts"

TEXT_NON_EMPTY = RuleSpec(
    "bluesky.text.non_empty",
    SHAPE,
    "Post text must contain at least one non-whitespace character.",
    "Send some visible text; Bluesky has no media-only post.",
    source_url=POSTS_DOCS,
)
TEXT_MAX_GRAPHEMES = RuleSpec(
    "bluesky.text.max_graphemes",
    SHAPE,
    f"Post text must be at most {MAX_GRAPHEMES} graphemes (user-perceived characters).",
    f"Trim to {MAX_GRAPHEMES} graphemes with a grapheme-aware splitter, or thread the rest.",
    {"max_graphemes": MAX_GRAPHEMES},
    source_url=POST_LEXICON,
)
TEXT_MAX_BYTES = RuleSpec(
    "bluesky.text.max_bytes",
    SHAPE,
    f"Post text must be at most {MAX_TEXT_BYTES:,} bytes in UTF-8 (the lexicon's maxLength).",
    "Use fewer long emoji sequences or shorten the text.",
    {"max_bytes": MAX_TEXT_BYTES},
    source_url=POST_LEXICON,
    notes="Added here: 300 family emoji are 300 graphemes but 7,500 bytes, which the PDS refuses.",
)
MEDIA_IMAGE_VIDEO_EXCLUSIVE = RuleSpec(
    "bluesky.media.image_video_exclusive",
    SHAPE,
    "A post may carry images or one video, never both.",
    "Publish images and the video as separate posts.",
    source_url=POSTS_DOCS,
)
MEDIA_COUNT_MAX = RuleSpec(
    "bluesky.media.count_max",
    SHAPE,
    f"At most {MAX_IMAGES} images, or at most {MAX_VIDEOS} video, per post.",
    f"Drop to {MAX_IMAGES} images / {MAX_VIDEOS} video; continue in a reply.",
    {"max_images": MAX_IMAGES, "max_videos": MAX_VIDEOS},
    source_url=IMAGES_LEXICON,
)
MEDIA_ALT_TEXT_MAX = RuleSpec(
    "bluesky.media.alt_text_max_graphemes",
    SHAPE,
    f"Every altText must be at most {MAX_ALT_GRAPHEMES:,} graphemes.",
    f"Shorten the alt text to {MAX_ALT_GRAPHEMES:,} graphemes.",
    {"max_graphemes": MAX_ALT_GRAPHEMES},
    source_url=IMAGES_LEXICON,
)
MEDIA_MIME_ALLOWED = RuleSpec(
    "bluesky.media.mime_allowed",
    DEEP,
    "The media type (sniffed from the bytes when we have them) must be allowed for its kind.",
    "Re-encode (JPEG/PNG/WebP/GIF images, H.264 MP4 video).",
    {"image_mimes": list(IMAGE_MIMES), "video_mimes": list(VIDEO_MIMES)},
    source_url=IMAGES_LEXICON,
    enforced=PARTIAL,
    notes="Checked when the type is known: uploads are sniffed at upload, URLs when fetched.",
)
MEDIA_IMAGE_SIZE_MAX = RuleSpec(
    "bluesky.media.image_size_max",
    DEEP,
    f"Each image must be at most {MAX_IMAGE_BYTES:,} bytes (the PDS blob cap).",
    f"Re-encode below {MAX_IMAGE_BYTES:,} bytes (about 976 KiB).",
    {"max_bytes": MAX_IMAGE_BYTES},
    source_url=IMAGES_LEXICON,
    enforced=PARTIAL,
    notes="The lexicon now says 2 MB; the bsky.social PDS and the reference keep 1,000,000.",
)
MEDIA_VIDEO_SIZE_MAX = RuleSpec(
    "bluesky.media.video_size_max",
    DEEP,
    f"A video must be at most {MAX_VIDEO_BYTES:,} bytes (the video service's cap).",
    f"Compress below {MAX_VIDEO_BYTES:,} bytes.",
    {"max_bytes": MAX_VIDEO_BYTES},
    source_url=VIDEO_DOCS,
    enforced=PARTIAL,
)
MEDIA_REACHABLE = RuleSpec(
    "bluesky.media.reachable",
    DEEP,
    "A media `url` must answer a plain GET with 2xx.",
    "Use a public URL returning 200, or upload via POST /v1/media.",
    network=True,
    source_url=POSTS_DOCS,
)
FIRST_COMMENT_NON_EMPTY = RuleSpec(
    "bluesky.first_comment.non_empty",
    DEEP,
    "A first comment, when given, must contain a non-whitespace character.",
    "Provide text or omit firstComment.",
    source_url=POSTS_DOCS,
)
FIRST_COMMENT_MAX_GRAPHEMES = RuleSpec(
    "bluesky.first_comment.max_graphemes",
    DEEP,
    f"First-comment text must be at most {MAX_GRAPHEMES} graphemes, like a post.",
    f"Trim the comment to {MAX_GRAPHEMES} graphemes.",
    {"max_graphemes": MAX_GRAPHEMES},
    source_url=POST_LEXICON,
    notes="Checked before the main post is created, so a too-long comment fails the target.",
)

# Raised by the adapter from the video service's answers.
VIDEO_QUOTA_EXHAUSTED = RuleSpec(
    "bluesky.video.quota_exhausted",
    UPSTREAM,
    "Before uploading a video, app.bsky.video.getUploadLimits must not report canUpload=false.",
    "Wait for the daily video allowance to reset or use another account.",
    source_url=VIDEO_DOCS,
    enforced=RAISED,
)
VIDEO_UPLOAD_FAILED = RuleSpec(
    "bluesky.video.upload_failed",
    UPSTREAM,
    "app.bsky.video.uploadVideo must return a jobStatus.",
    "Inspect platformResponse (quota, codec, size); re-encode or retry later.",
    {"upload_timeout_ms": VIDEO_UPLOAD_TIMEOUT_MS},
    code="platform_rejected",
    http=502,
    source_url=VIDEO_DOCS,
    enforced=RAISED,
)
VIDEO_JOB_STATUS_UNAVAILABLE = RuleSpec(
    "bluesky.video.job_status_unavailable",
    UPSTREAM,
    "Each getJobStatus poll must return a jobStatus.",
    "Retry the publish.",
    code="platform_rejected",
    http=502,
    source_url=VIDEO_DOCS,
    enforced=RAISED,
)
VIDEO_COMPLETED_WITHOUT_BLOB = RuleSpec(
    "bluesky.video.completed_without_blob",
    UPSTREAM,
    "A JOB_STATE_COMPLETED status must include a blob reference.",
    "Re-upload the video.",
    code="platform_rejected",
    http=502,
    source_url=VIDEO_DOCS,
    enforced=RAISED,
)
VIDEO_JOB_FAILED = RuleSpec(
    "bluesky.video.job_failed",
    UPSTREAM,
    "The video processing job must not end in JOB_STATE_FAILED.",
    "Re-encode to H.264 + AAC MP4 with faststart, keep it within Bluesky's duration limit, retry.",
    code="platform_rejected",
    http=502,
    source_url=VIDEO_DOCS,
    enforced=RAISED,
)
VIDEO_TRANSCODE_TIMEOUT = RuleSpec(
    "bluesky.video.transcode_timeout",
    UPSTREAM,
    "The video job must reach a terminal state before the poll deadline.",
    "Retry shortly (uploads are content-deduplicated) or shorten the clip.",
    {"poll_interval_ms": VIDEO_POLL_INTERVAL_MS, "deadline_ms": VIDEO_DEADLINE_MS},
    code="platform_unavailable",
    http=504,
    source_url=VIDEO_DOCS,
    enforced=RAISED,
)

text_non_empty = c.text_non_empty(TEXT_NON_EMPTY)
text_max_graphemes = c.text_max(TEXT_MAX_GRAPHEMES, "max_graphemes")
text_max_bytes = c.text_max(
    TEXT_MAX_BYTES, "max_bytes", count=utf8_length, unit="bytes"
)
media_image_video_exclusive = c.image_video_exclusive(MEDIA_IMAGE_VIDEO_EXCLUSIVE)
media_count_max = c.media_count_by_kind(MEDIA_COUNT_MAX)
media_alt_text_max_graphemes = c.alt_text_max(MEDIA_ALT_TEXT_MAX)
media_mime_allowed = c.mime_allowed(
    MEDIA_MIME_ALLOWED, {"image": "image_mimes", "video": "video_mimes"}
)
media_image_size_max = c.size_max(MEDIA_IMAGE_SIZE_MAX, "image")
media_video_size_max = c.size_max(MEDIA_VIDEO_SIZE_MAX, "video")
media_reachable = c.media_reachable(MEDIA_REACHABLE)
first_comment_max_graphemes = c.text_max(
    FIRST_COMMENT_MAX_GRAPHEMES,
    "max_graphemes",
    what="The first comment",
    field="firstComment.text",
    get=lambda draft: draft.first_comment,
)


def _first_comment_non_empty(draft: Draft) -> Violation | None:
    if draft.first_comment is None or not is_blank(draft.first_comment):
        return None
    return FIRST_COMMENT_NON_EMPTY.violation(
        "The first comment is only whitespace.", field="firstComment.text"
    )


first_comment_non_empty = CheckedRule(FIRST_COMMENT_NON_EMPTY, _first_comment_non_empty)

RULES: tuple[Rule, ...] = (
    text_non_empty,
    text_max_graphemes,
    text_max_bytes,
    media_image_video_exclusive,
    media_count_max,
    media_alt_text_max_graphemes,
)
DEEP_RULES: tuple[Rule, ...] = (
    media_reachable,
    media_mime_allowed,
    media_image_size_max,
    media_video_size_max,
    first_comment_non_empty,
    first_comment_max_graphemes,
)
SPECS: tuple[RuleSpec, ...] = (
    TEXT_NON_EMPTY,
    TEXT_MAX_GRAPHEMES,
    TEXT_MAX_BYTES,
    MEDIA_IMAGE_VIDEO_EXCLUSIVE,
    MEDIA_COUNT_MAX,
    MEDIA_ALT_TEXT_MAX,
    MEDIA_MIME_ALLOWED,
    MEDIA_IMAGE_SIZE_MAX,
    MEDIA_VIDEO_SIZE_MAX,
    MEDIA_REACHABLE,
    FIRST_COMMENT_NON_EMPTY,
    FIRST_COMMENT_MAX_GRAPHEMES,
    VIDEO_QUOTA_EXHAUSTED,
    VIDEO_UPLOAD_FAILED,
    VIDEO_JOB_STATUS_UNAVAILABLE,
    VIDEO_COMPLETED_WITHOUT_BLOB,
    VIDEO_JOB_FAILED,
    VIDEO_TRANSCODE_TIMEOUT,
)

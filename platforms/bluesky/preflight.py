"""Bluesky's rules: text and media shape, blob caps, and the ids the adapter raises while publishing.

Limits: app.bsky.feed.post (text maxGraphemes 300, maxLength 3000 bytes), app.bsky.embed.images
(4 images), the PDS blob cap and the video service (spec/platforms.md §1).
"""

from __future__ import annotations

from platforms.base import Draft, Violation
from platforms.bluesky import facets
from platforms.preflight import checks as c
from platforms.preflight import families as f
from platforms.preflight.spec import (
    DEEP,
    SHAPE,
    UPSTREAM,
    CheckedRule,
    RuleSpec,
    Span,
    raised,
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

text_non_empty = f.text_non_empty(
    "bluesky.text.non_empty",
    "Post text must contain at least one non-whitespace character.",
    "Send some visible text; Bluesky has no media-only post.",
    POSTS_DOCS,
)
text_max_graphemes = f.text_max_graphemes(
    "bluesky.text.max_graphemes",
    MAX_GRAPHEMES,
    POST_LEXICON,
    checks=f"Post text must be at most {MAX_GRAPHEMES} graphemes (user-perceived characters).",
    remediation=f"Trim to {MAX_GRAPHEMES} graphemes with a grapheme-aware splitter, or thread "
    "the rest.",
)
text_max_bytes = c.text_max(
    RuleSpec(
        "bluesky.text.max_bytes",
        SHAPE,
        f"Post text must be at most {MAX_TEXT_BYTES:,} bytes in UTF-8 (the lexicon's maxLength).",
        "Use fewer long emoji sequences or shorten the text.",
        {"max_bytes": MAX_TEXT_BYTES},
        source_url=POST_LEXICON,
        notes="Added here: 300 family emoji are 300 graphemes but 7,500 bytes, which the PDS "
        "refuses.",
    ),
    "max_bytes",
    count=utf8_length,
    unit="bytes",
    links=lambda text: [Span(f.start, f.end, f.kind) for f in facets.detect(text)],
)
media_image_video_exclusive = f.image_video_exclusive(
    "bluesky.media.image_video_exclusive",
    "A post may carry images or one video, never both.",
    "Publish images and the video as separate posts.",
    POSTS_DOCS,
)
media_count_max = f.count_by_kind(
    "bluesky.media.count_max",
    f"At most {MAX_IMAGES} images, or at most {MAX_VIDEOS} video, per post.",
    f"Drop to {MAX_IMAGES} images / {MAX_VIDEOS} video; continue in a reply.",
    {"max_images": MAX_IMAGES, "max_videos": MAX_VIDEOS},
    IMAGES_LEXICON,
)
media_alt_text_max_graphemes = f.alt_text_max(
    "bluesky.media.alt_text_max_graphemes",
    MAX_ALT_GRAPHEMES,
    IMAGES_LEXICON,
    checks=f"Every altText must be at most {MAX_ALT_GRAPHEMES:,} graphemes.",
    remediation=f"Shorten the alt text to {MAX_ALT_GRAPHEMES:,} graphemes.",
)


media_reachable = f.reachable(
    "bluesky.media.reachable",
    POSTS_DOCS,
    checks="A media `url` must answer a plain GET with 2xx.",
    remediation="Use a public URL returning 200, or upload via POST /v1/media.",
)
media_mime_allowed = f.mime_allowed(
    "bluesky.media.mime_allowed",
    "The media type (sniffed from the bytes when we have them) must be allowed for its kind.",
    "Re-encode (JPEG/PNG/WebP/GIF images, H.264 MP4 video).",
    IMAGES_LEXICON,
    image=IMAGE_MIMES,
    video=VIDEO_MIMES,
    notes="Checked when the type is known: uploads are sniffed at upload, URLs when fetched.",
)
media_image_size_max = f.size_max(
    "bluesky.media.image_size_max",
    "image",
    MAX_IMAGE_BYTES,
    IMAGES_LEXICON,
    checks=f"Each image must be at most {MAX_IMAGE_BYTES:,} bytes (the PDS blob cap).",
    remediation=f"Re-encode below {MAX_IMAGE_BYTES:,} bytes (about 976 KiB).",
    notes="The lexicon now says 2 MB; the bsky.social PDS and the reference keep 1,000,000.",
)
media_video_size_max = f.size_max(
    "bluesky.media.video_size_max",
    "video",
    MAX_VIDEO_BYTES,
    VIDEO_DOCS,
    checks=f"A video must be at most {MAX_VIDEO_BYTES:,} bytes (the video service's cap).",
)
FIRST_COMMENT_NON_EMPTY = RuleSpec(
    "bluesky.first_comment.non_empty",
    DEEP,
    "A first comment, when given, must contain a non-whitespace character.",
    "Provide text or omit firstComment.",
    source_url=POSTS_DOCS,
)


def _first_comment_non_empty(draft: Draft) -> Violation | None:
    if draft.first_comment is None or not is_blank(draft.first_comment):
        return None
    return FIRST_COMMENT_NON_EMPTY.violation(
        "The first comment is only whitespace.", field="firstComment.text"
    )


first_comment_non_empty = CheckedRule(FIRST_COMMENT_NON_EMPTY, _first_comment_non_empty)
first_comment_max_graphemes = c.text_max(
    RuleSpec(
        "bluesky.first_comment.max_graphemes",
        DEEP,
        f"First-comment text must be at most {MAX_GRAPHEMES} graphemes, like a post.",
        f"Trim the comment to {MAX_GRAPHEMES} graphemes.",
        {"max_graphemes": MAX_GRAPHEMES},
        source_url=POST_LEXICON,
        notes="Checked before the main post is created, so a too-long comment fails the target.",
    ),
    "max_graphemes",
    what="The first comment",
    field="firstComment.text",
    get=lambda draft: draft.first_comment,
)

# Raised by the adapter from the video service's answers.
VIDEO_QUOTA_EXHAUSTED = raised(
    "bluesky.video.quota_exhausted",
    UPSTREAM,
    "Before uploading a video, app.bsky.video.getUploadLimits must not report canUpload=false.",
    "Wait for the daily video allowance to reset or use another account.",
    code="preflight_failed",
    http=400,
    source_url=VIDEO_DOCS,
)
VIDEO_UPLOAD_FAILED = raised(
    "bluesky.video.upload_failed",
    UPSTREAM,
    "app.bsky.video.uploadVideo must return a jobStatus.",
    "Inspect platformResponse (quota, codec, size); re-encode or retry later.",
    {"upload_timeout_ms": VIDEO_UPLOAD_TIMEOUT_MS},
    source_url=VIDEO_DOCS,
)
VIDEO_JOB_STATUS_UNAVAILABLE = raised(
    "bluesky.video.job_status_unavailable",
    UPSTREAM,
    "Each getJobStatus poll must return a jobStatus.",
    "Retry the publish.",
    source_url=VIDEO_DOCS,
)
VIDEO_COMPLETED_WITHOUT_BLOB = raised(
    "bluesky.video.completed_without_blob",
    UPSTREAM,
    "A JOB_STATE_COMPLETED status must include a blob reference.",
    "Re-upload the video.",
    source_url=VIDEO_DOCS,
)
VIDEO_JOB_FAILED = raised(
    "bluesky.video.job_failed",
    UPSTREAM,
    "The video processing job must not end in JOB_STATE_FAILED.",
    "Re-encode to H.264 + AAC MP4 with faststart, keep it within Bluesky's duration limit, retry.",
    source_url=VIDEO_DOCS,
)
VIDEO_TRANSCODE_TIMEOUT = raised(
    "bluesky.video.transcode_timeout",
    UPSTREAM,
    "The video job must reach a terminal state before the poll deadline.",
    "Retry shortly (uploads are content-deduplicated) or shorten the clip.",
    {"poll_interval_ms": VIDEO_POLL_INTERVAL_MS, "deadline_ms": VIDEO_DEADLINE_MS},
    code="platform_unavailable",
    http=504,
    source_url=VIDEO_DOCS,
)

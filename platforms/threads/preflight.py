"""Threads rules: text, carousel size, alt text, types and byte caps; container ids the adapter
raises (Threads API /threads and /threads_publish)."""

from __future__ import annotations

from platforms.base import Rule
from platforms.preflight import checks as c
from platforms.preflight.spec import DEEP, PARTIAL, RAISED, SHAPE, UPSTREAM, RuleSpec

MAX_GRAPHEMES = 500
MAX_ITEMS = 20
CAROUSEL_MIN = 2
MAX_ALT_GRAPHEMES = 1000
IMAGE_MIMES = ("image/jpeg", "image/png", "image/webp")
VIDEO_MIMES = ("video/mp4", "video/quicktime")
MAX_IMAGE_BYTES = 8_000_000
MAX_VIDEO_BYTES = 1_000_000_000
CONTAINER_TTL_HOURS = 24
POLL_INTERVAL_MS = 1500
TEXT_DEADLINE_MS = 60_000
VIDEO_DEADLINE_MS = 360_000

POSTS_DOCS = "https://developers.facebook.com/docs/threads/posts"
MEDIA_DOCS = (
    "https://developers.facebook.com/docs/threads/overview#media-specifications"
)

TEXT_REQUIRED = RuleSpec(
    "threads.text.required",
    SHAPE,
    "A post without media must have non-whitespace text.",
    "Add text or media.",
    source_url=POSTS_DOCS,
)
TEXT_MAX_GRAPHEMES = RuleSpec(
    "threads.text.max_graphemes",
    SHAPE,
    f"Text must be at most {MAX_GRAPHEMES} graphemes, for every post shape.",
    f"Trim to {MAX_GRAPHEMES} graphemes.",
    {"max_graphemes": MAX_GRAPHEMES},
    source_url=POSTS_DOCS,
)
MEDIA_COUNT_MAX = RuleSpec(
    "threads.media.count_max",
    SHAPE,
    f"At most {MAX_ITEMS} items (a carousel is {CAROUSEL_MIN}-{MAX_ITEMS}; images and videos may mix).",
    f"Reduce to {MAX_ITEMS} items or split.",
    {"max_items": MAX_ITEMS, "carousel_min": CAROUSEL_MIN},
    source_url=POSTS_DOCS,
    informational=frozenset({"carousel_min"}),
    notes="One item is a single post, so the carousel minimum never refuses anything.",
)
MEDIA_ALT_TEXT_MAX = RuleSpec(
    "threads.media.alt_text_max_graphemes",
    SHAPE,
    f"Each altText must be at most {MAX_ALT_GRAPHEMES:,} graphemes.",
    "Shorten the alt text.",
    {"max_graphemes": MAX_ALT_GRAPHEMES},
    source_url=POSTS_DOCS,
)
MEDIA_MIME_ALLOWED = RuleSpec(
    "threads.media.mime_allowed",
    DEEP,
    "A known media type must be on the allow-list for its kind.",
    "Convert to JPEG/PNG/WebP or MP4/MOV.",
    {"image_mimes": list(IMAGE_MIMES), "video_mimes": list(VIDEO_MIMES)},
    source_url=MEDIA_DOCS,
    enforced=PARTIAL,
    notes="Threads fetches URLs itself, so the type is known for uploads (mediaId) only.",
)
MEDIA_IMAGE_SIZE_MAX = RuleSpec(
    "threads.media.image_size_max",
    DEEP,
    f"An image must be at most {MAX_IMAGE_BYTES:,} bytes.",
    f"Re-encode below {MAX_IMAGE_BYTES:,} bytes.",
    {"max_bytes": MAX_IMAGE_BYTES},
    source_url=MEDIA_DOCS,
    enforced=PARTIAL,
    notes="Unreachable in the reference; here it applies to uploads, whose size is stored.",
)
MEDIA_VIDEO_SIZE_MAX = RuleSpec(
    "threads.media.video_size_max",
    DEEP,
    f"A video must be at most {MAX_VIDEO_BYTES:,} bytes.",
    f"Compress below {MAX_VIDEO_BYTES:,} bytes.",
    {"max_bytes": MAX_VIDEO_BYTES, "max_duration_documented": "5 min"},
    source_url=MEDIA_DOCS,
    enforced=PARTIAL,
    notes="Unreachable in the reference; here it applies to uploads, whose size is stored.",
)
CONTAINER_EXPIRED = RuleSpec(
    "threads.container.expired",
    UPSTREAM,
    f"A container must not expire ({CONTAINER_TTL_HOURS} h) before it is published.",
    "Retry; each attempt creates fresh containers.",
    {"container_ttl_hours": CONTAINER_TTL_HOURS, "poll_interval_ms": POLL_INTERVAL_MS},
    code="platform_rejected",
    http=400,
    source_url=POSTS_DOCS,
    enforced=RAISED,
)
CONTAINER_ERROR = RuleSpec(
    "threads.container.error",
    UPSTREAM,
    "A container must reach FINISHED, not ERROR.",
    "Read platformResponse.error_message; usually re-encode to H.264/AAC.",
    {
        "poll_interval_ms": POLL_INTERVAL_MS,
        "image_or_text_deadline_ms": TEXT_DEADLINE_MS,
        "video_deadline_ms": VIDEO_DEADLINE_MS,
    },
    code="platform_rejected",
    http=400,
    source_url=POSTS_DOCS,
    enforced=RAISED,
)

text_required = c.text_required_without_media(TEXT_REQUIRED)
text_max_graphemes = c.text_max(TEXT_MAX_GRAPHEMES, "max_graphemes")
media_count_max = c.media_max_items(MEDIA_COUNT_MAX)
media_alt_text_max_graphemes = c.alt_text_max(MEDIA_ALT_TEXT_MAX)
media_mime_allowed = c.mime_allowed(
    MEDIA_MIME_ALLOWED, {"image": "image_mimes", "video": "video_mimes"}
)
media_image_size_max = c.size_max(MEDIA_IMAGE_SIZE_MAX, "image")
media_video_size_max = c.size_max(MEDIA_VIDEO_SIZE_MAX, "video")

RULES: tuple[Rule, ...] = (
    text_required,
    text_max_graphemes,
    media_count_max,
    media_alt_text_max_graphemes,
)
DEEP_RULES: tuple[Rule, ...] = (
    media_mime_allowed,
    media_image_size_max,
    media_video_size_max,
)
SPECS: tuple[RuleSpec, ...] = (
    TEXT_REQUIRED,
    TEXT_MAX_GRAPHEMES,
    MEDIA_COUNT_MAX,
    MEDIA_ALT_TEXT_MAX,
    MEDIA_MIME_ALLOWED,
    MEDIA_IMAGE_SIZE_MAX,
    MEDIA_VIDEO_SIZE_MAX,
    CONTAINER_EXPIRED,
    CONTAINER_ERROR,
)

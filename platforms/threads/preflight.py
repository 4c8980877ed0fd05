"""Threads rules: text, carousel size, alt text, types and byte caps; container ids the adapter
raises (Threads API /threads and /threads_publish)."""

from __future__ import annotations

from platforms.preflight import families as f
from platforms.preflight.spec import UPSTREAM, raised

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

text_required = f.text_required(
    "threads.text.required", f.TEXT_REQUIRED_CHECKS, "Add text or media.", POSTS_DOCS
)
text_max_graphemes = f.text_max_graphemes(
    "threads.text.max_graphemes",
    MAX_GRAPHEMES,
    POSTS_DOCS,
    checks=f"Text must be at most {MAX_GRAPHEMES} graphemes, for every post shape.",
)
media_count_max = f.carousel_max(
    "threads.media.count_max",
    MAX_ITEMS,
    CAROUSEL_MIN,
    f"Reduce to {MAX_ITEMS} items or split.",
    POSTS_DOCS,
)
media_alt_text_max_graphemes = f.alt_text_max(
    "threads.media.alt_text_max_graphemes", MAX_ALT_GRAPHEMES, POSTS_DOCS
)


media_mime_allowed = f.mime_allowed(
    "threads.media.mime_allowed",
    "A known media type must be on the allow-list for its kind.",
    "Convert to JPEG/PNG/WebP or MP4/MOV.",
    MEDIA_DOCS,
    image=IMAGE_MIMES,
    video=VIDEO_MIMES,
    notes="Threads fetches URLs itself, so the type is known for uploads (mediaId) only.",
)
media_image_size_max = f.size_max(
    "threads.media.image_size_max",
    "image",
    MAX_IMAGE_BYTES,
    MEDIA_DOCS,
    notes=f.UPLOADS_ONLY,
)
media_video_size_max = f.size_max(
    "threads.media.video_size_max",
    "video",
    MAX_VIDEO_BYTES,
    MEDIA_DOCS,
    extra={"max_duration_documented": "5 min"},
    notes=f.UPLOADS_ONLY,
)

CONTAINER_EXPIRED = raised(
    "threads.container.expired",
    UPSTREAM,
    f"A container must not expire ({CONTAINER_TTL_HOURS} h) before it is published.",
    "Retry; each attempt creates fresh containers.",
    {"container_ttl_hours": CONTAINER_TTL_HOURS, "poll_interval_ms": POLL_INTERVAL_MS},
    http=400,
    source_url=POSTS_DOCS,
)
CONTAINER_ERROR = raised(
    "threads.container.error",
    UPSTREAM,
    "A container must reach FINISHED, not ERROR.",
    "Read platformResponse.error_message; usually re-encode to H.264/AAC.",
    {
        "poll_interval_ms": POLL_INTERVAL_MS,
        "image_or_text_deadline_ms": TEXT_DEADLINE_MS,
        "video_deadline_ms": VIDEO_DEADLINE_MS,
    },
    http=400,
    source_url=POSTS_DOCS,
)

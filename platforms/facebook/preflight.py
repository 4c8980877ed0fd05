"""Facebook Page rules: message text, media shape, types and byte caps (Graph API /feed, /photos,
/videos)."""

from __future__ import annotations

from platforms.base import Rule
from platforms.preflight import checks as c
from platforms.preflight.spec import CONNECT, DEEP, PARTIAL, RAISED, SHAPE, RuleSpec

MAX_GRAPHEMES = 63_206
MAX_VIDEOS = 1
MAX_IMAGES_DOCUMENTED = 10
IMAGE_MIMES = ("image/jpeg", "image/png", "image/gif", "image/webp")
IMAGE_MIMES_DOCUMENTED = ("image/jpeg", "image/png")
VIDEO_MIMES = ("video/mp4", "video/quicktime")
MAX_IMAGE_BYTES = 4_000_000
MAX_VIDEO_BYTES = 4_000_000_000
PAGES_PAGE_SIZE = 100

FEED_DOCS = "https://developers.facebook.com/docs/pages-api/posts"
PHOTO_DOCS = "https://developers.facebook.com/docs/graph-api/reference/page/photos"
VIDEO_DOCS = "https://developers.facebook.com/docs/video-api/guides/publishing"

TEXT_REQUIRED = RuleSpec(
    "facebook.text.required",
    SHAPE,
    "A post without media must have non-whitespace text.",
    "Add text or attach media.",
    source_url=FEED_DOCS,
)
TEXT_MAX_GRAPHEMES = RuleSpec(
    "facebook.text.max_graphemes",
    SHAPE,
    f"The message must be at most {MAX_GRAPHEMES:,} graphemes.",
    f"Trim below {MAX_GRAPHEMES:,} characters.",
    {"max_graphemes": MAX_GRAPHEMES},
    source_url=FEED_DOCS,
    notes="Meta counts UTF-16 units; at this size the difference rarely matters.",
)
MEDIA_IMAGE_VIDEO_EXCLUSIVE = RuleSpec(
    "facebook.media.image_video_exclusive",
    SHAPE,
    "A Page post may not mix images and video.",
    "Split into a photo post and a video post.",
    source_url=FEED_DOCS,
)
MEDIA_COUNT_MAX = RuleSpec(
    "facebook.media.count_max",
    SHAPE,
    f"At most {MAX_VIDEOS} video per post.",
    f"Attach a single video; keep photo posts to {MAX_IMAGES_DOCUMENTED} images.",
    {
        "max_videos": MAX_VIDEOS,
        "max_images_documented": MAX_IMAGES_DOCUMENTED,
        "max_images_enforced": None,
    },
    source_url=FEED_DOCS,
    enforced=PARTIAL,
    informational=frozenset({"max_images_documented"}),
    notes="Only the video count is enforced: multi-photo posts go through attached_media, which "
    "takes more than the 10 the reference docs name.",
)
MEDIA_MIME_ALLOWED = RuleSpec(
    "facebook.media.mime_allowed",
    DEEP,
    "A known media type must be on the allow-list for its kind.",
    "Use JPEG/PNG images or MP4/MOV video.",
    {
        "image_mimes": list(IMAGE_MIMES),
        "video_mimes": list(VIDEO_MIMES),
        "image_mimes_documented": list(IMAGE_MIMES_DOCUMENTED),
    },
    source_url=PHOTO_DOCS,
    enforced=PARTIAL,
    informational=frozenset({"image_mimes_documented"}),
    notes="Facebook fetches URLs itself, so the type is known for uploads (mediaId) only.",
)
MEDIA_IMAGE_SIZE_MAX = RuleSpec(
    "facebook.media.image_size_max",
    DEEP,
    f"A photo must be at most {MAX_IMAGE_BYTES:,} bytes.",
    f"Re-encode below {MAX_IMAGE_BYTES:,} bytes.",
    {"max_bytes": MAX_IMAGE_BYTES},
    source_url=PHOTO_DOCS,
    enforced=PARTIAL,
    notes="Unreachable in the reference; here it applies to uploads, whose size is stored.",
)
MEDIA_VIDEO_SIZE_MAX = RuleSpec(
    "facebook.media.video_size_max",
    DEEP,
    f"A video must be at most {MAX_VIDEO_BYTES:,} bytes.",
    f"Compress below {MAX_VIDEO_BYTES:,} bytes.",
    {"max_bytes": MAX_VIDEO_BYTES},
    source_url=VIDEO_DOCS,
    enforced=PARTIAL,
    notes="Unreachable in the reference; here it applies to uploads, whose size is stored.",
)
PAGES_NONE = RuleSpec(
    "facebook.pages.none",
    CONNECT,
    "After OAuth, GET /me/accounts must return at least one Page.",
    "Connect a user who administers a Page and grant pages_show_list + business_management.",
    {"pages_page_size": PAGES_PAGE_SIZE},
    code="platform_rejected",
    http=400,
    source_url="https://developers.facebook.com/docs/pages-api/getting-started",
    enforced=RAISED,
)

text_required = c.text_required_without_media(TEXT_REQUIRED)
text_max_graphemes = c.text_max(TEXT_MAX_GRAPHEMES, "max_graphemes")
media_image_video_exclusive = c.image_video_exclusive(MEDIA_IMAGE_VIDEO_EXCLUSIVE)
media_count_max = c.media_count_by_kind(MEDIA_COUNT_MAX)
media_mime_allowed = c.mime_allowed(
    MEDIA_MIME_ALLOWED, {"image": "image_mimes", "video": "video_mimes"}
)
media_image_size_max = c.size_max(MEDIA_IMAGE_SIZE_MAX, "image")
media_video_size_max = c.size_max(MEDIA_VIDEO_SIZE_MAX, "video")

RULES: tuple[Rule, ...] = (
    text_required,
    text_max_graphemes,
    media_image_video_exclusive,
    media_count_max,
)
DEEP_RULES: tuple[Rule, ...] = (
    media_mime_allowed,
    media_image_size_max,
    media_video_size_max,
)
SPECS: tuple[RuleSpec, ...] = (
    TEXT_REQUIRED,
    TEXT_MAX_GRAPHEMES,
    MEDIA_IMAGE_VIDEO_EXCLUSIVE,
    MEDIA_COUNT_MAX,
    MEDIA_MIME_ALLOWED,
    MEDIA_IMAGE_SIZE_MAX,
    MEDIA_VIDEO_SIZE_MAX,
    PAGES_NONE,
)

"""Facebook Page rules: message text, media shape, types and byte caps (Graph API /feed, /photos,
/videos); and for thread items and first comments, the comment rules (`facebook.comment.*`)."""

from __future__ import annotations

from platforms import comments
from platforms.preflight import families as f
from platforms.preflight.spec import CONNECT, PARTIAL, raised

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

text_required = f.text_required(
    "facebook.text.required",
    f.TEXT_REQUIRED_CHECKS,
    "Add text or attach media.",
    FEED_DOCS,
)
text_max_graphemes = f.text_max_graphemes(
    "facebook.text.max_graphemes",
    MAX_GRAPHEMES,
    FEED_DOCS,
    what="The message",
    remediation=f"Trim below {MAX_GRAPHEMES:,} characters.",
    notes="Meta counts UTF-16 units; at this size the difference rarely matters.",
)
media_image_video_exclusive = f.image_video_exclusive(
    "facebook.media.image_video_exclusive",
    "A Page post may not mix images and video.",
    "Split into a photo post and a video post.",
    FEED_DOCS,
)
media_count_max = f.count_by_kind(
    "facebook.media.count_max",
    f"At most {MAX_VIDEOS} video per post.",
    f"Attach a single video; keep photo posts to {MAX_IMAGES_DOCUMENTED} images.",
    {
        "max_videos": MAX_VIDEOS,
        "max_images_documented": MAX_IMAGES_DOCUMENTED,
        "max_images_enforced": None,
    },
    FEED_DOCS,
    enforced=PARTIAL,
    informational=frozenset({"max_images_documented"}),
    notes="Only the video count is enforced: multi-photo posts go through attached_media, which "
    "takes more than the 10 the reference docs name.",
)


media_mime_allowed = f.mime_allowed(
    "facebook.media.mime_allowed",
    "A known media type must be on the allow-list for its kind.",
    "Use JPEG/PNG images or MP4/MOV video.",
    PHOTO_DOCS,
    image=IMAGE_MIMES,
    video=VIDEO_MIMES,
    documented=IMAGE_MIMES_DOCUMENTED,
    notes="Facebook fetches URLs itself, so the type is known for uploads (mediaId) only.",
)
media_image_size_max = f.size_max(
    "facebook.media.image_size_max",
    "image",
    MAX_IMAGE_BYTES,
    PHOTO_DOCS,
    checks=f"A photo must be at most {MAX_IMAGE_BYTES:,} bytes.",
    notes=f.UPLOADS_ONLY,
)
media_video_size_max = f.size_max(
    "facebook.media.video_size_max",
    "video",
    MAX_VIDEO_BYTES,
    VIDEO_DOCS,
    notes=f.UPLOADS_ONLY,
)
PAGES_NONE = raised(
    "facebook.pages.none",
    CONNECT,
    "After OAuth, GET /me/accounts must return at least one Page.",
    "Connect a user who administers a Page and grant pages_show_list + business_management.",
    {"pages_page_size": PAGES_PAGE_SIZE},
    http=400,
    source_url="https://developers.facebook.com/docs/pages-api/getting-started",
)

# --- comments: thread items and first comments (platforms.comments) ---------------------------

COMMENT_MAX_GRAPHEMES = 8000
COMMENT_MAX_IMAGES = 1
COMMENT_MAX_VIDEOS = 0
COMMENTS_DOCS = (
    "https://developers.facebook.com/docs/graph-api/reference/object/comments"
)

comment_text_required = comments.comment_rule(
    f.text_required(
        "facebook.comment.text_required",
        "A comment (thread item or first comment) without a photo must have non-whitespace "
        "text.",
        "Give the comment text or one photo.",
        COMMENTS_DOCS,
    )
)
comment_max_graphemes = comments.text_max(
    "facebook.comment.max_graphemes",
    COMMENT_MAX_GRAPHEMES,
    COMMENTS_DOCS,
    notes="Graph's reference states no maximum; 8,000 is what Facebook's comment box takes.",
)
comment_media_count_max = comments.comment_rule(
    f.count_by_kind(
        "facebook.comment.media_count_max",
        f"A comment carries at most {COMMENT_MAX_IMAGES} photo (`attachment_url`) and no "
        "video.",
        "Keep one photo per comment; put videos in the post.",
        {"max_images": COMMENT_MAX_IMAGES, "max_videos": COMMENT_MAX_VIDEOS},
        COMMENTS_DOCS,
    )
)

"""Instagram rules: media required, caption and alt text, carousel size, types, byte caps and the
feed aspect ratio; plus the ids the adapter and connect flow raise (Content Publishing API); and
for thread items and first comments, the comment rules (`instagram.comment.*`)."""

from __future__ import annotations

from platforms import comments
from platforms.base import Draft, Violation
from platforms.preflight import checks as c
from platforms.preflight import families as f
from platforms.preflight.spec import (
    CONNECT,
    DEEP,
    PARTIAL,
    SHAPE,
    UPSTREAM,
    CheckedRule,
    RuleSpec,
    raised,
)
from platforms.preflight.text import is_blank

MIN_ITEMS = 1
MAX_ITEMS = 10
CAROUSEL_MIN = 2
MAX_GRAPHEMES = 2200
MAX_ALT_GRAPHEMES = 2200
IMAGE_MIMES = ("image/jpeg",)
VIDEO_MIMES = ("video/mp4", "video/quicktime")
MAX_IMAGE_BYTES = 8_000_000
MAX_VIDEO_BYTES = 1_000_000_000
REELS_MAX_DURATION_DOCUMENTED = 90
FEED_RATIO_MIN = 0.8  # 4:5
FEED_RATIO_MAX = 1.91  # 1.91:1
REACHABLE_SUBCODE = 2207052
ASPECT_SUBCODE = 2207003
CONTAINER_TTL_HOURS = 24
POLL_INTERVAL_MS = 1500
IMAGE_DEADLINE_MS = 60_000
VIDEO_DEADLINE_MS = 360_000

PUBLISH_DOCS = (
    "https://developers.facebook.com/docs/instagram-platform/content-publishing"
)
MEDIA_DOCS = "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media"
LOGIN_DOCS = "https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login"

media_required = c.media_required(
    RuleSpec(
        "instagram.media.required",
        SHAPE,
        "At least one media item is required (no text-only posts).",
        "Attach an image or video; use Threads for text-only.",
        {"min_items": MIN_ITEMS},
        source_url=PUBLISH_DOCS,
    )
)
text_max_graphemes = f.text_max_graphemes(
    "instagram.text.max_graphemes",
    MAX_GRAPHEMES,
    MEDIA_DOCS,
    checks=f"The caption must be at most {MAX_GRAPHEMES:,} graphemes (a blank caption is not "
    "checked).",
    remediation=f"Trim the caption to {MAX_GRAPHEMES:,} graphemes (the first 125 show before "
    "the fold).",
    what="The caption",
    get=lambda draft: None if is_blank(draft.text) else draft.text,
)
media_count_max = f.carousel_max(
    "instagram.media.count_max",
    MAX_ITEMS,
    CAROUSEL_MIN,
    f"Reduce to {MAX_ITEMS} items.",
    PUBLISH_DOCS,
)
media_alt_text_max_graphemes = f.alt_text_max(
    "instagram.media.alt_text_max_graphemes", MAX_ALT_GRAPHEMES, MEDIA_DOCS
)


media_mime_allowed = f.mime_allowed(
    "instagram.media.mime_allowed",
    "Images must be JPEG; videos MP4 or MOV.",
    "Convert images to JPEG (flatten transparency); video to H.264/AAC MP4.",
    MEDIA_DOCS,
    image=IMAGE_MIMES,
    video=VIDEO_MIMES,
    notes="Instagram fetches URLs itself, so the type is known for uploads (mediaId) only.",
)
media_image_size_max = f.size_max(
    "instagram.media.image_size_max",
    "image",
    MAX_IMAGE_BYTES,
    MEDIA_DOCS,
    notes=f.UPLOADS_ONLY,
)
media_video_size_max = f.size_max(
    "instagram.media.video_size_max",
    "video",
    MAX_VIDEO_BYTES,
    MEDIA_DOCS,
    remediation=f"Compress below {MAX_VIDEO_BYTES:,} bytes; keep Reels within "
    f"{REELS_MAX_DURATION_DOCUMENTED} s.",
    extra={"reels_max_duration_s_documented": REELS_MAX_DURATION_DOCUMENTED},
    informational=frozenset({"reels_max_duration_s_documented"}),
    notes="Reels duration is not checked: Meta's limit has changed several times since 90 s.",
)
MEDIA_ASPECT_RATIO = RuleSpec(
    "instagram.media.aspect_ratio",
    DEEP,
    f"A feed image's width/height must be between {FEED_RATIO_MIN} (4:5) and {FEED_RATIO_MAX} "
    "(1.91:1).",
    "Crop or pad to 4:5..1.91:1 for feed (1:1 is safest) or 9:16 for Reels.",
    {
        "feed_ratio_min": FEED_RATIO_MIN,
        "feed_ratio_max": FEED_RATIO_MAX,
        "reels_ratio": "9:16",
        "meta_error_subcode": ASPECT_SUBCODE,
    },
    source_url=MEDIA_DOCS,
    enforced=PARTIAL,
    informational=frozenset({"meta_error_subcode"}),
    notes="Checked before upload when the image's size is known; the adapter also raises it "
    f"(platform_rejected, 502) when Meta answers error_subcode {ASPECT_SUBCODE}.",
)
MEDIA_REACHABLE = raised(
    "instagram.media.reachable",
    UPSTREAM,
    f"Meta must be able to download the media URL (error_subcode {REACHABLE_SUBCODE}).",
    "Host on a public CDN (not Drive/Dropbox share links or ACL-locked S3) or upload via "
    "POST /v1/media and send the mediaId.",
    {"meta_error_subcode": REACHABLE_SUBCODE},
    source_url=MEDIA_DOCS,
)
CONTAINER_EXPIRED = raised(
    "instagram.container.expired",
    UPSTREAM,
    f"A media container must not expire ({CONTAINER_TTL_HOURS} h) before it is published.",
    "Retry; every publish attempt creates a new container.",
    {"container_ttl_hours": CONTAINER_TTL_HOURS, "poll_interval_ms": POLL_INTERVAL_MS},
    http=400,
    source_url=PUBLISH_DOCS,
)
CONTAINER_ERROR = raised(
    "instagram.container.error",
    UPSTREAM,
    "A media container must reach FINISHED, not ERROR.",
    "Read platformResponse.status for Meta's reason; re-encode or fix the URL.",
    {
        "poll_interval_ms": POLL_INTERVAL_MS,
        "image_deadline_ms": IMAGE_DEADLINE_MS,
        "video_deadline_ms": VIDEO_DEADLINE_MS,
    },
    http=400,
    source_url=PUBLISH_DOCS,
)
ACCOUNT_TYPE_REQUIRES_PROFESSIONAL = raised(
    "instagram.account_type.requires_professional",
    CONNECT,
    "The connected account must be a Business or Creator account, not PERSONAL.",
    "Switch the Instagram account to Business or Creator, then reconnect.",
    {"rejected_account_type": "PERSONAL"},
    http=400,
    source_url=LOGIN_DOCS,
)
OAUTH_CODE_EXCHANGE = raised(
    "instagram.oauth.code_exchange",
    CONNECT,
    "The code-for-token exchange must return access_token and user_id.",
    "Check INSTAGRAM_CLIENT_ID/SECRET and that the account is Professional.",
    code="platform_auth_failed",
    source_url=LOGIN_DOCS,
)
OAUTH_LONG_LIVED_EXCHANGE = raised(
    "instagram.oauth.long_lived_exchange",
    CONNECT,
    "The short-to-long-lived token swap (ig_exchange_token) must succeed.",
    "Retry the connect; verify the client secret.",
    code="platform_auth_failed",
    source_url=LOGIN_DOCS,
)
OAUTH_ME_LOOKUP = raised(
    "instagram.oauth.me_lookup",
    CONNECT,
    "GET /me with the long-lived token must return an id.",
    "Reconnect; check the granted scopes.",
    code="platform_auth_failed",
    source_url=LOGIN_DOCS,
)
OAUTH_REFRESH = raised(
    "instagram.oauth.refresh",
    CONNECT,
    "refresh_access_token (ig_refresh_token) must return a new token.",
    "Reconnect Instagram.",
    code="platform_auth_failed",
    source_url=LOGIN_DOCS,
)


def _aspect_ratio(draft: Draft) -> Violation | None:
    for i, item in enumerate(draft.media):
        if item.kind != "image" or not (item.width and item.height):
            continue
        ratio = item.width / item.height
        if not FEED_RATIO_MIN <= ratio <= FEED_RATIO_MAX:
            return MEDIA_ASPECT_RATIO.violation(
                f"media.{i} is {item.width}x{item.height} (ratio {ratio:.3f}); Instagram feed "
                f"images must be between {FEED_RATIO_MIN} and {FEED_RATIO_MAX}.",
                field=f"media.{i}",
            )
    return None


media_aspect_ratio = CheckedRule(MEDIA_ASPECT_RATIO, _aspect_ratio)

# --- comments: thread items and first comments (platforms.comments) ---------------------------

COMMENT_MAX_GRAPHEMES = 2200
COMMENTS_DOCS = "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media/comments"

comment_non_empty = comments.text_non_empty(
    "instagram.comment.non_empty", COMMENTS_DOCS
)
comment_max_graphemes = comments.text_max(
    "instagram.comment.max_graphemes",
    COMMENT_MAX_GRAPHEMES,
    COMMENTS_DOCS,
    notes="The comments reference states no maximum; 2,200 is Instagram's limit for captions "
    "and comments in its apps.",
)
comment_media_unsupported = comments.no_media(
    "instagram.comment.media_unsupported",
    COMMENTS_DOCS,
    notes="`POST /{ig-media-id}/comments` takes a `message` only.",
)

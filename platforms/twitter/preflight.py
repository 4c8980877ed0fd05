"""X (Twitter) rules: weighted text length, media shape and byte caps, and adapter-raised ids.

Text is measured the way X's composer does (platforms.preflight.x_text), not by the reference's
grapheme approximation; the rule keeps its public id `twitter.text.max_graphemes`.
"""

from __future__ import annotations

from platforms.base import Draft, Violation
from platforms.preflight import checks as c
from platforms.preflight import families as f
from platforms.preflight import x_text
from platforms.preflight.media import is_gif
from platforms.preflight.spec import (
    DEEP,
    GATE,
    PARTIAL,
    SHAPE,
    UPSTREAM,
    CheckedRule,
    RuleSpec,
    raised,
)

MAX_WEIGHTED = 280
URL_WEIGHT = x_text.URL_LENGTH
MAX_IMAGES = 4
MAX_VIDEOS = 1
MAX_GIFS = 1
MAX_ALT_GRAPHEMES = 1000
IMAGE_MIMES = ("image/jpeg", "image/png", "image/webp")
GIF_MIMES = ("image/gif",)
VIDEO_MIMES = ("video/mp4",)
MAX_IMAGE_BYTES = 5_000_000
MAX_GIF_BYTES = 15_000_000
MAX_VIDEO_BYTES = 512_000_000
APPEND_TIMEOUT_MS = 120_000
CHUNK_BYTES = 4_194_304
PROCESSING_DEADLINE_MS = 300_000
LAUNCH_CAP = 50
LAUNCH_CAP_WINDOW_DAYS = 30

COUNTING_DOCS = "https://docs.x.com/fundamentals/counting-characters"
MEDIA_DOCS = "https://docs.x.com/x-api/media/quickstart/best-practices"
TWEETS_DOCS = "https://docs.x.com/x-api/posts/manage-tweets/introduction"

text_non_empty = f.text_non_empty(
    "twitter.text.non_empty",
    "Post text must contain a non-whitespace character, even with media.",
    "Provide visible text.",
    TWEETS_DOCS,
)
TEXT_MAX = RuleSpec(
    "twitter.text.max_graphemes",
    SHAPE,
    f"X's weighted length must be at most {MAX_WEIGHTED}: text is NFC-normalised, every link "
    f"(with or without https://) counts {URL_WEIGHT}, emoji and CJK count 2, most other "
    "characters 1.",
    f"Shorten the text (long links do not help: each costs {URL_WEIGHT}) or split into a reply chain.",
    {"max_weighted": MAX_WEIGHTED, "url_weight": URL_WEIGHT},
    source_url=COUNTING_DOCS,
    notes="The id says graphemes for compatibility; the count is X's own weighting.",
)
text_max_graphemes = c.text_max(
    TEXT_MAX,
    "max_weighted",
    count=x_text.weighted_length,
    unit="weighted characters",
    links=x_text.link_spans,
)
media_image_video_exclusive = f.image_video_exclusive(
    "twitter.media.image_video_exclusive",
    "A post may not mix image and video items.",
    "Split into two posts (reply chain).",
    MEDIA_DOCS,
)
media_count_max = f.count_by_kind(
    "twitter.media.count_max",
    f"At most {MAX_IMAGES} images or {MAX_VIDEOS} video per post.",
    "Reduce the attachment count or chain replies.",
    {"max_images": MAX_IMAGES, "max_videos": MAX_VIDEOS},
    MEDIA_DOCS,
)
media_alt_text_max_graphemes = f.alt_text_max(
    "twitter.media.alt_text_max_graphemes",
    MAX_ALT_GRAPHEMES,
    MEDIA_DOCS,
    remediation=f"Shorten the alt text to {MAX_ALT_GRAPHEMES:,} graphemes.",
)


media_reachable = f.reachable(
    "twitter.media.reachable",
    MEDIA_DOCS,
    checks="A media `url` must return 2xx to an anonymous GET.",
    remediation="Make the URL public or upload via POST /v1/media.",
)
media_mime_allowed = f.mime_allowed(
    "twitter.media.mime_allowed",
    "The media type must be an allowed image or GIF type, or MP4 video.",
    "Convert to JPEG/PNG/WebP/GIF or H.264 MP4.",
    MEDIA_DOCS,
    image=IMAGE_MIMES,
    gif=GIF_MIMES,
    video=VIDEO_MIMES,
)


MEDIA_GIF_COUNT_MAX = RuleSpec(
    "twitter.media.gif_count_max",
    DEEP,
    f"An animated GIF goes alone: at most {MAX_GIFS} GIF and no other media with it.",
    "Post the GIF on its own, or send it as an MP4.",
    {"max_gifs": MAX_GIFS},
    source_url=MEDIA_DOCS,
    enforced=PARTIAL,
    notes="Added here: the reference let 4 GIFs through (kind image), which X refuses.",
)


def _gif_count_max(draft: Draft) -> Violation | None:
    gifs = sum(1 for item in draft.media if is_gif(item))
    if not gifs or (gifs <= MAX_GIFS and len(draft.media) == gifs):
        return None
    return MEDIA_GIF_COUNT_MAX.violation(
        f"The post has {gifs} GIF(s) among {len(draft.media)} media items; X allows "
        f"{MAX_GIFS} GIF, alone.",
        field="media",
    )


media_gif_count_max = CheckedRule(MEDIA_GIF_COUNT_MAX, _gif_count_max)
media_image_size_max = f.size_max(
    "twitter.media.image_size_max",
    "image",
    MAX_IMAGE_BYTES,
    MEDIA_DOCS,
    checks=f"A static image must be at most {MAX_IMAGE_BYTES:,} bytes.",
    gif=False,
)
media_gif_size_max = f.size_max(
    "twitter.media.gif_size_max",
    "image",
    MAX_GIF_BYTES,
    MEDIA_DOCS,
    checks=f"A GIF must be at most {MAX_GIF_BYTES:,} bytes.",
    remediation="Reduce frames/quality or send an MP4 instead.",
    gif=True,
)
media_video_size_max = f.size_max(
    "twitter.media.video_size_max",
    "video",
    MAX_VIDEO_BYTES,
    MEDIA_DOCS,
    remediation=f"Lower the bitrate below {MAX_VIDEO_BYTES:,} bytes.",
)
# Read by platforms/twitter/media.py, which checks uploads the same way.
MEDIA_MIME_ALLOWED = media_mime_allowed.spec
MEDIA_IMAGE_SIZE_MAX = media_image_size_max.spec
MEDIA_UPLOAD_UNREACHABLE = raised(
    "twitter.media.upload_unreachable",
    UPSTREAM,
    "Each chunked APPEND request must reach X within its timeout.",
    "Retry the publish.",
    {"append_timeout_ms": APPEND_TIMEOUT_MS, "chunk_bytes": CHUNK_BYTES},
    code="platform_unavailable",
    http=503,
    source_url=MEDIA_DOCS,
)
MEDIA_VIDEO_PROCESSING_FAILED = raised(
    "twitter.media.video_processing_failed",
    UPSTREAM,
    "FINALIZE or a STATUS poll must not report processing_info.state=failed.",
    "Re-encode (H.264 + AAC, at most 140 s for tweet_video) and retry; read platformResponse.error.",
    source_url=MEDIA_DOCS,
)
MEDIA_PROCESSING_TIMEOUT = raised(
    "twitter.media.processing_timeout",
    UPSTREAM,
    "Video processing must succeed before the deadline; polls honour check_after_secs (1-30 s).",
    "Retry later or shorten the clip.",
    {"deadline_ms": PROCESSING_DEADLINE_MS, "min_wait_s": 1, "max_wait_s": 30},
    code="platform_unavailable",
    http=504,
    source_url=MEDIA_DOCS,
)
LAUNCH_CAP_PER_ACCOUNT = raised(
    "twitter.launch_cap.per_account",
    GATE,
    f"An account may publish at most {LAUNCH_CAP} posts (published, rejected or failed) in "
    f"{LAUNCH_CAP_WINDOW_DAYS} days.",
    "Wait until the oldest counted post leaves the 30-day window (platformResponse.retryAt) or "
    "raise the cap (self-host env).",
    {
        "default_cap": LAUNCH_CAP,
        "window_days": LAUNCH_CAP_WINDOW_DAYS,
        "env_override": "TWITTER_LAUNCH_CAP_PER_ACCOUNT",
    },
    code="rate_limited",
    http=429,
    notes="A publishing-engine gate (pay-per-use X API), not a platform constraint.",
)

"""Telegram rules: message text and captions (counted in UTF-16 code units, as the Bot API
counts them), media groups and file sizes (Bot API 10.1: sendMessage, sendPhoto, sendVideo,
sendMediaGroup). Options arrive snake_case: `chat_id`, `disable_notification`.
"""

from __future__ import annotations

from platforms.preflight import checks as c
from platforms.preflight import families as f
from platforms.preflight.spec import DEEP, SHAPE, CheckedRule, RuleSpec

MAX_TEXT_UNITS = 4096
MAX_CAPTION_UNITS = 1024
MAX_ITEMS = 10  # a media group holds 2-10 items; one item is sent on its own
GROUP_MIN = 2
# Uploaded files; a URL Telegram fetches itself is capped lower (5 MB photos, 20 MB others).
MAX_PHOTO_BYTES = 10_000_000
MAX_VIDEO_BYTES = 50_000_000
URL_PHOTO_BYTES = 5_000_000
URL_VIDEO_BYTES = 20_000_000

API_DOCS = "https://core.telegram.org/bots/api"
MESSAGE_DOCS = f"{API_DOCS}#sendmessage"
PHOTO_DOCS = f"{API_DOCS}#sendphoto"
VIDEO_DOCS = f"{API_DOCS}#sendvideo"
GROUP_DOCS = f"{API_DOCS}#sendmediagroup"
FILES_DOCS = f"{API_DOCS}#sending-files"


def utf16_units(text: str) -> int:
    """Telegram's length: UTF-16 code units (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


text_required = f.text_required(
    "telegram.text.required",
    "A message without media must have non-whitespace text.",
    "Add text or attach media.",
    MESSAGE_DOCS,
)
text_max_chars = c.text_max(
    RuleSpec(
        "telegram.text.max_chars",
        SHAPE,
        f"A text message must be at most {MAX_TEXT_UNITS:,} characters (UTF-16 code units).",
        f"Shorten the text to {MAX_TEXT_UNITS:,} characters, or split it over a thread.",
        {"max_chars": MAX_TEXT_UNITS},
        source_url=MESSAGE_DOCS,
    ),
    "max_chars",
    count=utf16_units,
    unit="characters",
    get=lambda draft: None if draft.media else draft.text,
)
caption_max_chars = c.text_max(
    RuleSpec(
        "telegram.caption.max_chars",
        SHAPE,
        f"With media, the text is the caption: at most {MAX_CAPTION_UNITS:,} characters "
        "(UTF-16 code units).",
        f"Shorten the text to {MAX_CAPTION_UNITS:,} characters, or post it in a thread reply.",
        {"max_chars": MAX_CAPTION_UNITS},
        source_url=PHOTO_DOCS,
    ),
    "max_chars",
    count=utf16_units,
    unit="characters",
    what="The caption",
    get=lambda draft: draft.text if draft.media else None,
)
media_max_items = c.media_max_items(
    RuleSpec(
        "telegram.media.max_items",
        SHAPE,
        f"At most {MAX_ITEMS} media items (a media group is {GROUP_MIN}-{MAX_ITEMS}).",
        f"Send at most {MAX_ITEMS} items; split the rest over another post.",
        {"max_items": MAX_ITEMS, "group_min": GROUP_MIN},
        source_url=GROUP_DOCS,
        informational=frozenset({"group_min"}),
        notes="One item is sent with sendPhoto or sendVideo, so the group minimum refuses nothing.",
    )
)


def _upload_size_max(
    kind: str, what: str, max_bytes: int, url_bytes: int
) -> CheckedRule:
    """The Bot API's cap on an uploaded file of `kind`; the lower cap on a file Telegram
    fetches by URL is kept as an informational limit."""
    return f.size_max(
        f"telegram.media.{kind}_size_max",
        kind,
        max_bytes,
        FILES_DOCS,
        checks=f"An uploaded {what} must be at most {max_bytes:,} bytes.",
        extra={"url_max_bytes": url_bytes},
        informational=frozenset({"url_max_bytes"}),
    )


image_size_max = _upload_size_max("image", "photo", MAX_PHOTO_BYTES, URL_PHOTO_BYTES)
video_size_max = _upload_size_max("video", "video", MAX_VIDEO_BYTES, URL_VIDEO_BYTES)
media_reachable = c.media_reachable(
    RuleSpec(
        "telegram.media.reachable",
        DEEP,
        "A media `url` must answer a GET with 2xx: Telegram fetches it.",
        "Use a public URL or upload via POST /v1/media.",
        network=True,
        source_url=FILES_DOCS,
    )
)
document_unsupported = f.documents_unsupported(
    "telegram.media.document_unsupported",
    FILES_DOCS,
    notes="sendDocument exists; letmepost sends photos and videos only so far.",
)

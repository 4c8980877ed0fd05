"""Pinterest rules: one media item per pin, the board, the cover and destination URLs, types,
byte caps and field lengths (API v5 PinCreate); plus the ids the adapter and board helpers raise.

Options arrive snake_case: `board_id`, `title`, `destination_url`, `cover_image_url`.
`Draft.account_limits["default_board_id"]` is the account's default board (None if it has none).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from platforms.base import Draft, Rule, Violation
from platforms.preflight import checks as c
from platforms.preflight.spec import (
    ACCOUNT_API,
    DEEP,
    NOT_RAISED,
    PARTIAL,
    RAISED,
    SHAPE,
    UPSTREAM,
    CheckedRule,
    RuleSpec,
)

MIN_ITEMS = 1
MAX_ITEMS = 1
MAX_TITLE_CHARS = 100
MAX_DESCRIPTION_CHARS = 800
MAX_ALT_CHARS = 500
MAX_LINK_CHARS = 2048
BOARDS_LISTED = 25
URL_SCHEMES = ("http", "https")
PROBE_TIMEOUT_MS = 10_000
IMAGE_MIMES = ("image/jpeg", "image/png", "image/webp")
IMAGE_MIMES_DOCUMENTED = ("image/jpeg", "image/png")
VIDEO_MIMES = ("video/mp4", "video/quicktime", "video/m4v")
MAX_IMAGE_BYTES = 20_000_000
MAX_VIDEO_BYTES = 2_000_000_000
UPLOAD_TIMEOUT_MS = 600_000
TRANSCODE_POLL_MS = 2_000
TRANSCODE_DEADLINE_MS = 300_000

PINS_DOCS = "https://developers.pinterest.com/docs/api/v5/pins-create"
MEDIA_DOCS = (
    "https://developers.pinterest.com/docs/api-features/creating-boards-and-pins/"
)
BOARDS_DOCS = "https://developers.pinterest.com/docs/api/v5/boards-list"


def _deep(rule_id: str, checks: str, remediation: str, **fields: Any) -> RuleSpec:
    return RuleSpec(rule_id, DEEP, checks, remediation, source_url=PINS_DOCS, **fields)


MEDIA_REQUIRED = RuleSpec(
    "pinterest.media.required",
    SHAPE,
    "A pin needs one media item; zero is refused.",
    "Attach an image, or a video plus options.coverImageUrl.",
    {"min_items": MIN_ITEMS},
    source_url=PINS_DOCS,
)
TITLE_MAX_CHARS = RuleSpec(
    "pinterest.title.max_chars",
    SHAPE,
    f"options.title must be at most {MAX_TITLE_CHARS} characters.",
    f"Shorten the title to {MAX_TITLE_CHARS} characters.",
    {"max_chars": MAX_TITLE_CHARS},
    source_url=PINS_DOCS,
    notes="Added here from PinCreate.title maxLength.",
)
TEXT_MAX_CHARS = RuleSpec(
    "pinterest.text.max_chars",
    SHAPE,
    f"The pin description (the post text) must be at most {MAX_DESCRIPTION_CHARS} characters.",
    f"Shorten the text to {MAX_DESCRIPTION_CHARS} characters.",
    {"max_chars": MAX_DESCRIPTION_CHARS},
    source_url=PINS_DOCS,
    notes="Added here from PinCreate.description maxLength.",
)
MEDIA_ALT_TEXT_MAX = RuleSpec(
    "pinterest.media.alt_text_max_chars",
    SHAPE,
    f"The altText must be at most {MAX_ALT_CHARS} characters.",
    f"Shorten the alt text to {MAX_ALT_CHARS} characters.",
    {"max_chars": MAX_ALT_CHARS},
    source_url=PINS_DOCS,
    notes="Added here from PinCreate.alt_text maxLength (the reference ignored alt text).",
)
DESTINATION_URL_MAX_CHARS = RuleSpec(
    "pinterest.destination_url.max_chars",
    SHAPE,
    f"options.destinationUrl must be at most {MAX_LINK_CHARS:,} characters.",
    "Use a shorter link.",
    {"max_chars": MAX_LINK_CHARS},
    source_url=PINS_DOCS,
    notes="Added here from PinCreate.link maxLength.",
)
BOARD_REQUIRED = _deep(
    "pinterest.board.required",
    "A board must come from options.boardId or the account's default board.",
    "Pass options.boardId or set a default board (PATCH /v1/accounts/{id}/pinterest/default-board).",
    limits={"available_boards_listed": BOARDS_LISTED},
    code="validation_failed",
    informational=frozenset({"available_boards_listed"}),
    notes="Code validation_failed, as the reference; the adapter may list boards in "
    "platformResponse.availableBoards.",
)
MEDIA_SINGLE_ONLY = _deep(
    "pinterest.media.single_only",
    f"At most {MAX_ITEMS} media item per pin.",
    "Send one item; split into several pins.",
    limits={"max_items": MAX_ITEMS},
)
VIDEO_COVER_REQUIRED = _deep(
    "pinterest.video.cover_required",
    "A video pin needs options.coverImageUrl.",
    "Provide a public cover-image URL (for example a frame exported with ffmpeg).",
)
COVER_IMAGE_URL_HTTP = _deep(
    "pinterest.cover_image_url.http",
    "options.coverImageUrl must be an absolute http(s) URL.",
    "Use an absolute http/https URL.",
    limits={"schemes": list(URL_SCHEMES)},
)
DESTINATION_URL_HTTP = _deep(
    "pinterest.destination_url.http",
    "options.destinationUrl must be an absolute http(s) URL.",
    "Use an absolute http/https URL.",
    limits={"schemes": list(URL_SCHEMES)},
)
DESTINATION_URL_REACHABLE = _deep(
    "pinterest.destination_url.reachable",
    "options.destinationUrl must answer a GET with 2xx (a network failure counts as no).",
    "Point at a deployed, publicly reachable page.",
    limits={"timeout_ms": PROBE_TIMEOUT_MS},
    network=True,
    informational=frozenset({"timeout_ms"}),
)
IMAGE_URL_REACHABLE = _deep(
    "pinterest.image_url.reachable",
    "An image URL must answer a GET with 2xx.",
    "Use a public image URL or upload via POST /v1/media.",
    limits={"timeout_ms": PROBE_TIMEOUT_MS},
    network=True,
    informational=frozenset({"timeout_ms"}),
)
IMAGE_MIME_ALLOWED = _deep(
    "pinterest.image.mime_allowed",
    "The image's type (sniffed, or the probe's Content-Type) must be allowed.",
    "Serve JPEG/PNG (WebP is accepted too).",
    limits={
        "image_mimes": list(IMAGE_MIMES),
        "image_mimes_documented": list(IMAGE_MIMES_DOCUMENTED),
    },
    network=True,
    enforced=PARTIAL,
    informational=frozenset({"image_mimes_documented"}),
)
IMAGE_SIZE_MAX = _deep(
    "pinterest.image.size_max",
    f"An image must be at most {MAX_IMAGE_BYTES:,} bytes (the probe's Content-Length for URLs).",
    f"Re-encode below {MAX_IMAGE_BYTES:,} bytes.",
    limits={"max_bytes": MAX_IMAGE_BYTES},
    network=True,
    enforced=PARTIAL,
)
COVER_IMAGE_URL_REACHABLE = _deep(
    "pinterest.cover_image_url.reachable",
    "options.coverImageUrl must answer a GET with 2xx.",
    "Host the cover publicly (or upload via POST /v1/media and use its url).",
    limits={"timeout_ms": PROBE_TIMEOUT_MS},
    network=True,
    informational=frozenset({"timeout_ms"}),
)
COVER_IMAGE_MIME_ALLOWED = _deep(
    "pinterest.cover_image.mime_allowed",
    "The cover's type (sniffed, or its Content-Type) must be an allowed image type.",
    "Convert the cover to JPEG/PNG/WebP.",
    limits={"image_mimes": list(IMAGE_MIMES)},
    network=True,
    enforced=PARTIAL,
)
VIDEO_REACHABLE = _deep(
    "pinterest.video.reachable",
    "A video `url` must answer a GET with 2xx.",
    "Make the URL public or upload via POST /v1/media.",
    network=True,
)
VIDEO_MIME_ALLOWED = _deep(
    "pinterest.video.mime_allowed",
    "The video's type must be on the allow-list.",
    "Re-mux to MP4.",
    limits={"video_mimes": list(VIDEO_MIMES)},
    enforced=PARTIAL,
    notes="The list names video/m4v as Pinterest does; files sniffed as video/x-m4v are refused.",
)
VIDEO_SIZE_MAX = _deep(
    "pinterest.video.size_max",
    f"A video must be at most {MAX_VIDEO_BYTES:,} bytes.",
    f"Compress below {MAX_VIDEO_BYTES:,} bytes.",
    limits={"max_bytes": MAX_VIDEO_BYTES},
    enforced=PARTIAL,
)
MEDIA_REACHABLE = _deep(
    "pinterest.media.reachable",
    "(Reference name for) image media URL reachability.",
    "Use a public URL.",
    network=True,
    enforced=NOT_RAISED,
    notes="Never raised: pinterest.image_url.reachable and pinterest.video.reachable cover it.",
)
URL_REACHABLE = RuleSpec(
    "pinterest.url.reachable",
    UPSTREAM,
    "(Reference name for) a URL Pinterest could not fetch while creating the pin.",
    "Make every referenced URL public.",
    network=True,
    source_url=PINS_DOCS,
    enforced=NOT_RAISED,
    notes="Never raised: each URL has its own reachability rule, checked before the upload.",
)
MEDIA_REGISTER_FAILED = RuleSpec(
    "pinterest.media.register_failed",
    UPSTREAM,
    "POST /v5/media must return media_id, upload_url and upload_parameters.",
    "Reconnect Pinterest so pins:write/boards:write are granted; check sandbox vs production base.",
    code="platform_rejected",
    http=502,
    source_url=MEDIA_DOCS,
    enforced=RAISED,
)
VIDEO_UPLOAD_FAILED = RuleSpec(
    "pinterest.video.upload_failed",
    UPSTREAM,
    "The multipart upload to the presigned URL must return 2xx.",
    "Retry (a fresh slot is registered each attempt); check clock skew.",
    code="platform_rejected",
    http=502,
    source_url=MEDIA_DOCS,
    enforced=RAISED,
)
VIDEO_UPLOAD_UNREACHABLE = RuleSpec(
    "pinterest.video.upload_unreachable",
    UPSTREAM,
    "The upload must complete within its timeout.",
    "Retry.",
    {"timeout_ms": UPLOAD_TIMEOUT_MS},
    code="platform_unavailable",
    http=503,
    source_url=MEDIA_DOCS,
    enforced=RAISED,
)
MEDIA_STATUS_UNAVAILABLE = RuleSpec(
    "pinterest.media.status_unavailable",
    UPSTREAM,
    "GET /v5/media/{id} polls must succeed.",
    "Retry the publish.",
    code="platform_rejected",
    http=502,
    source_url=MEDIA_DOCS,
    enforced=RAISED,
)
VIDEO_TRANSCODE_FAILED = RuleSpec(
    "pinterest.video.transcode_failed",
    UPSTREAM,
    "The media status must not become failed.",
    "Re-encode (H.264/AAC, at most 5 min) and retry.",
    {"documented_max_duration": "5 min"},
    code="platform_rejected",
    http=502,
    source_url=MEDIA_DOCS,
    enforced=RAISED,
)
VIDEO_TRANSCODE_TIMEOUT = RuleSpec(
    "pinterest.video.transcode_timeout",
    UPSTREAM,
    "The media status must become succeeded before the deadline.",
    "Retry in a few minutes.",
    {"poll_interval_ms": TRANSCODE_POLL_MS, "deadline_ms": TRANSCODE_DEADLINE_MS},
    code="platform_unavailable",
    http=504,
    source_url=MEDIA_DOCS,
    enforced=RAISED,
)
BOARD_UNKNOWN = RuleSpec(
    "pinterest.board.unknown",
    ACCOUNT_API,
    "Setting the default board: the id must be among the account's first 100 boards.",
    "Pick an id from GET /v1/accounts/{id}/pinterest/boards.",
    {"boards_scanned": 100},
    code="not_found",
    http=404,
    source_url=BOARDS_DOCS,
    enforced=RAISED,
)
BOARD_UPSERT_GHOST = RuleSpec(
    "pinterest.board.upsert_ghost",
    ACCOUNT_API,
    "Board create with upsert: Pinterest says the name exists but it is not in the first 250 boards.",
    "Choose another board name (likely a sandbox/production clash).",
    {"boards_scanned": 250, "duplicate_error_code": 58},
    code="platform_rejected",
    http=502,
    source_url=BOARDS_DOCS,
    enforced=RAISED,
)

media_required = c.media_required(MEDIA_REQUIRED)
title_max_chars = c.text_max(
    TITLE_MAX_CHARS,
    "max_chars",
    count=len,
    unit="characters",
    what="The title",
    field="options.title",
    get=lambda draft: draft.options.get("title"),
)
text_max_chars = c.text_max(TEXT_MAX_CHARS, "max_chars", count=len, unit="characters")
media_alt_text_max_chars = c.alt_text_max(
    MEDIA_ALT_TEXT_MAX, "max_chars", count=len, unit="characters"
)
destination_url_max_chars = c.text_max(
    DESTINATION_URL_MAX_CHARS,
    "max_chars",
    count=len,
    unit="characters",
    what="The destination URL",
    field="options.destinationUrl",
    get=lambda draft: draft.options.get("destination_url"),
)
media_single_only = c.media_max_items(MEDIA_SINGLE_ONLY)
image_size_max = c.size_max(IMAGE_SIZE_MAX, "image")
video_size_max = c.size_max(VIDEO_SIZE_MAX, "video")
image_mime_allowed = c.mime_allowed(IMAGE_MIME_ALLOWED, {"image": "image_mimes"})
video_mime_allowed = c.mime_allowed(VIDEO_MIME_ALLOWED, {"video": "video_mimes"})
image_url_reachable = c.media_reachable(IMAGE_URL_REACHABLE, kinds=("image",))
video_reachable = c.media_reachable(VIDEO_REACHABLE, kinds=("video",))


def _board_required(draft: Draft) -> Violation | None:
    if draft.options.get("board_id") or draft.account_limits.get("default_board_id"):
        return None
    return BOARD_REQUIRED.violation(
        "No board: options.boardId is missing and the account has no default board.",
        field="options.boardId",
    )


def _video_cover_required(draft: Draft) -> Violation | None:
    has_video = any(item.kind == "video" for item in draft.media)
    if not has_video or draft.options.get("cover_image_url"):
        return None
    return VIDEO_COVER_REQUIRED.violation(
        "A video pin needs options.coverImageUrl.", field="options.coverImageUrl"
    )


def _http_url(spec: RuleSpec, key: str, field: str) -> CheckedRule:
    def check(draft: Draft) -> Violation | None:
        value = draft.options.get(key)
        if value is None:
            return None
        parts = urlsplit(str(value))
        if parts.scheme.lower() in URL_SCHEMES and parts.netloc:
            return None
        return spec.violation(
            f"{field} {value!r} is not an absolute http(s) URL.", field=field
        )

    return CheckedRule(spec, check)


def _url_reachable(spec: RuleSpec, key: str, field: str) -> CheckedRule:
    def check(draft: Draft) -> Violation | None:
        value = draft.options.get(key)
        return (
            c.unreachable(spec, draft, value, field) if isinstance(value, str) else None
        )

    return CheckedRule(spec, check)


def _cover_image_mime_allowed(draft: Draft) -> Violation | None:
    url = draft.options.get("cover_image_url")
    probe = draft.probes.get(url) if isinstance(url, str) else None
    if probe is None or not probe.ok:
        return None
    found = probe.sniffed_type or probe.content_type
    if found is None or found in IMAGE_MIMES:
        return None
    return COVER_IMAGE_MIME_ALLOWED.violation(
        f"options.coverImageUrl is {found}; Pinterest accepts {', '.join(IMAGE_MIMES)}.",
        field="options.coverImageUrl",
    )


board_required = CheckedRule(BOARD_REQUIRED, _board_required)
video_cover_required = CheckedRule(VIDEO_COVER_REQUIRED, _video_cover_required)
cover_image_url_http = _http_url(
    COVER_IMAGE_URL_HTTP, "cover_image_url", "options.coverImageUrl"
)
destination_url_http = _http_url(
    DESTINATION_URL_HTTP, "destination_url", "options.destinationUrl"
)
cover_image_url_reachable = _url_reachable(
    COVER_IMAGE_URL_REACHABLE, "cover_image_url", "options.coverImageUrl"
)
destination_url_reachable = _url_reachable(
    DESTINATION_URL_REACHABLE, "destination_url", "options.destinationUrl"
)
cover_image_mime_allowed = CheckedRule(
    COVER_IMAGE_MIME_ALLOWED, _cover_image_mime_allowed
)

RULES: tuple[Rule, ...] = (
    media_required,
    title_max_chars,
    text_max_chars,
    media_alt_text_max_chars,
    destination_url_max_chars,
)
DEEP_RULES: tuple[Rule, ...] = (
    board_required,
    media_single_only,
    video_cover_required,
    cover_image_url_http,
    destination_url_http,
    destination_url_reachable,
    image_url_reachable,
    image_mime_allowed,
    image_size_max,
    cover_image_url_reachable,
    cover_image_mime_allowed,
    video_reachable,
    video_mime_allowed,
    video_size_max,
)
SPECS: tuple[RuleSpec, ...] = (
    MEDIA_REQUIRED,
    TITLE_MAX_CHARS,
    TEXT_MAX_CHARS,
    MEDIA_ALT_TEXT_MAX,
    DESTINATION_URL_MAX_CHARS,
    BOARD_REQUIRED,
    MEDIA_SINGLE_ONLY,
    VIDEO_COVER_REQUIRED,
    COVER_IMAGE_URL_HTTP,
    DESTINATION_URL_HTTP,
    DESTINATION_URL_REACHABLE,
    IMAGE_URL_REACHABLE,
    IMAGE_MIME_ALLOWED,
    IMAGE_SIZE_MAX,
    COVER_IMAGE_URL_REACHABLE,
    COVER_IMAGE_MIME_ALLOWED,
    VIDEO_REACHABLE,
    VIDEO_MIME_ALLOWED,
    VIDEO_SIZE_MAX,
    MEDIA_REACHABLE,
    URL_REACHABLE,
    MEDIA_REGISTER_FAILED,
    VIDEO_UPLOAD_FAILED,
    VIDEO_UPLOAD_UNREACHABLE,
    MEDIA_STATUS_UNAVAILABLE,
    VIDEO_TRANSCODE_FAILED,
    VIDEO_TRANSCODE_TIMEOUT,
    BOARD_UNKNOWN,
    BOARD_UPSERT_GHOST,
)

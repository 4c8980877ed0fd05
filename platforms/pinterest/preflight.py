"""Pinterest rules: one media item per pin, the board, the cover and destination URLs, types,
byte caps and field lengths (API v5 PinCreate); plus the ids the adapter and board helpers raise.

Options arrive snake_case: `board_id`, `title`, `destination_url`, `cover_image_url`.
`Draft.account_limits["default_board_id"]` is the account's default board (None if it has none).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from platforms.base import Draft, Violation
from platforms.preflight import checks as c
from platforms.preflight import families as f
from platforms.preflight.spec import (
    ACCOUNT_API,
    DEEP,
    NOT_RAISED,
    PARTIAL,
    SHAPE,
    UPSTREAM,
    CheckedRule,
    RuleSpec,
    raised,
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


def _probed(rule_id: str, checks: str, remediation: str) -> RuleSpec:
    """A URL the deep stage fetches; the probe's timeout is documented, not a check."""
    return _deep(
        rule_id,
        checks,
        remediation,
        limits={"timeout_ms": PROBE_TIMEOUT_MS},
        network=True,
        informational=frozenset({"timeout_ms"}),
    )


def _chars_max(
    rule_id: str,
    maximum: int,
    checks: str,
    remediation: str,
    pin_field: str,
    *,
    what: str = "Text",
    option: tuple[str, str] | None = None,
) -> CheckedRule:
    """A PinCreate field's maxLength in characters: the post text, or `option` (its key and
    its public field name)."""
    spec = RuleSpec(
        rule_id,
        SHAPE,
        checks,
        remediation,
        {"max_chars": maximum},
        source_url=PINS_DOCS,
        notes=f"Added here from PinCreate.{pin_field} maxLength.",
    )
    key, field = option or ("", "text")
    return c.text_max(
        spec,
        "max_chars",
        count=len,
        unit="characters",
        what=what,
        field=field,
        get=lambda draft: draft.options.get(key) if option else draft.text,
    )


media_required = c.media_required(
    RuleSpec(
        "pinterest.media.required",
        SHAPE,
        "A pin needs one media item; zero is refused.",
        "Attach an image, or a video plus options.coverImageUrl.",
        {"min_items": MIN_ITEMS},
        source_url=PINS_DOCS,
    )
)
thread_unsupported = f.thread_unsupported(
    "pinterest.thread.unsupported",
    PINS_DOCS,
    notes="Pinterest API v5 creates pins and boards; it has no call that comments on a pin.",
)
title_max_chars = _chars_max(
    "pinterest.title.max_chars",
    MAX_TITLE_CHARS,
    f"options.title must be at most {MAX_TITLE_CHARS} characters.",
    f"Shorten the title to {MAX_TITLE_CHARS} characters.",
    "title",
    what="The title",
    option=("title", "options.title"),
)
text_max_chars = _chars_max(
    "pinterest.text.max_chars",
    MAX_DESCRIPTION_CHARS,
    f"The pin description (the post text) must be at most {MAX_DESCRIPTION_CHARS} characters.",
    f"Shorten the text to {MAX_DESCRIPTION_CHARS} characters.",
    "description",
)
media_alt_text_max_chars = f.alt_text_max(
    "pinterest.media.alt_text_max_chars",
    MAX_ALT_CHARS,
    PINS_DOCS,
    checks=f"The altText must be at most {MAX_ALT_CHARS} characters.",
    remediation=f"Shorten the alt text to {MAX_ALT_CHARS} characters.",
    unit="characters",
    notes="Added here from PinCreate.alt_text maxLength (the reference ignored alt text).",
)
destination_url_max_chars = _chars_max(
    "pinterest.destination_url.max_chars",
    MAX_LINK_CHARS,
    f"options.destinationUrl must be at most {MAX_LINK_CHARS:,} characters.",
    "Use a shorter link.",
    "link",
    what="The destination URL",
    option=("destination_url", "options.destinationUrl"),
)


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


def _http_url(key: str, field: str) -> CheckedRule:
    """`pinterest.<key>.http`: the option, when given, is an absolute http(s) URL."""
    spec = _deep(
        f"pinterest.{key}.http",
        f"{field} must be an absolute http(s) URL.",
        "Use an absolute http/https URL.",
        limits={"schemes": list(URL_SCHEMES)},
    )

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
board_required = CheckedRule(BOARD_REQUIRED, _board_required)
media_single_only = c.media_max_items(
    _deep(
        "pinterest.media.single_only",
        f"At most {MAX_ITEMS} media item per pin.",
        "Send one item; split into several pins.",
        limits={"max_items": MAX_ITEMS},
    )
)
VIDEO_COVER_REQUIRED = _deep(
    "pinterest.video.cover_required",
    "A video pin needs options.coverImageUrl.",
    "Provide a public cover-image URL (for example a frame exported with ffmpeg).",
)
video_cover_required = CheckedRule(VIDEO_COVER_REQUIRED, _video_cover_required)
cover_image_url_http = _http_url("cover_image_url", "options.coverImageUrl")
destination_url_http = _http_url("destination_url", "options.destinationUrl")
DESTINATION_URL_REACHABLE = _probed(
    "pinterest.destination_url.reachable",
    "options.destinationUrl must answer a GET with 2xx (a network failure counts as no).",
    "Point at a deployed, publicly reachable page.",
)
destination_url_reachable = _url_reachable(
    DESTINATION_URL_REACHABLE, "destination_url", "options.destinationUrl"
)
image_url_reachable = c.media_reachable(
    _probed(
        "pinterest.image_url.reachable",
        "An image URL must answer a GET with 2xx.",
        "Use a public image URL or upload via POST /v1/media.",
    ),
    kinds=("image",),
)
image_mime_allowed = f.mime_allowed(
    "pinterest.image.mime_allowed",
    "The image's type (sniffed, or the probe's Content-Type) must be allowed.",
    "Serve JPEG/PNG (WebP is accepted too).",
    PINS_DOCS,
    image=IMAGE_MIMES,
    documented=IMAGE_MIMES_DOCUMENTED,
    network=True,
)
image_size_max = f.size_max(
    "pinterest.image.size_max",
    "image",
    MAX_IMAGE_BYTES,
    PINS_DOCS,
    checks=f"An image must be at most {MAX_IMAGE_BYTES:,} bytes (the probe's Content-Length "
    "for URLs).",
    network=True,
)
COVER_IMAGE_URL_REACHABLE = _probed(
    "pinterest.cover_image_url.reachable",
    "options.coverImageUrl must answer a GET with 2xx.",
    "Host the cover publicly (or upload via POST /v1/media and use its url).",
)
cover_image_url_reachable = _url_reachable(
    COVER_IMAGE_URL_REACHABLE, "cover_image_url", "options.coverImageUrl"
)
COVER_IMAGE_MIME_ALLOWED = _deep(
    "pinterest.cover_image.mime_allowed",
    "The cover's type (sniffed, or its Content-Type) must be an allowed image type.",
    "Convert the cover to JPEG/PNG/WebP.",
    limits={"image_mimes": list(IMAGE_MIMES)},
    network=True,
    enforced=PARTIAL,
)
cover_image_mime_allowed = CheckedRule(
    COVER_IMAGE_MIME_ALLOWED, _cover_image_mime_allowed
)
video_reachable = f.reachable(
    "pinterest.video.reachable",
    PINS_DOCS,
    checks="A video `url` must answer a GET with 2xx.",
    remediation="Make the URL public or upload via POST /v1/media.",
    kinds=("video",),
)
video_mime_allowed = f.mime_allowed(
    "pinterest.video.mime_allowed",
    "The video's type must be on the allow-list.",
    "Re-mux to MP4.",
    PINS_DOCS,
    video=VIDEO_MIMES,
    notes="The list names video/m4v as Pinterest does; files sniffed as video/x-m4v are refused.",
)
video_size_max = f.size_max(
    "pinterest.video.size_max", "video", MAX_VIDEO_BYTES, PINS_DOCS
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
MEDIA_REGISTER_FAILED = raised(
    "pinterest.media.register_failed",
    UPSTREAM,
    "POST /v5/media must return media_id, upload_url and upload_parameters.",
    "Reconnect Pinterest so pins:write/boards:write are granted; check sandbox vs production base.",
    source_url=MEDIA_DOCS,
)
VIDEO_UPLOAD_FAILED = raised(
    "pinterest.video.upload_failed",
    UPSTREAM,
    "The multipart upload to the presigned URL must return 2xx.",
    "Retry (a fresh slot is registered each attempt); check clock skew.",
    source_url=MEDIA_DOCS,
)
VIDEO_UPLOAD_UNREACHABLE = raised(
    "pinterest.video.upload_unreachable",
    UPSTREAM,
    "The upload must complete within its timeout.",
    "Retry.",
    {"timeout_ms": UPLOAD_TIMEOUT_MS},
    code="platform_unavailable",
    http=503,
    source_url=MEDIA_DOCS,
)
MEDIA_STATUS_UNAVAILABLE = raised(
    "pinterest.media.status_unavailable",
    UPSTREAM,
    "GET /v5/media/{id} polls must succeed.",
    "Retry the publish.",
    source_url=MEDIA_DOCS,
)
VIDEO_TRANSCODE_FAILED = raised(
    "pinterest.video.transcode_failed",
    UPSTREAM,
    "The media status must not become failed.",
    "Re-encode (H.264/AAC, at most 5 min) and retry.",
    {"documented_max_duration": "5 min"},
    source_url=MEDIA_DOCS,
)
VIDEO_TRANSCODE_TIMEOUT = raised(
    "pinterest.video.transcode_timeout",
    UPSTREAM,
    "The media status must become succeeded before the deadline.",
    "Retry in a few minutes.",
    {"poll_interval_ms": TRANSCODE_POLL_MS, "deadline_ms": TRANSCODE_DEADLINE_MS},
    code="platform_unavailable",
    http=504,
    source_url=MEDIA_DOCS,
)
BOARD_UNKNOWN = raised(
    "pinterest.board.unknown",
    ACCOUNT_API,
    "Setting the default board: the id must be among the account's first 100 boards.",
    "Pick an id from GET /v1/accounts/{id}/pinterest/boards.",
    {"boards_scanned": 100},
    code="not_found",
    http=404,
    source_url=BOARDS_DOCS,
)
BOARD_UPSERT_GHOST = raised(
    "pinterest.board.upsert_ghost",
    ACCOUNT_API,
    "Board create with upsert: Pinterest says the name exists but it is not in the first 250 boards.",
    "Choose another board name (likely a sandbox/production clash).",
    {"boards_scanned": 250, "duplicate_error_code": 58},
    source_url=BOARDS_DOCS,
)

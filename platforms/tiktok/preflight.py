"""TikTok rules: caption in UTF-16 units, hashtags, exactly one video, brand toggles, privacy
against the account's allowed levels, and the video's type, size, duration, resolution and shape.

Options arrive snake_case: `privacy`, `brand_content_toggle`, `brand_organic_toggle`.
`Draft.account_limits`: `privacy_level_options` (TikTok's upper-case levels from creator_info)
and `audit_state` ("audit" or "production"); an account without options is in audit.
"""

from __future__ import annotations

from typing import Any

from platforms.base import Draft, MediaItem, Violation
from platforms.preflight import checks as c
from platforms.preflight import families as f
from platforms.preflight.spec import (
    CONNECT,
    DEEP,
    PARTIAL,
    SHAPE,
    UPSTREAM,
    WARNING,
    CheckedRule,
    RuleSpec,
    raised,
)
from platforms.preflight.text import hashtag_count, utf16_length

MAX_UTF16_UNITS = 2200
MAX_HASHTAGS = 100
MIN_ITEMS = 1
MAX_ITEMS = 1
PRIVACY_LEVELS = {  # our option value -> TikTok's privacy_level
    "public_to_everyone": "PUBLIC_TO_EVERYONE",
    "mutual_follow_friend": "MUTUAL_FOLLOW_FRIENDS",
    "self_only": "SELF_ONLY",
}
DEFAULT_PRIVACY = "self_only"
VIDEO_MIMES = (
    "video/mp4",
    "video/quicktime",
    "video/mpeg",
    "video/x-msvideo",
    "video/x-flv",
    "video/webm",
)
MAX_VIDEO_BYTES = 4_294_967_296
MIN_SECONDS = 3
MAX_SECONDS = 600
SANDBOX_WARN_SECONDS = 60
MIN_SHORT_EDGE = 540
ASPECT_TOLERANCE = 0.05
ASPECTS = {"9:16": 9 / 16, "1:1": 1.0, "16:9": 16 / 9}
PREFERRED_ASPECT = "9:16"
SINGLE_CHUNK_BYTES = 67_108_864
CHUNK_BYTES = 10_485_760
UPLOAD_TIMEOUT_MS = 600_000
PUBLISH_DEADLINE_MS = 1_800_000

POST_DOCS = (
    "https://developers.tiktok.com/doc/content-posting-api-reference-upload-video"
)
MEDIA_DOCS = (
    "https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide"
)
CREATOR_DOCS = (
    "https://developers.tiktok.com/doc/content-posting-api-reference-query-creator-info"
)
STATUS_DOCS = (
    "https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status"
)


def _spec(
    rule_id: str, stage: str, checks: str, remediation: str, **fields: Any
) -> RuleSpec:
    fields.setdefault("source_url", POST_DOCS)
    return RuleSpec(rule_id, stage, checks, remediation, **fields)


TEXT_MAX_CHARS = _spec(
    "tiktok.text.max_chars",
    SHAPE,
    f"The caption must be at most {MAX_UTF16_UNITS:,} UTF-16 code units (an emoji is usually 2).",
    "Shorten the caption.",
    limits={"max_utf16_units": MAX_UTF16_UNITS},
)
TEXT_HASHTAG_MAX = _spec(
    "tiktok.text.hashtag_max",
    SHAPE,
    f"At most {MAX_HASHTAGS} #hashtags.",
    "Use fewer hashtags.",
    limits={"max_hashtags": MAX_HASHTAGS},
)
MEDIA_REQUIRED = _spec(
    "tiktok.media.required",
    SHAPE,
    "Exactly one video is required; none was given.",
    "Attach one video.",
    limits={"min_items": MIN_ITEMS},
)
MEDIA_SINGLE_ONLY = _spec(
    "tiktok.media.single_only",
    SHAPE,
    "More than one media item is refused.",
    "Send a single video.",
    limits={"max_items": MAX_ITEMS},
)
MEDIA_VIDEO_REQUIRED = _spec(
    "tiktok.media.video_required",
    SHAPE,
    "The media item must be a video (no photo posts).",
    "Send a video.",
)
BRANDED_CONTENT_EXCLUSIVE = _spec(
    "tiktok.branded_content.mutual_exclusive",
    SHAPE,
    "brandContentToggle and brandOrganicToggle cannot both be true.",
    "Set only one brand toggle.",
)
PRIVACY_NOT_ALLOWED = _spec(
    "tiktok.privacy.not_allowed",
    SHAPE,
    "The requested privacy must be one the account allows (creator_info), unless the account "
    "is in audit mode, where it becomes self_only.",
    "Use one of the levels the account allows.",
    limits={"privacy_values": list(PRIVACY_LEVELS), "default": DEFAULT_PRIVACY},
    source_url=CREATOR_DOCS,
)
AUDIT_SELF_ONLY = _spec(
    "tiktok.audit.self_only",
    WARNING,
    "The account is in audit (sandbox) mode and a non-private privacy was asked: the video is "
    "posted self_only.",
    "Get the video.publish (Direct Post) scope approved to post publicly.",
    source_url=CREATOR_DOCS,
)


def in_audit(draft: Draft) -> bool:
    """Audit (sandbox) accounts may only post privately; no known options means audit."""
    options = draft.account_limits.get("privacy_level_options") or []
    return draft.account_limits.get("audit_state") == "audit" or list(options) in (
        [],
        ["SELF_ONLY"],
    )


def requested_privacy(draft: Draft) -> str:
    return str(draft.options.get("privacy") or DEFAULT_PRIVACY)


def _video(draft: Draft) -> tuple[int, MediaItem] | None:
    return next(((i, m) for i, m in enumerate(draft.media) if m.kind == "video"), None)


text_max_chars = c.text_max(
    TEXT_MAX_CHARS,
    "max_utf16_units",
    count=utf16_length,
    unit="UTF-16 units",
    what="The caption",
)
text_hashtag_max = c.text_max(
    TEXT_HASHTAG_MAX,
    "max_hashtags",
    count=hashtag_count,
    unit="hashtags",
    what="The caption",
)
media_required = c.media_required(MEDIA_REQUIRED)
media_single_only = c.media_max_items(MEDIA_SINGLE_ONLY)
thread_unsupported = f.thread_unsupported(
    "tiktok.thread.unsupported",
    POST_DOCS,
    notes="The Content Posting API publishes one video; TikTok's public API has no call that "
    "comments on it.",
)
video_reachable = f.reachable(
    "tiktok.video.reachable",
    MEDIA_DOCS,
    checks="A video `url` must return 2xx when downloaded.",
    kinds=("video",),
)
file_format_invalid = f.mime_allowed(
    "tiktok.file_format.invalid",
    "The video's type must be on the upload allow-list.",
    "Use MP4/MOV/MPEG/AVI/FLV/WebM.",
    MEDIA_DOCS,
    video=VIDEO_MIMES,
)
video_size_max = f.size_max(
    "tiktok.video.size_max",
    "video",
    MAX_VIDEO_BYTES,
    MEDIA_DOCS,
    checks=f"The video must be at most {MAX_VIDEO_BYTES:,} bytes.",
    remediation="Compress below 4 GiB.",
)
VIDEO_PROBE_UNAVAILABLE = _spec(
    "tiktok.video.probe_unavailable",
    WARNING,
    "The video's duration or frame size could not be read, so those checks were skipped.",
    "Upload an MP4/MOV (its index is read), or check the clip yourself.",
    source_url=MEDIA_DOCS,
    notes="We read MP4/MOV boxes ourselves; the reference needed ffprobe.",
)
VIDEO_TOO_SHORT = _spec(
    "tiktok.video.too_short",
    DEEP,
    f"The video must last at least {MIN_SECONDS} s.",
    f"Use a clip of at least {MIN_SECONDS} s.",
    limits={"min_seconds": MIN_SECONDS},
    source_url=MEDIA_DOCS,
    enforced=PARTIAL,
)
VIDEO_TOO_LONG = _spec(
    "tiktok.video.too_long",
    DEEP,
    f"The video must last at most {MAX_SECONDS} s.",
    "Trim to 10 minutes.",
    limits={"max_seconds": MAX_SECONDS},
    source_url=MEDIA_DOCS,
    enforced=PARTIAL,
)
VIDEO_SANDBOX_DURATION = _spec(
    "tiktok.video.sandbox_duration",
    WARNING,
    f"An audit-mode account and a video over {SANDBOX_WARN_SECONDS} s: sandbox uploads that "
    "long often fail.",
    f"Keep sandbox uploads at or under {SANDBOX_WARN_SECONDS} s.",
    limits={"warn_above_seconds": SANDBOX_WARN_SECONDS},
    source_url=MEDIA_DOCS,
)
RESOLUTION_UNSUPPORTED = _spec(
    "tiktok.resolution.unsupported",
    DEEP,
    f"The video's short edge must be at least {MIN_SHORT_EDGE} px.",
    f"Export at {MIN_SHORT_EDGE} px short edge or more (1080x1920 recommended).",
    limits={"min_short_edge_px": MIN_SHORT_EDGE, "recommended": "1080x1920"},
    source_url=MEDIA_DOCS,
    enforced=PARTIAL,
)
VIDEO_ASPECT_UNUSUAL = _spec(
    "tiktok.video.aspect_unusual",
    WARNING,
    f"The aspect ratio is not within {ASPECT_TOLERANCE:.0%} of 9:16, 1:1 or 16:9.",
    "Re-frame to 9:16.",
    limits={"accepted_ratios": list(ASPECTS), "tolerance": ASPECT_TOLERANCE},
    source_url=MEDIA_DOCS,
)
VIDEO_ASPECT_NON_VERTICAL = _spec(
    "tiktok.video.aspect_non_vertical",
    WARNING,
    "The aspect ratio is 1:1 or 16:9 rather than the preferred 9:16.",
    "Prefer vertical 9:16.",
    limits={"preferred": PREFERRED_ASPECT},
    source_url=MEDIA_DOCS,
)


def _branded_content(draft: Draft) -> Violation | None:
    if not (
        draft.options.get("brand_content_toggle")
        and draft.options.get("brand_organic_toggle")
    ):
        return None
    return BRANDED_CONTENT_EXCLUSIVE.violation(
        "brandContentToggle and brandOrganicToggle are both true.",
        field="options.brandOrganicToggle",
    )


def _privacy_not_allowed(draft: Draft) -> Violation | None:
    requested = requested_privacy(draft)
    level = PRIVACY_LEVELS.get(requested)
    if level is not None and in_audit(draft):
        return None
    allowed = list(draft.account_limits.get("privacy_level_options") or [])
    if level is not None and level in allowed:
        return None
    names = [k for k, v in PRIVACY_LEVELS.items() if v in allowed] or list(
        PRIVACY_LEVELS
    )
    return PRIVACY_NOT_ALLOWED.violation(
        f"Privacy {requested!r} is not allowed for this account; it allows {', '.join(names)}.",
        field="options.privacy",
        remediation=f"Use one of: {', '.join(names)}.",
    )


def _audit_self_only(draft: Draft) -> Violation | None:
    requested = requested_privacy(draft)
    if (
        not in_audit(draft)
        or requested == "self_only"
        or requested not in PRIVACY_LEVELS
    ):
        return None
    return AUDIT_SELF_ONLY.violation(
        f"The account is in audit mode: privacy {requested!r} becomes self_only.",
        field="options.privacy",
    )


def _probe_unavailable(draft: Draft) -> Violation | None:
    found = _video(draft)
    if found is None:
        return None
    i, item = found
    if item.duration_seconds is not None and item.width and item.height:
        return None
    return VIDEO_PROBE_UNAVAILABLE.violation(
        f"media.{i}: duration or frame size unknown; those checks were skipped.",
        field=f"media.{i}",
    )


def _duration(spec: RuleSpec, too_long: bool) -> CheckedRule:
    def check(draft: Draft) -> Violation | None:
        found = _video(draft)
        if found is None or found[1].duration_seconds is None:
            return None
        i, item = found
        seconds = item.duration_seconds
        assert seconds is not None
        if too_long and seconds > MAX_SECONDS:
            message = f"media.{i} lasts {seconds:.1f} s; TikTok allows at most {MAX_SECONDS} s."
        elif not too_long and seconds < MIN_SECONDS:
            message = f"media.{i} lasts {seconds:.1f} s; TikTok needs at least {MIN_SECONDS} s."
        else:
            return None
        return spec.violation(message, field=f"media.{i}")

    return CheckedRule(spec, check)


def _sandbox_duration(draft: Draft) -> Violation | None:
    found = _video(draft)
    if found is None or not in_audit(draft):
        return None
    i, item = found
    if item.duration_seconds is None or item.duration_seconds <= SANDBOX_WARN_SECONDS:
        return None
    return VIDEO_SANDBOX_DURATION.violation(
        f"media.{i} lasts {item.duration_seconds:.1f} s and the account is in audit mode; "
        f"sandbox uploads over {SANDBOX_WARN_SECONDS} s often fail.",
        field=f"media.{i}",
    )


def _resolution(draft: Draft) -> Violation | None:
    found = _video(draft)
    if found is None or not (found[1].width and found[1].height):
        return None
    i, item = found
    assert item.width and item.height
    if min(item.width, item.height) >= MIN_SHORT_EDGE:
        return None
    return RESOLUTION_UNSUPPORTED.violation(
        f"media.{i} is {item.width}x{item.height}; TikTok needs a short edge of at least "
        f"{MIN_SHORT_EDGE} px.",
        field=f"media.{i}",
    )


def nearest_aspect(width: int, height: int) -> str | None:
    """The accepted ratio within tolerance of width/height, if any."""
    ratio = width / height
    for label, target in ASPECTS.items():
        if abs(ratio / target - 1) <= ASPECT_TOLERANCE + 1e-9:
            return label
    return None


def _aspect(spec: RuleSpec, non_vertical: bool) -> CheckedRule:
    def check(draft: Draft) -> Violation | None:
        found = _video(draft)
        if found is None or not (found[1].width and found[1].height):
            return None
        i, item = found
        assert item.width and item.height
        label = nearest_aspect(item.width, item.height)
        size = f"{item.width}x{item.height}"
        if non_vertical and label not in (None, PREFERRED_ASPECT):
            message = (
                f"media.{i} is {size} ({label}); TikTok prefers {PREFERRED_ASPECT}."
            )
        elif not non_vertical and label is None:
            message = f"media.{i} is {size}, not within {ASPECT_TOLERANCE:.0%} of 9:16, 1:1 or 16:9."
        else:
            return None
        return spec.violation(message, field=f"media.{i}")

    return CheckedRule(spec, check)


media_video_required = c.videos_only(MEDIA_VIDEO_REQUIRED)
branded_content_mutual_exclusive = CheckedRule(
    BRANDED_CONTENT_EXCLUSIVE, _branded_content
)
privacy_not_allowed = CheckedRule(PRIVACY_NOT_ALLOWED, _privacy_not_allowed)
audit_self_only = CheckedRule(AUDIT_SELF_ONLY, _audit_self_only, phase=SHAPE)
video_probe_unavailable = CheckedRule(VIDEO_PROBE_UNAVAILABLE, _probe_unavailable)
video_too_short = _duration(VIDEO_TOO_SHORT, too_long=False)
video_too_long = _duration(VIDEO_TOO_LONG, too_long=True)
video_sandbox_duration = CheckedRule(VIDEO_SANDBOX_DURATION, _sandbox_duration)
resolution_unsupported = CheckedRule(RESOLUTION_UNSUPPORTED, _resolution)
video_aspect_unusual = _aspect(VIDEO_ASPECT_UNUSUAL, non_vertical=False)
video_aspect_non_vertical = _aspect(VIDEO_ASPECT_NON_VERTICAL, non_vertical=True)


def _upstream(rule_id: str, checks: str, remediation: str, **fields: Any) -> RuleSpec:
    fields.setdefault("source_url", POST_DOCS)
    return raised(rule_id, UPSTREAM, checks, remediation, **fields)


UPLOAD_INIT_FAILED = _upstream(
    "tiktok.upload.init_failed",
    "POST /v2/post/publish/inbox/video/init/ must return publish_id and upload_url.",
    "Inspect platformResponse; retry.",
)
UPLOAD_CHUNK_FAILED = _upstream(
    "tiktok.upload.chunk_failed",
    "Each chunk PUT to upload_url must return 2xx.",
    "Check the type and Content-Range and that the publish_id is still valid; retry.",
    limits={
        "single_chunk_threshold_bytes": SINGLE_CHUNK_BYTES,
        "chunk_bytes": CHUNK_BYTES,
    },
    source_url=MEDIA_DOCS,
)
UPLOAD_UNREACHABLE = _upstream(
    "tiktok.upload.unreachable",
    "A chunk PUT must complete within its timeout.",
    "Retry.",
    limits={"timeout_ms": UPLOAD_TIMEOUT_MS},
    code="platform_unavailable",
    http=503,
    source_url=MEDIA_DOCS,
)
PUBLISH_NO_ID = _upstream(
    "tiktok.publish.no_id",
    "The init response must carry a publish_id.",
    "Retry.",
)
STATUS_UNAVAILABLE = _upstream(
    "tiktok.status.unavailable",
    "POST /v2/post/publish/status/fetch/ must return a status.",
    "Transient; the status poll retries.",
    source_url=STATUS_DOCS,
)
PUBLISH_FAILED = _upstream(
    "tiktok.publish.failed",
    "The publish status reached FAILED.",
    "Read platformResponse.fail_reason (resolution, codec, sandbox duration).",
    http=None,
    source_url=STATUS_DOCS,
)
PUBLISH_PENDING = _upstream(
    "tiktok.publish.pending",
    "The publish status did not become final within the polling deadline.",
    "Check the TikTok app inbox; the upload may still complete.",
    limits={
        "deadline_ms": PUBLISH_DEADLINE_MS,
        "poll_delays": "5 s for attempts 0-11, 30 s for attempts 12-21, 120 s from attempt 22",
    },
    code="platform_unavailable",
    http=None,
    source_url=STATUS_DOCS,
)
RATE_LIMITED = _upstream(
    "tiktok.rate_limited",
    "Upstream 429, or an error code containing rate_limit / daily_quota.",
    "Back off and retry later.",
)
USER_INFO_UNAVAILABLE = raised(
    "tiktok.user_info.unavailable",
    CONNECT,
    "GET /v2/user/info/ must return open_id.",
    "Ensure user.info.basic is provisioned; reconnect.",
    source_url="https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info",
)
CREATOR_INFO_UNAVAILABLE = raised(
    "tiktok.creator_info.unavailable",
    CONNECT,
    "The creator_info query must succeed; on failure the account is assumed to be in audit.",
    "None needed; reconnect later to refresh the privacy allow-list.",
    source_url=CREATOR_DOCS,
)

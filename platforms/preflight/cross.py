"""Rules that belong to no one platform: media references, uploads, and Meta's shared containers."""

from __future__ import annotations

from typing import Any

from platforms.preflight.spec import (
    DEEP,
    NOT_RAISED,
    RAISED,
    UPLOAD,
    UPSTREAM,
    RuleSpec,
)

MEDIA_ID_REGEX = "^med_[0-9A-Za-z]{22}$"
MAX_UPLOAD_BYTES = (
    209_715_200  # 200 MiB, the reference's per-file cap on POST /v1/media
)
META_EXPIRED_SUBCODE = 2207020
CONTAINER_TTL_HOURS = 24

MEDIA_API = "/docs/api#tag/media"
META_ERRORS = (
    "https://developers.facebook.com/docs/instagram-platform/reference/error-codes"
)


def _upload(rule_id: str, checks: str, remediation: str, **fields: Any) -> RuleSpec:
    return RuleSpec(
        rule_id,
        UPLOAD,
        checks,
        remediation,
        code="validation_failed",
        enforced=RAISED,
        source_url=MEDIA_API,
        **fields,
    )


MEDIA_UNKNOWN = RuleSpec(
    "media.unknown",
    DEEP,
    "A mediaId must exist in the caller's workspace and in the target account's profile.",
    "Re-upload under the account's profile (POST /v1/media?profileId=...) and use the new id.",
    {"media_id_regex": MEDIA_ID_REGEX},
    code="not_found",
    http=404,
    source_url=MEDIA_API,
    enforced=RAISED,
    notes="Raised while media references are resolved, before the platform rules run.",
)
MEDIA_BYTES_INLINE_UNSUPPORTED = RuleSpec(
    "media.bytes_inline_unsupported",
    DEEP,
    "bytesBase64 was refused where the platform ingests by URL (Facebook, Instagram, Threads, "
    "Pinterest image pins).",
    "Upload via POST /v1/media and reference { kind, mediaId }.",
    {"platforms": ["facebook", "instagram", "threads", "pinterest_image"]},
    source_url=MEDIA_API,
    enforced=NOT_RAISED,
    notes="Never raised here: inline bytes are stored as an upload first, so every platform "
    "can be given a URL.",
)
CONTENT_TYPE = _upload(
    "media.content_type",
    "The upload request must be multipart/form-data.",
    "Send a multipart request with a `file` part.",
)
EMPTY_BODY = _upload(
    "media.empty_body",
    "The upload request body must not be empty.",
    "Include the file part.",
)
MISSING_FILE = _upload(
    "media.missing_file",
    "A file part named `file` must be present.",
    "Name the part `file`.",
    limits={"field_name": "file"},
)
SINGLE_FILE = _upload(
    "media.single_file",
    "Only one `file` part per request.",
    "Upload files one per request.",
    limits={"max_files": 1},
)
PARSE_FAILED = _upload(
    "media.parse_failed",
    "The multipart body must parse.",
    "Fix the multipart encoding or boundary.",
)
SIZE_MAX = _upload(
    "media.size_max",
    f"A file must be at most {MAX_UPLOAD_BYTES:,} bytes.",
    "Compress it, or host it yourself and pass a url.",
    limits={"max_bytes": MAX_UPLOAD_BYTES},
    http=413,
)
META_CONTAINER_EXPIRED = RuleSpec(
    "meta.container.expired",
    UPSTREAM,
    f"Meta answered error_subcode {META_EXPIRED_SUBCODE} (or an 'expired' message) for a "
    "Facebook or Instagram call.",
    "Retry; the publish recreates its containers.",
    {
        "meta_error_subcode": META_EXPIRED_SUBCODE,
        "container_ttl_hours": CONTAINER_TTL_HOURS,
    },
    code="platform_rejected",
    http=502,
    source_url=META_ERRORS,
    enforced=RAISED,
)

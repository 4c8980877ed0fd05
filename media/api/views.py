"""`/v1/media`: upload (multipart or a URL to fetch), list, read and delete media (spec §9)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Profile
from accounts.selectors import get_profile_for_workspace
from accounts.services import get_default_profile
from letmepost.api.auth import Principal
from letmepost.api.errors import declared_length
from letmepost.api.idempotency import hold
from letmepost.api.parsers import CamelCaseJSONParser
from letmepost.api.views import ApiView
from letmepost.errors import NotFound, ValidationFailed
from letmepost.ids import parse_uuid
from media import selectors, services
from media.api.serializers import (
    MediaDeletedOut,
    MediaListOut,
    MediaOut,
    MediaUploadIn,
    MediaUrlIn,
)
from media.api.uploads import FIELD, install_gate
from media.models import Media
from media.spool import max_media_bytes, too_large

DEFAULT_LIMIT, MAX_LIMIT = 50, 100
# Room for multipart boundaries and part headers on top of the largest allowed file.
MULTIPART_SLACK = 1024 * 1024

PROFILE_ID = OpenApiParameter(
    "profileId",
    OpenApiTypes.UUID,
    description="Profile to upload into or list (workspace-wide keys; default: the default profile).",
)


def _invalid(rule: str, message: str, remediation: str) -> ValidationFailed:
    return ValidationFailed(message, rule=rule, remediation=remediation)


def _out_of_scope() -> NotFound:
    return NotFound(
        "No such profile.", resource="profile", rule="api_key.profile_scope"
    )


def _scoped_profile(principal: Principal, profile_id: str | None) -> Profile | None:
    """The profile `?profileId` names, pinned to a scoped key's own; None when absent."""
    if principal.profile is not None:
        if profile_id is not None and parse_uuid(profile_id) != principal.profile.pk:
            raise _out_of_scope()
        return principal.profile
    if profile_id is None:
        return None
    return get_profile_for_workspace(
        principal.workspace, profile_id, rule="profile.unknown"
    )


def _body_kind(request: HttpRequest) -> str:
    content_type = (request.content_type or "").lower()
    if content_type in ("multipart/form-data", "application/json"):
        return content_type
    raise _invalid(
        "media.content_type",
        f"POST /v1/media takes multipart/form-data or application/json, not {content_type or 'no content type'}.",
        'Send the file as a multipart part named `file`, or JSON {"url": "https://…"}.',
    )


def _uploaded_file(request: HttpRequest) -> UploadedFile:
    """The one `file` part, read through the upload gate."""
    limit = max_media_bytes()
    if declared_length(request) > limit + MULTIPART_SLACK:
        raise too_large(limit, "The upload")  # refused before a byte of it is read
    gate = install_gate(request, limit)
    try:
        files = request.FILES.getlist(FIELD)
    except RequestDataTooBig:
        raise too_large(limit, "The form") from None
    except (MultiPartParserError, SuspiciousOperation, UnreadablePostError) as exc:
        raise _invalid(
            "media.parse_failed",
            f"The multipart body could not be read: {exc}",
            "Send a well-formed multipart/form-data body (let your HTTP client build it).",
        ) from None
    if gate is not None and gate.too_large:
        raise too_large(limit)
    if len(files) > 1 or (gate is not None and gate.file_parts > 1):
        raise _invalid(
            "media.single_file",
            "Send exactly one part named `file`.",
            "Upload one file per request.",
        )
    if not files:
        raise _invalid(
            "media.missing_file",
            "The multipart body has no file part named `file`.",
            "Name the file part `file`.",
        )
    return files[0]


@extend_schema(tags=["media"])
class MediaListApi(ApiView):
    # Uploads and URL fetches are long: never inside one transaction (and SQLite's write lock).
    idempotency_atomic = False
    # JSON only: multipart bodies are read by Django itself, through the upload gate.
    parser_classes = [CamelCaseJSONParser]

    @extend_schema(
        operation_id="listMedia",
        parameters=[
            PROFILE_ID,
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1},
                description="Page size, default 50; values above 100 are treated as 100.",
            ),
            OpenApiParameter(
                "cursor",
                OpenApiTypes.STR,
                description="`nextCursor` of the page before.",
            ),
        ],
        responses={200: MediaListOut},
    )
    def get(self, request: Request) -> Response:
        """List media.

        A profile's uploaded media, newest first, a page at a time (`cursor`).
        """
        params = request.query_params
        limit = _limit(params.get("limit"))
        profile = _scoped_profile(self.principal, params.get("profileId"))
        qs = selectors.list_media(
            self.principal.workspace, profile, livemode=self.principal.livemode
        )
        page = list(selectors.after_cursor(qs, params.get("cursor"))[: limit + 1])
        more = len(page) > limit
        page = page[:limit]
        return Response(
            {
                "data": MediaOut(page, many=True).data,
                "nextCursor": selectors.encode_cursor(page[-1]) if more else None,
            }
        )

    @extend_schema(
        operation_id="createMedia",
        parameters=[PROFILE_ID],
        request={"multipart/form-data": MediaUploadIn, "application/json": MediaUrlIn},
        responses={201: MediaOut},
    )
    def post(self, request: Request) -> Response:
        """Upload media.

        Upload one image, video or PDF document as a multipart part named `file`, or send JSON `{"url":
        "https://…"}` to have letmepost fetch it. The type is sniffed from the bytes; anything that
        is not a JPEG, PNG, GIF, WebP, MP4, MOV or WebM is refused.
        """
        raw: HttpRequest = request._request
        principal = self.principal
        record = getattr(raw, "idempotency", None)
        if record is not None and record.resource_id:
            # The first request with this key died after creating: answer with what it made.
            existing = Media.objects.filter(
                pk=record.resource_id, workspace=principal.workspace
            ).first()
            if existing is not None:
                return Response(MediaOut(existing).data, status=201)
        if record is not None and record._state.adding:
            # Written down now: a duplicate during a long upload gets in_flight.
            hold(record)
        if declared_length(raw) == 0:
            raise _invalid(
                "media.empty_body",
                "The request body is empty.",
                "Send the file as a multipart part named `file`.",
            )
        body_kind = _body_kind(raw)
        profile = _scoped_profile(
            principal, request.query_params.get("profileId")
        ) or get_default_profile(workspace=principal.workspace)
        if body_kind == "multipart/form-data":
            media = services.ingest_upload(
                principal.workspace,
                profile,
                _uploaded_file(raw),
                livemode=principal.livemode,
            )
        else:
            data = self.validated(MediaUrlIn)
            media = services.ingest_url(
                principal.workspace, profile, data["url"], livemode=principal.livemode
            )
        if record is not None:
            hold(record, media.pk)
        return Response(MediaOut(media).data, status=201)


@extend_schema(tags=["media"])
class MediaDetailApi(ApiView):
    def media(self, media_id: str) -> Media:
        return selectors.get_media_for_workspace(
            self.principal.workspace,
            media_id,
            livemode=self.principal.livemode,
            profile=self.principal.profile,
        )

    @extend_schema(operation_id="getMedia", responses={200: MediaOut})
    def get(self, request: Request, media_id: str) -> Response:
        """Get media.

        One uploaded file: its kind, type, size, dimensions and public URL.
        """
        return Response(MediaOut(self.media(media_id)).data)

    @extend_schema(operation_id="deleteMedia", responses={200: MediaDeletedOut})
    def delete(self, request: Request, media_id: str) -> Response:
        """Delete media.

        Delete the media and its stored file; its public URL stops working.
        """
        media = services.delete_media(self.media(media_id))
        return Response({"id": media.pk, "deleted": True})


def _limit(raw: Any) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    digits = str(raw).lstrip("0") if re.fullmatch(r"[0-9]+", str(raw)) else ""
    if not digits:
        raise _invalid(
            "limit",
            "limit must be a whole number of at least 1.",
            f"Send a limit from 1 to {MAX_LIMIT}; larger values are treated as {MAX_LIMIT}.",
        )
    return MAX_LIMIT if len(digits) > 9 else min(int(digits), MAX_LIMIT)

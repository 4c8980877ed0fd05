"""Render every failure under the API as the one envelope of spec/errors.md.

Three doors lead here: `exception_handler` (DRF views), `ApiBoundaryMiddleware` (exceptions that
escape a view, Django's own error pages, oversized bodies) and `error_response` (our middleware).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions as drf

from letmepost.api.parsers import check_query
from letmepost.api.request_id import request_id_for
from letmepost.errors import (
    CATALOG,
    InternalError,
    LetmepostError,
    NotFound,
    RateLimited,
    Unauthenticated,
    Unauthorized,
    ValidationFailed,
    issue,
)

logger = logging.getLogger("letmepost.api")

API_PREFIXES = (
    "/v1/",
    "/health",
    "/posts",
    "/public/v1/",
    "/api/public/v1/",
)  # /posts: un-prefixed alias
ENVELOPE_FIELDS = (
    "rule",
    "platform",
    "platform_version",
    "platform_response",
    "remediation",
)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def is_api_path(path: str) -> bool:
    return path == "/v1" or path.startswith(API_PREFIXES)


def rule_slug(rule: str) -> str:
    return rule.replace(".", "-").lower()


def doc_url(code: str) -> str:
    return f"{settings.DOCS_BASE_URL}/errors/{code}"


def rule_url(rule: str) -> str:
    # Quoted: a `<path>.unknown` rule carries the client's field name, which may be any text.
    return f"{settings.DOCS_BASE_URL}/preflight/{quote(rule_slug(rule), safe='')}"


def envelope(exc: LetmepostError, request_id: str) -> dict[str, Any]:
    """Build `{"error": {...}}` in the documented member order, camelCase, nothing empty."""
    fields = exc.fields
    body: dict[str, Any] = {"code": exc.code, "message": exc.message}
    for name in ENVELOPE_FIELDS:
        if fields.get(name) is not None:
            body[camel(name)] = fields[name]
    body.setdefault("remediation", CATALOG[exc.code].remediation)
    body["docUrl"] = doc_url(exc.code)
    if exc.rule:
        body["ruleUrl"] = rule_url(exc.rule)
    body["requestId"] = request_id
    if violations := fields.get("violations"):
        body["violations"] = violations
    return {"error": body}


def error_response(exc: LetmepostError, request: HttpRequest) -> JsonResponse:
    response = JsonResponse(envelope(exc, request_id_for(request)), status=exc.status)
    for header, value in exc.headers().items():
        response[header] = value
    response.lmp_envelope = True  # type: ignore[attr-defined]
    return response


# --- DRF -----------------------------------------------------------------------------------


def _issues(detail: Any, path: list[str | int]) -> Iterator[dict[str, Any]]:
    """Flatten DRF's nested error detail into issues (`letmepost.errors.issue`), in field order."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            # ListField reports its members' errors keyed by their (integer) index.
            step = key if isinstance(key, int) else camel(str(key))
            sub = path if key == "non_field_errors" else [*path, step]
            yield from _issues(value, sub)
    elif isinstance(detail, list):
        if all(isinstance(item, drf.ErrorDetail) for item in detail):
            for item in detail:
                yield issue(path, str(item), item.code or "invalid")
        else:
            for index, item in enumerate(detail):
                if item:  # DRF puts {} for the valid members of a list
                    yield from _issues(item, [*path, index])
    else:
        yield issue(path, str(detail), getattr(detail, "code", "invalid"))


def validation_error(exc: drf.ValidationError) -> ValidationFailed:
    issues = list(_issues(exc.detail, []))
    first = issues[0] if issues else issue([], "Invalid request.", "invalid")
    return ValidationFailed(
        f"{first['rule']}: {first['message']}" if first["path"] else first["message"],
        rule=first["rule"],
        platform_response=issues,
        remediation="Fix the listed fields; `platformResponse` has every problem found.",
    )


# DRF's refusals of how a request is made: their own status and message, our rule and advice.
_REQUEST_REFUSALS: dict[type[drf.APIException], tuple[str, str]] = {
    drf.UnsupportedMediaType: (
        "body.content_type",
        "Send Content-Type: application/json.",
    ),
    drf.MethodNotAllowed: (
        "http.method",
        "Use one of the methods listed in the Allow header.",
    ),
    drf.NotAcceptable: ("http.accept", "Accept application/json."),
}


def translate(exc: Exception) -> LetmepostError | None:
    """Map framework exceptions onto our catalog; None means an unexpected error (a bug)."""
    if isinstance(exc, LetmepostError):
        return exc
    if isinstance(exc, drf.ValidationError):
        return validation_error(exc)
    if isinstance(exc, drf.ParseError):
        return ValidationFailed(
            f"The body is not valid JSON: {exc.detail}",
            rule="body.json",
            remediation="Send a JSON object with Content-Type: application/json.",
        )
    for kind, (rule, remediation) in _REQUEST_REFUSALS.items():
        if isinstance(exc, kind):
            return ValidationFailed(
                str(exc.detail),
                status=exc.status_code,
                rule=rule,
                remediation=remediation,
            )
    if isinstance(exc, drf.AuthenticationFailed | drf.NotAuthenticated):
        return Unauthenticated(str(exc.detail))
    if isinstance(exc, drf.PermissionDenied | PermissionDenied):
        return Unauthorized(str(getattr(exc, "detail", "")) or None)
    if isinstance(exc, drf.NotFound | Http404):
        return NotFound()
    if isinstance(exc, drf.Throttled):
        wait = getattr(exc, "wait", None)  # set by Throttled(); the stubs leave it out
        return RateLimited(retry_after=int(wait or 1))
    if isinstance(exc, RequestDataTooBig):
        return body_too_large()
    return None


def body_too_large() -> ValidationFailed:
    return ValidationFailed(
        f"The request body is larger than {settings.MAX_JSON_BYTES} bytes.",
        status=413,
        rule="body.size_max",
        remediation="Send a smaller body; upload large media with POST /v1/media.",
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
    """DRF's EXCEPTION_HANDLER: the envelope for every error a view raises."""
    error = translate(exc)
    if error is None:
        return None  # DRF re-raises; ApiBoundaryMiddleware logs it and answers 500
    request = context["request"]
    response = error_response(error, getattr(request, "_request", request))
    if isinstance(exc, drf.MethodNotAllowed) and (view := context.get("view")):
        response["Allow"] = ", ".join(view.allowed_methods)
    return response


# --- outside DRF -----------------------------------------------------------------------------

_STATUS_ERRORS: dict[int, Callable[[], LetmepostError]] = {
    400: lambda: ValidationFailed("The request could not be read.", rule="body"),
    403: lambda: Unauthorized(),
    404: lambda: NotFound(
        "No such route.",
        rule="http.route",
        remediation="Check the path against the API reference at /docs/api.",
    ),
    405: lambda: ValidationFailed(
        "Method not allowed.", status=405, rule="http.method"
    ),
    413: body_too_large,
}


class ApiBoundaryMiddleware:
    """Under API paths: cap JSON bodies, and turn any error that is not yet an envelope into one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api_path(request.path):
            return self.get_response(request)
        if declared_length(request) > settings.MAX_JSON_BYTES and not _is_multipart(
            request
        ):
            return error_response(body_too_large(), request)
        try:
            check_query(request.GET)
        except ValidationFailed as exc:
            return error_response(exc, request)
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and not getattr(response, "lmp_envelope", False)
            and not _is_json(response)
        ):
            make = _STATUS_ERRORS.get(response.status_code)
            error = (
                make()
                if make
                else InternalError(
                    status=response.status_code if response.status_code >= 500 else 500
                )
            )
            response = error_response(error, request)
        return response

    def process_exception(
        self, request: HttpRequest, exc: Exception
    ) -> HttpResponse | None:
        if not is_api_path(request.path):
            return None
        error = translate(exc)
        if error is None:
            logger.exception("unhandled error on %s %s", request.method, request.path)
            error = InternalError()
        return error_response(error, request)


def declared_length(request: HttpRequest) -> int:
    """The request's Content-Length header (0 when absent or garbled), read before the body."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _is_multipart(request: HttpRequest) -> bool:
    return request.content_type == "multipart/form-data"


def _is_json(response: HttpResponse) -> bool:
    if not response.get("Content-Type", "").startswith("application/json"):
        return False
    try:
        return "error" in json.loads(response.content)
    except (ValueError, AttributeError):
        return False


@csrf_exempt
def route_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """The catch-all under /v1: unknown routes answer the envelope, never an HTML page."""
    return error_response(_STATUS_ERRORS[404](), request)


def handler500(request: HttpRequest) -> HttpResponse:
    if is_api_path(request.path):
        return error_response(InternalError(), request)
    return HttpResponse("Internal server error.", status=500, content_type="text/plain")

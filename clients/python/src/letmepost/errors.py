"""Exceptions raised by the client: one class per error `code` of the API's envelope.

Catch `LetmepostError` for everything, or a subclass to handle one code. Every instance carries
the envelope's fields (`code`, `message`, `rule`, `remediation`, `platform`, `platform_response`,
`doc_url`, `request_id`, ...) and the HTTP `status`, so a caller can log or fix and retry.
"""

from __future__ import annotations

import json
from typing import Any


class LetmepostError(Exception):
    """An error answered by the API (or met on the way to it)."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "unexpected_response",
        status: int = 0,
        rule: str | None = None,
        remediation: str | None = None,
        platform: str | None = None,
        platform_version: str | None = None,
        platform_response: Any = None,
        doc_url: str | None = None,
        rule_url: str | None = None,
        request_id: str | None = None,
        violations: list[dict[str, Any]] | None = None,
        retry_after: float | None = None,
        envelope: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.rule = rule
        self.remediation = remediation
        self.platform = platform
        self.platform_version = platform_version
        self.platform_response = platform_response
        self.doc_url = doc_url
        self.rule_url = rule_url
        self.request_id = request_id
        self.violations = violations or []
        self.retry_after = retry_after
        self.envelope = envelope or {}

    # The wire (camelCase) names, for code ported from the TypeScript SDK or the docs.
    @property
    def platformResponse(self) -> Any:
        return self.platform_response

    @property
    def docUrl(self) -> str | None:
        return self.doc_url

    @property
    def requestId(self) -> str | None:
        return self.request_id

    def __str__(self) -> str:
        parts = [f"[{self.code}] {self.message}"]
        if self.rule:
            parts.append(f"rule: {self.rule}")
        if self.remediation:
            parts.append(f"fix: {self.remediation}")
        if self.request_id:
            parts.append(f"request: {self.request_id}")
        return " | ".join(parts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, status={self.status}, rule={self.rule!r})"


class ValidationFailedError(LetmepostError):
    """The request's shape, a batch rule or a state precondition failed: fix the request."""


class PreflightFailedError(LetmepostError):
    """A documented platform constraint failed before anything was sent to the platform."""


class PlatformAuthFailedError(LetmepostError):
    """The platform refused the stored credential: reconnect the account."""


class PlatformRejectedError(LetmepostError):
    """The platform refused the call after preflight passed."""


class PlatformUnavailableError(LetmepostError):
    """The platform was unreachable or too slow; retry later with the same Idempotency-Key."""


class PlatformNotEnabledError(LetmepostError):
    """The platform is not enabled on this installation."""


class InternalServerError(LetmepostError):
    """An unexpected server failure."""


class UnauthenticatedError(LetmepostError):
    """Missing, invalid or revoked API key."""


class UnauthorizedError(LetmepostError):
    """Authenticated, but not allowed to do this."""


class NotFoundError(LetmepostError):
    """The resource does not exist or is outside the key's scope."""


class IdempotencyConflictError(LetmepostError):
    """The Idempotency-Key was used with another body, or its first request is still running."""


class RateLimitedError(LetmepostError):
    """Too many requests; `retry_after` says how long to wait."""


class QuotaExceededError(LetmepostError):
    """The plan's monthly quota is used up."""


class ConnectionFailedError(LetmepostError):
    """The server could not be reached (DNS, refused connection, timeout)."""


ERROR_CLASSES: dict[str, type[LetmepostError]] = {
    "validation_failed": ValidationFailedError,
    "preflight_failed": PreflightFailedError,
    "platform_auth_failed": PlatformAuthFailedError,
    "platform_rejected": PlatformRejectedError,
    "platform_unavailable": PlatformUnavailableError,
    "platform_not_enabled": PlatformNotEnabledError,
    "internal_error": InternalServerError,
    "unauthenticated": UnauthenticatedError,
    "unauthorized": UnauthorizedError,
    "not_found": NotFoundError,
    "idempotency_conflict": IdempotencyConflictError,
    "rate_limited": RateLimitedError,
    "quota_exceeded": QuotaExceededError,
}


def error_from_response(
    status: int,
    body: bytes,
    *,
    request_id: str | None = None,
    retry_after: float | None = None,
) -> LetmepostError:
    """Build the exception for a non-2xx answer; a body without the envelope still raises."""
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    error = parsed.get("error") if isinstance(parsed, dict) else None
    if not isinstance(error, dict) or not isinstance(error.get("code"), str):
        text = body.decode("utf-8", "replace").strip()[:300]
        return LetmepostError(
            f"HTTP {status} without an error envelope: {text or '(empty body)'}",
            status=status,
            request_id=request_id,
            retry_after=retry_after,
        )
    cls = ERROR_CLASSES.get(error["code"], LetmepostError)
    return cls(
        str(error.get("message") or error["code"]),
        code=error["code"],
        status=status,
        rule=error.get("rule"),
        remediation=error.get("remediation"),
        platform=error.get("platform"),
        platform_version=error.get("platformVersion"),
        platform_response=error.get("platformResponse"),
        doc_url=error.get("docUrl"),
        rule_url=error.get("ruleUrl"),
        request_id=error.get("requestId") or request_id,
        violations=error.get("violations"),
        retry_after=retry_after,
        envelope=error,
    )

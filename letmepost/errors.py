"""The error catalog: every code a client can see, and the exceptions that carry them.

Raise a `LetmepostError` subclass anywhere; `letmepost.api.errors` turns it into the envelope of
spec/errors.md. Codes, statuses and rule ids are public: never rename one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int
    title: str
    meaning: str
    remediation: str
    retryable: bool


CATALOG: dict[str, ErrorCode] = {
    e.code: e
    for e in (
        ErrorCode(
            "validation_failed",
            400,
            "Validation failed",
            "The request's shape, a batch rule or a state precondition failed before any platform work.",
            "Fix the field named in `rule` and send the request again with a new Idempotency-Key.",
            False,
        ),
        ErrorCode(
            "preflight_failed",
            400,
            "Preflight failed",
            "A documented platform constraint failed before the upstream call; nothing was sent.",
            "Change the post as the rule's remediation says; `violations` lists every failed rule.",
            False,
        ),
        ErrorCode(
            "platform_auth_failed",
            401,
            "Platform authentication failed",
            "The platform refused the stored credential: expired, revoked or missing a scope.",
            "Reconnect the account, granting every scope letmepost asks for.",
            False,
        ),
        ErrorCode(
            "platform_rejected",
            502,
            "Platform rejected the request",
            "The platform refused the call after preflight passed; `platformResponse` has its answer.",
            "Read `platformResponse`; change the post or wait if the platform rate-limited you.",
            False,
        ),
        ErrorCode(
            "platform_unavailable",
            503,
            "Platform unavailable",
            "The platform could not be reached or did not answer in time. Nothing was published.",
            "Retry later with the same Idempotency-Key; scheduled posts are retried automatically.",
            True,
        ),
        ErrorCode(
            "platform_not_enabled",
            403,
            "Platform not enabled",
            "This platform is not enabled on this installation.",
            "Ask the operator to configure the platform's client credentials.",
            False,
        ),
        ErrorCode(
            "internal_error",
            500,
            "Internal error",
            "Something failed inside letmepost. It was logged with the request id.",
            "Retry once with the same Idempotency-Key; if it persists, report the requestId.",
            True,
        ),
        ErrorCode(
            "unauthenticated",
            401,
            "Unauthenticated",
            "No valid credential: the API key is missing, malformed, unknown or revoked.",
            "Send `Authorization: Bearer lmp_live_…` with an active key, or sign in.",
            False,
        ),
        ErrorCode(
            "unauthorized",
            403,
            "Unauthorized",
            "The credential is valid but may not perform this action.",
            "Use a credential with the needed role or scope.",
            False,
        ),
        ErrorCode(
            "not_found",
            404,
            "Not found",
            "The resource does not exist, or it belongs to another workspace or profile.",
            "Check the id, and that your key's workspace and profile own the resource.",
            False,
        ),
        ErrorCode(
            "idempotency_conflict",
            409,
            "Idempotency conflict",
            "The Idempotency-Key was used with another body, or its first request is still running.",
            "Reuse a key only with the identical body; wait and retry if the first is in flight.",
            False,
        ),
        ErrorCode(
            "rate_limited",
            429,
            "Rate limited",
            "Too many requests for this credential in the current window.",
            "Wait the number of seconds in Retry-After, then retry.",
            True,
        ),
        ErrorCode(
            "quota_exceeded",
            429,
            "Quota exceeded",
            "Reserved: a plan quota would be exceeded. Self-hosted installs have no quota.",
            "Wait for the quota period to reset.",
            True,
        ),
    )
}


class LetmepostError(Exception):
    """Base for every error a client may see. Raise it; never build error responses by hand.

    `fields` are the envelope's optional members in snake_case: rule, platform, platform_version,
    platform_response, remediation, violations. `status` may be overridden per instance for the
    documented exceptions (validation_failed as 404/409/413, platform_unavailable as 504).
    """

    code: ClassVar[str] = "internal_error"
    template: ClassVar[str] = "An unexpected error occurred."
    retryable: ClassVar[bool] = (
        False  # True only if the platform certainly did not publish
    )

    def __init__(
        self, message: str | None = None, *, status: int | None = None, **fields: Any
    ) -> None:
        self.fields = {k: v for k, v in fields.items() if v is not None}
        self.message = message or self.template.format(**fields)
        self.status = status or CATALOG[self.code].status
        super().__init__(self.message)

    @property
    def rule(self) -> str | None:
        return self.fields.get("rule")

    def headers(self) -> dict[str, str]:
        return {}


class ValidationFailed(LetmepostError):
    code = "validation_failed"
    template = "The request is invalid."


IssuePath = Sequence[str | int]


def dotted(path: IssuePath) -> str:
    """`["targets", 0, "accountId"]` → `targets.0.accountId`: the form of `rule`; root is `body`."""
    return ".".join(map(str, path)) or "body"


def issue(path: IssuePath, message: str, code: str, **extra: str) -> dict[str, Any]:
    """One entry of a `validation_failed` error's `platformResponse`, in letmepost.dev's (Zod's)
    shape: `path` lists the keys and integer indexes from the body's root (`[]` is the body
    itself). `rule` is what the error's `rule` is when this issue comes first: by default the
    path dotted (`targets.0.accountId`), or a named rule passed in `extra`."""
    return {
        "path": list(path),
        "message": message,
        "code": code,
        "rule": dotted(path),
        **extra,
    }


class PreflightFailed(LetmepostError):
    code = "preflight_failed"
    template = "The post breaks a platform rule."


class PlatformAuthFailed(LetmepostError):
    code = "platform_auth_failed"
    template = "The platform refused the account's credentials."


class PlatformRejected(LetmepostError):
    code = "platform_rejected"
    template = "The platform rejected the request."


class PlatformUnavailable(LetmepostError):
    """The platform certainly did not publish (refused connection, 5xx before acceptance)."""

    code = "platform_unavailable"
    template = "The platform could not be reached."
    retryable = True


class PlatformRateLimited(PlatformRejected):
    """The platform said "slow down"; nothing was published, so a later attempt is safe."""

    template = "The platform rate-limited this account."
    retryable = True

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_after: int | None = None,
        **fields: Any,
    ) -> None:
        super().__init__(message, **fields)
        self.retry_after = retry_after


class PublishOutcomeUnknown(PlatformUnavailable):
    """The request was sent and no answer came: it may have been applied. Never retried blindly."""

    template = "The platform did not confirm whether the post was published."
    retryable = False

    def __init__(self, message: str | None = None, **fields: Any) -> None:
        fields.setdefault("rule", "publish.outcome_unknown")
        super().__init__(message, **fields)


class PlatformNotEnabled(LetmepostError):
    code = "platform_not_enabled"
    template = "{platform} is not enabled on this installation."


class InternalError(LetmepostError):
    code = "internal_error"


class Unauthenticated(LetmepostError):
    code = "unauthenticated"
    template = "Authentication required."

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="letmepost"'}


class Unauthorized(LetmepostError):
    code = "unauthorized"
    template = "You are not allowed to do this."


class NotFound(LetmepostError):
    code = "not_found"
    template = "No such {resource}."

    def __init__(
        self, message: str | None = None, *, resource: str = "resource", **fields: Any
    ) -> None:
        super().__init__(message, resource=resource, **fields)
        self.fields.pop("resource", None)


class IdempotencyConflict(LetmepostError):
    code = "idempotency_conflict"
    template = "This Idempotency-Key was already used."


class RateLimited(LetmepostError):
    code = "rate_limited"
    template = "Rate limit exceeded."
    retryable = True

    def __init__(
        self, message: str | None = None, *, retry_after: int, **fields: Any
    ) -> None:
        super().__init__(message, **fields)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class QuotaExceeded(LetmepostError):
    code = "quota_exceeded"
    template = "Quota exceeded."


ERROR_CLASSES: dict[str, type[LetmepostError]] = {
    cls.code: cls
    for cls in (
        ValidationFailed,
        PreflightFailed,
        PlatformAuthFailed,
        PlatformRejected,
        PlatformUnavailable,
        PlatformNotEnabled,
        InternalError,
        Unauthenticated,
        Unauthorized,
        NotFound,
        IdempotencyConflict,
        RateLimited,
        QuotaExceeded,
    )
}
assert set(ERROR_CLASSES) == set(CATALOG), (
    "every catalog code needs exactly one exception class"
)

"""letmepost: the Python SDK of the letmepost publishing API (and the `letmepost` CLI)."""

from letmepost import webhooks
from letmepost._http import RetryPolicy, new_idempotency_key
from letmepost._version import __version__
from letmepost.client import Letmepost
from letmepost.errors import (
    ConnectionFailedError,
    IdempotencyConflictError,
    InternalServerError,
    LetmepostError,
    NotFoundError,
    PlatformAuthFailedError,
    PlatformNotEnabledError,
    PlatformRejectedError,
    PlatformUnavailableError,
    PreflightFailedError,
    QuotaExceededError,
    RateLimitedError,
    UnauthenticatedError,
    UnauthorizedError,
    ValidationFailedError,
)

__all__ = [
    "ConnectionFailedError",
    "IdempotencyConflictError",
    "InternalServerError",
    "Letmepost",
    "LetmepostError",
    "NotFoundError",
    "PlatformAuthFailedError",
    "PlatformNotEnabledError",
    "PlatformRejectedError",
    "PlatformUnavailableError",
    "PreflightFailedError",
    "QuotaExceededError",
    "RateLimitedError",
    "RetryPolicy",
    "UnauthenticatedError",
    "UnauthorizedError",
    "ValidationFailedError",
    "__version__",
    "new_idempotency_key",
    "webhooks",
]

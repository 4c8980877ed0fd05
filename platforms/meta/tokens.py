"""Long-lived user tokens for Instagram and Threads: the swap at connect, the refresh later.

Both hosts answer `GET /access_token?grant_type=<ig|th>_exchange_token&client_secret&access_token`
and `GET /refresh_access_token?grant_type=<ig|th>_refresh_token&access_token` with
`{"access_token", "token_type", "expires_in"}` (60 days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from letmepost.errors import (
    LetmepostError,
    PlatformAuthFailed,
    PlatformRateLimited,
    PlatformRejected,
    PlatformUnavailable,
)
from platforms.meta.client import GraphClient


@dataclass(frozen=True)
class LongLived:
    access_token: str
    expires_at: datetime | None


def _long_lived(body: dict, client: GraphClient, rule: str) -> LongLived:
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise PlatformAuthFailed(
            f"{client.platform} answered without a long-lived token.",
            status=502,
            **client.fields(rule=rule, platform_response=_without_token(body)),
        )
    expires_in = body.get("expires_in")
    expires_at = (
        timezone.now() + timedelta(seconds=float(expires_in))
        if isinstance(expires_in, int | float)
        else None
    )
    return LongLived(token, expires_at)


def _without_token(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "access_token"}


def as_account_error(
    exc: LetmepostError, client: GraphClient, rule: str, what: str
) -> None:
    """Re-raise a Graph failure as the connect/refresh error it means for the account."""
    if isinstance(exc, PlatformRateLimited | PlatformUnavailable):
        raise PlatformUnavailable(
            f"{client.platform} could not {what} right now: {exc.message}",
            **client.fields(
                rule=rule, platform_response=exc.fields.get("platform_response")
            ),
        ) from None
    if isinstance(exc, PlatformAuthFailed | PlatformRejected):
        raise PlatformAuthFailed(
            f"{client.platform} refused to {what}: {exc.message}",
            status=502,
            **client.fields(
                rule=rule, platform_response=exc.fields.get("platform_response")
            ),
            remediation="Connect the account again.",
        ) from None
    raise exc


def exchange_long_lived(
    client: GraphClient,
    *,
    grant_type: str,
    client_secret: str,
    short_token: str,
    rule: str,
) -> LongLived:
    try:
        body = client.get(
            "access_token",
            {
                "grant_type": grant_type,
                "client_secret": client_secret,
                "access_token": short_token,
            },
            versioned=False,
        )
    except LetmepostError as exc:
        as_account_error(exc, client, rule, "issue a long-lived token")
        raise
    return _long_lived(body, client, rule)


def refresh_long_lived(
    client: GraphClient, *, grant_type: str, token: str, rule: str
) -> LongLived:
    try:
        body = client.get(
            "refresh_access_token",
            {"grant_type": grant_type, "access_token": token},
            versioned=False,
        )
    except LetmepostError as exc:
        as_account_error(exc, client, rule, "refresh the token")
        raise
    return _long_lived(body, client, rule)

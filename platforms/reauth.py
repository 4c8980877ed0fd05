"""An account whose token the platform revoked is flagged for reconnecting where that shows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from letmepost.errors import PlatformAuthFailed
from platforms.models import PlatformAccount


@contextmanager
def flag_if_revoked(
    account: PlatformAccount, revoked: Callable[[PlatformAuthFailed], bool]
) -> Iterator[None]:
    """Let every auth failure through; one that `revoked` recognises (each platform says so in
    its own words) also marks the account needs_reauth, so scheduling stops using it."""
    try:
        yield
    except PlatformAuthFailed as exc:
        if revoked(exc):
            # Imported here: platforms.services imports the adapters that import this module.
            from platforms.services import mark_needs_reauth

            mark_needs_reauth(
                account=account, reason="revoked_upstream", message=exc.message
            )
        raise


def answer(exc: PlatformAuthFailed) -> dict[str, Any]:
    """The platform's JSON answer carried by the failure, {} when it was not an object."""
    body = exc.fields.get("platform_response")
    return body if isinstance(body, dict) else {}

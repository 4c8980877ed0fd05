"""The event types of spec/webhooks.md §1. Type strings are a public contract: never rename one.

Only types letmepost emits are listed: the reference's eight billing and quota types
(`subscription.*`, `quota.*`, `billing.*`) are gone, as there is no billing (issue #21).
"""

from __future__ import annotations

# Every type an endpoint may subscribe to, in the reference's canonical order.
EVENT_TYPES: tuple[str, ...] = (
    "post.queued",
    "post.validated",
    "post.published",
    "post.rejected",
    "post.failed",
    "post.canceled",
    "post.rescheduled",
    "token.expiring",
    "token.revoked",
    "version.deprecated",
)
POST_TYPES: tuple[str, ...] = tuple(t for t in EVENT_TYPES if t.startswith("post."))

"""The event types of spec/webhooks.md §1. Type strings are a public contract: never rename one.

Note `post.canceled` (one L) beside `subscription.cancelled` (two Ls): both spellings are the
reference's and stay as they are.
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
    "subscription.activated",
    "subscription.cancelled",
    "subscription.tier_changed",
    "quota.warning",
    "quota.exceeded",
    "billing.payment_failed",
    "billing.delinquent",
    "billing.recovered",
)

# Billing is not built (D16): these may be subscribed to and test-sent, never emitted.
RESERVED_TYPES: frozenset[str] = frozenset(EVENT_TYPES[10:])
EMITTED_TYPES: tuple[str, ...] = tuple(
    t for t in EVENT_TYPES if t not in RESERVED_TYPES
)
POST_TYPES: tuple[str, ...] = tuple(t for t in EVENT_TYPES if t.startswith("post."))

"""Publishing in-request: commit the write that leases targets to its caller, then publish them.

Creating a post without `scheduledAt`, promoting a draft with `publishNow` and retrying a failed
post lease their targets to the caller instead of leaving them to the dispatcher. The lease must
be committed before any platform is called (the fan-out runs on other connections), and it must
always be published after: a lease nobody publishes waits out its `LEASE_SECONDS`. Every surface
(the API, the dashboard, onboarding, the Postiz API) goes through `commit_then_publish`, so no
caller can do one step without the other; `tests/posts/test_publishing.py` keeps it that way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from django.db import transaction

from posts.dispatch import publish_now
from posts.leases import Claim


class Leasing(Protocol):
    """What a write returns: the targets it leased to the caller (none when scheduled)."""

    @property
    def claims(self) -> list[Claim]: ...


W = TypeVar("W", bound=Leasing)


def commit_then_publish(
    write: Callable[[], W], *, in_commit: Callable[[W], object] | None = None
) -> W:
    """Run `write` in one transaction, then publish what it leased; returns its result.

    `in_commit(result)` runs inside the same transaction, after the write: for what must be
    committed with it or not at all (the request's idempotency record). Precondition: not inside
    a caller's transaction, which would hold the lease uncommitted while the platform is called.
    """
    with transaction.atomic():
        result = write()
        if in_commit is not None:
            in_commit(result)
    publish_now(result.claims)
    return result

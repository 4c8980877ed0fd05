"""One dispatch tick: claim what is due and hand it to whoever publishes or delivers it.

Three callers, one function: the embedded runner (its own thread pools), `manage.py
run_dispatcher` (Celery workers, one message per batch; the precise path) and Celery beat's
`posts.dispatch_due` (the safety net: due posts still go out, at beat's precision, when no
dispatcher runs). Claims are compare-and-set leases, so any number of these may tick at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections

from posts.dispatch import claim_due
from posts.leases import Claim
from webhooks.delivery import DeliveryClaim, claim_due_deliveries

logger = logging.getLogger("letmepost.dispatch")


@dataclass(frozen=True)
class Ticked:
    posts: int
    deliveries: int
    more: bool  # a batch came back full: more may be due, tick again at once


def tick(
    *,
    publish: Callable[[list[Claim]], object],
    deliver: Callable[[DeliveryClaim], object],
    publish_limit: int | None = None,
    deliver_limit: int | None = None,
) -> Ticked:
    """Claim up to a batch (or the given limit) of targets and of webhook deliveries.

    The targets go to `publish` as one list (one batch: see posts/batch.py), deliveries one by one.
    """
    batch = settings.DISPATCH_BATCH
    posts_limit = batch if publish_limit is None else min(publish_limit, batch)
    claims = claim_due(limit=posts_limit) if posts_limit > 0 else []
    if claims:
        publish(claims)
    hooks_limit = batch if deliver_limit is None else min(deliver_limit, batch)
    deliveries = claim_due_deliveries(limit=hooks_limit) if hooks_limit > 0 else []
    for delivery in deliveries:
        deliver(delivery)
    full = 0 < posts_limit == len(claims) or 0 < hooks_limit == len(deliveries)
    return Ticked(len(claims), len(deliveries), full)


def run(
    step: Callable[[], Ticked],
    *,
    stop: threading.Event,
    interval: float,
    wake: threading.Event | None = None,
) -> None:
    """Tick until `stop` is set: again at once after a full batch (a burst is claimed in one
    go) or when `wake` is set (a worker came free), else after `interval`. A database or broker
    blip never ends the loop: claims it could not hand over are reclaimed when their lease runs
    out. Whoever sets `stop` sets `wake` too."""
    wake = wake or stop
    while not stop.is_set():
        more = False
        try:
            more = step().more
        except Exception:
            logger.exception("dispatch tick failed; retrying")
            stop.wait(min(5.0, interval * 10))
        finally:
            close_old_connections()
        if not more and wake.wait(interval) and wake is not stop:
            wake.clear()

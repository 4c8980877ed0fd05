"""The embedded runner: one thread doing in-process what the dispatcher, workers and beat do in
production — the same dispatch tick (posts/tick.py), each claimed batch published by
`posts.batch.publish_batch` (platform calls on a thread pool), webhook deliveries on another pool,
and the maintenance table."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connections

from letmepost.maintenance import JobClock

if TYPE_CHECKING:
    from posts.tick import Ticked

logger = logging.getLogger("letmepost.runner")


# Claims held at once per publishing thread: enough for a burst to be claimed ahead.
CLAIMS_PER_WORKER = 64
# Batches in flight at once, each on a thread that mostly waits: a tick hands over at most one,
# so this covers a claim-ahead window of ticks plus a burst's back-to-back full batches.
BATCHES_IN_FLIGHT = 64


def _publish(claims: list[Any], io: ThreadPoolExecutor) -> None:
    from posts.batch import publish_batch

    try:
        publish_batch(claims, io)
    except Exception:
        # Claims it could not finish are reclaimed when their lease runs out.
        logger.exception("publishing a batch of %d failed unexpectedly", len(claims))
    finally:
        connections.close_all()


class EmbeddedRunner:
    def __init__(
        self, interval: float | None = None, workers: int | None = None
    ) -> None:
        self.interval = interval or settings.DISPATCH_INTERVAL_SECONDS
        self.clock = JobClock()
        self.workers = workers or settings.EMBEDDED_WORKERS
        self.capacity = self.workers * CLAIMS_PER_WORKER
        self._busy = 0  # claims handed over and not finished
        self._busy_lock = threading.Lock()
        self.pool = ThreadPoolExecutor(
            max_workers=self.workers,
            thread_name_prefix="publish",
        )
        # One thread per batch in flight: it waits for instants and records; `pool` calls out.
        self.batches = ThreadPoolExecutor(
            max_workers=BATCHES_IN_FLIGHT, thread_name_prefix="publish-batch"
        )
        from webhooks.runner import EmbeddedDeliverer

        # Webhooks get their own pool: a slow receiver never delays publishing.
        self.webhooks = EmbeddedDeliverer()
        self._stop = threading.Event()
        self._wake = (
            threading.Event()
        )  # a publish finished: a worker is free to claim for
        self._thread = threading.Thread(
            target=self._loop, name="letmepost-runner", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        """Stop claiming, then let in-flight publishes finish so none is cut off mid-call."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        self.batches.shutdown(wait=True)
        self.pool.shutdown(wait=True)
        self.webhooks.stop()

    def tick(self) -> Ticked:
        from posts.tick import tick

        # Claim no more than the runner holds at once: a claim queued behind too many others
        # would age towards its lease while another process could publish it.
        with self._busy_lock:
            free = self.capacity - self._busy
        ticked = tick(
            publish=self._submit,
            deliver=self.webhooks.submit,
            publish_limit=free,
            deliver_limit=self.webhooks.idle(),
        )
        self.clock.run_due()
        return ticked

    def _submit(self, claims: list[Any]) -> None:
        with self._busy_lock:
            self._busy += len(claims)
        self.batches.submit(self._publish_and_release, claims)

    def _publish_and_release(self, claims: list[Any]) -> None:
        try:
            _publish(claims, self.pool)
        finally:
            with self._busy_lock:
                self._busy -= len(claims)
            self._wake.set()

    def _loop(self) -> None:
        from posts.tick import run

        logger.info("embedded runner started (tick every %.2fs)", self.interval)
        run(self.tick, stop=self._stop, interval=self.interval, wake=self._wake)

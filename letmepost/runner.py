"""The embedded runner: one thread doing in-process what the dispatcher, workers and beat do in
production — the same dispatch tick (posts/tick.py), publishes on a thread pool, webhook
deliveries on another, and the maintenance table."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connections

from letmepost.maintenance import JobClock

if TYPE_CHECKING:
    from posts.tick import Ticked

logger = logging.getLogger("letmepost.runner")


def _publish(claim: object) -> None:
    from posts.dispatch import publish_claimed

    try:
        publish_claimed(claim)  # type: ignore[arg-type]
    except Exception:
        logger.exception("publishing %s failed unexpectedly", claim)
    finally:
        connections.close_all()


class EmbeddedRunner:
    def __init__(
        self, interval: float | None = None, workers: int | None = None
    ) -> None:
        self.interval = interval or settings.DISPATCH_INTERVAL_SECONDS
        self.clock = JobClock()
        self.workers = workers or settings.EMBEDDED_WORKERS
        self._busy = 0
        self._busy_lock = threading.Lock()
        self.pool = ThreadPoolExecutor(
            max_workers=self.workers,
            thread_name_prefix="publish",
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
        self.pool.shutdown(wait=True)
        self.webhooks.stop()

    def tick(self) -> Ticked:
        from posts.tick import tick

        # Claim only what idle workers can start (or wait for, when claimed ahead): a claim left
        # queued in the pool would age towards its lease while another worker could publish it.
        with self._busy_lock:
            free = self.workers - self._busy
        ticked = tick(
            publish=self._submit,
            deliver=self.webhooks.submit,
            publish_limit=free,
            deliver_limit=self.webhooks.idle(),
        )
        self.clock.run_due()
        return ticked

    def _submit(self, claim: object) -> None:
        with self._busy_lock:
            self._busy += 1
        self.pool.submit(self._publish_and_release, claim)

    def _publish_and_release(self, claim: object) -> None:
        try:
            _publish(claim)
        finally:
            with self._busy_lock:
                self._busy -= 1
            self._wake.set()

    def _loop(self) -> None:
        from posts.tick import run

        logger.info("embedded runner started (tick every %.2fs)", self.interval)
        run(self.tick, stop=self._stop, interval=self.interval, wake=self._wake)

"""The embedded runner: one thread doing in-process what the dispatcher, workers and beat do in
production — claim due targets, publish them on a small pool, run the maintenance table."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connections

from letmepost.maintenance import JobClock

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
        self._thread = threading.Thread(
            target=self._loop, name="letmepost-runner", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        """Stop claiming, then let in-flight publishes finish so none is cut off mid-call."""
        self._stop.set()
        self._thread.join(timeout)
        self.pool.shutdown(wait=True)
        self.webhooks.stop()

    def tick(self) -> int:
        from posts.dispatch import claim_due

        # Claim only what idle workers can start now: a claim left waiting in the pool would
        # age towards its lease while another target could have been published.
        with self._busy_lock:
            free = self.workers - self._busy
        claims = claim_due(limit=free) if free > 0 else []
        for claim in claims:
            with self._busy_lock:
                self._busy += 1
            self.pool.submit(self._publish_and_release, claim)
        self.webhooks.tick()
        self.clock.run_due()
        return len(claims)

    def _publish_and_release(self, claim: object) -> None:
        try:
            _publish(claim)
        finally:
            with self._busy_lock:
                self._busy -= 1

    def _loop(self) -> None:
        logger.info("embedded runner started (tick every %.2fs)", self.interval)
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:
                logger.exception("runner tick failed")
            finally:
                close_old_connections()
            self._stop.wait(self.interval)

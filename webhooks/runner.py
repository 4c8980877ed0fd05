"""Webhook deliveries inside the embedded runner (`manage.py serve`).

They get their own small thread pool so a slow receiver (up to the 10 s timeout per attempt)
can never hold up publishing, and the dispatch tick (posts/tick.py) claims only as many as there
are idle threads, so no lease ages in a queue.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings

from webhooks.delivery import DeliveryClaim, deliver_claimed_safely


class EmbeddedDeliverer:
    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or settings.WEBHOOKS_EMBEDDED_WORKERS
        self.pool = ThreadPoolExecutor(
            max_workers=self.workers, thread_name_prefix="webhook"
        )
        self._busy = 0
        self._lock = threading.Lock()

    def _done(self, _: Future) -> None:
        with self._lock:
            self._busy -= 1

    def idle(self) -> int:
        """Threads free to start a delivery now: the most the tick may claim for this pool."""
        with self._lock:
            return self.workers - self._busy

    def submit(self, claim: DeliveryClaim) -> None:
        with self._lock:
            self._busy += 1
        self.pool.submit(deliver_claimed_safely, claim).add_done_callback(self._done)

    def stop(self) -> None:
        """Let in-flight attempts finish (each is bounded by the timeout)."""
        self.pool.shutdown(wait=True)

"""The embedded runner: one background thread doing in-process what beat and workers do in production."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections

from letmepost.maintenance import JobClock

logger = logging.getLogger("letmepost.runner")


class EmbeddedRunner:
    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.clock = JobClock()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name="letmepost-runner", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        logger.info("embedded runner started (tick every %.1fs)", self.interval)
        while not self._stop.is_set():
            try:
                self.clock.run_due()
            except Exception:
                logger.exception("runner tick failed")
            finally:
                close_old_connections()
            self._stop.wait(self.interval)

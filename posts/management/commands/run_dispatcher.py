"""`manage.py run_dispatcher`: claim due targets and hand them to Celery workers (production).

Run one or more anywhere; claims are compare-and-set, so replicas never double-publish. Targets
falling due within `LETMEPOST_DISPATCH_AHEAD_MS` are claimed ahead: a worker waits for the instant.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from posts.tasks import celery_tick
from posts.tick import run


class Command(BaseCommand):
    help = "Dispatch due posts to Celery workers until stopped (SIGTERM/SIGINT)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--interval", type=float, default=settings.DISPATCH_INTERVAL_SECONDS
        )

    def handle(self, *args: Any, interval: float, **options: Any) -> None:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"dispatcher polling every {interval:.2f}s")
        run(celery_tick, stop=stop, interval=interval)

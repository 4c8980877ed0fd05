"""`manage.py run_dispatcher`: claim due targets and hand them to Celery workers (production).

Run one or more anywhere; claims are compare-and-set, so replicas never double-publish.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from posts.dispatch import claim_due
from posts.tasks import publish_target_task
from webhooks.tasks import dispatch_due_deliveries

logger = logging.getLogger("letmepost.dispatch")


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
        while not stop.is_set():
            try:
                for claim in claim_due():
                    publish_target_task.delay(str(claim.target_id), claim.token)
                dispatch_due_deliveries()  # webhooks: same loop, webhooks.deliver tasks
            except Exception:
                # A broker or database blip must not end the dispatcher: claims it could not
                # hand over are reclaimed when their lease runs out. Back off, then go on.
                logger.exception("dispatch tick failed; retrying")
                stop.wait(min(5.0, interval * 10))
            finally:
                close_old_connections()
            stop.wait(interval)

"""`manage.py serve`: migrate, start the embedded runner, and serve HTTP with uvicorn."""

from __future__ import annotations

import signal
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand

from letmepost.management.migrate_lock import migrate_under_lock
from letmepost.runner import EmbeddedRunner


def _exit_normally(signum: int, frame: Any) -> None:
    raise SystemExit(0)


class Command(BaseCommand):
    help = "Run the whole service in one process: HTTP API, dashboard and the in-process runner."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=settings.HOST)
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument(
            "--no-runner",
            action="store_true",
            help="Serve HTTP only (production web replicas).",
        )

    def handle(
        self, *args: Any, host: str, port: int, no_runner: bool, **options: Any
    ) -> None:
        for folder in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
            folder.mkdir(parents=True, exist_ok=True)
        migrate_under_lock()
        runner = None if no_runner else EmbeddedRunner()
        if runner:
            runner.start()
        self.stdout.write(
            f"letmepost serving on http://{host}:{port} (public URL {settings.PUBLIC_URL})"
        )
        try:
            # uvicorn shuts down gracefully on SIGTERM, then re-raises it to the previous handler;
            # with the default one the process dies there and the runner is cut off mid-tick.
            signal.signal(signal.SIGTERM, _exit_normally)
            uvicorn.run(
                "letmepost.asgi:application",
                host=host,
                port=port,
                lifespan="on",  # the MCP endpoint runs its session manager in it
                log_level=settings.LOG_LEVEL.lower(),
                log_config=None,  # uvicorn's records go through LOGGING (JSON in production)
                proxy_headers=False,
            )
        finally:
            if runner:
                runner.stop()

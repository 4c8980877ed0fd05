"""`manage.py serve`: migrate, start the embedded runner, and serve HTTP with uvicorn."""

from __future__ import annotations

from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from letmepost.runner import EmbeddedRunner


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
        call_command("migrate", interactive=False, verbosity=0)
        runner = None if no_runner else EmbeddedRunner()
        if runner:
            runner.start()
        self.stdout.write(
            f"letmepost serving on http://{host}:{port} (public URL {settings.PUBLIC_URL})"
        )
        try:
            uvicorn.run(
                "letmepost.asgi:application",
                host=host,
                port=port,
                lifespan="off",
                log_level=settings.LOG_LEVEL.lower(),
                proxy_headers=False,
            )
        finally:
            if runner:
                runner.stop()

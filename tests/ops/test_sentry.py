"""SENTRY_DSN: off when unset; when set, events reach the server without personal data."""

from __future__ import annotations

import gzip
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import django, sentry_sdk
django.setup()
print("active" if sentry_sdk.get_client().is_active() else "inactive")
try:
    raise RuntimeError("upstream refused lmp_live_0123456789abcdefSECRET")
except RuntimeError:
    sentry_sdk.capture_exception()
sentry_sdk.flush(5)
"""


class _Collector(http.server.BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            import brotli  # type: ignore[import-not-found]

            body = brotli.decompress(body)
        type(self).bodies.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def _run(tmp_path: Path, **extra: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    env.update(
        DJANGO_SETTINGS_MODULE="letmepost.settings",
        LETMEPOST_DATA_DIR=str(tmp_path),
        **extra,
    )
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603 - our interpreter, a fixed script
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_unset_dsn_leaves_sentry_off(tmp_path: Path) -> None:
    assert _run(tmp_path) == "inactive"


def test_events_carry_no_secret(tmp_path: Path) -> None:
    _Collector.bodies = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_address[1]}/1"
        assert _run(tmp_path, SENTRY_DSN=dsn) == "active"
    finally:
        server.shutdown()
        server.server_close()
    sent = b"".join(_Collector.bodies)
    assert b"upstream refused" in sent  # the event arrived
    assert b"SECRET" not in sent and b"lmp_live_0123" not in sent

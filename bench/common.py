"""Shared bench plumbing: start the embedded server, bootstrap a key, talk HTTP over loopback.

Nothing here reaches beyond 127.0.0.1. Every wait is bounded in time, every loop in count.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
READY_WAIT = 60  # seconds for `serve` to answer /health
COMMAND_TIMEOUT = 120  # seconds for `manage.py bootstrap`
BOOTSTRAP_ARGS = ("--email", "bench@example.com", "--password", "bench-password-123")


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "min": min(values),
        "p50": statistics.median(values),
        "p99": percentile(values, 0.99),
        "max": max(values),
    }


def iso_z(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """Embedded mode on a fresh data dir: no service URLs, no LETMEPOST_* from the caller's shell
    except the engine knobs a bench run may set on purpose."""
    keep = (
        "LETMEPOST_EMBEDDED_WORKERS",
        "LETMEPOST_DISPATCH_INTERVAL_MS",
        "LETMEPOST_DISPATCH_BATCH",
        "LETMEPOST_DISPATCH_AHEAD_MS",
        "LETMEPOST_WORKER_CONCURRENCY",
        "LETMEPOST_WORKER_DB_POOL_SIZE",
        "LETMEPOST_WEB_WORKERS",
        "LETMEPOST_WEB_THREADS",
    )
    env = {
        name: value
        for name, value in os.environ.items()
        if name
        not in (
            "DATABASE_URL",
            "REDIS_URL",
            "CELERY_BROKER_URL",
            "DJANGO_SETTINGS_MODULE",
        )
        and (not name.startswith("LETMEPOST_") or name in keep)
    }
    env.update(
        DJANGO_SETTINGS_MODULE="letmepost.settings",
        LETMEPOST_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
        # The default limit (120 requests/min per key) would throttle the bench within a second.
        LETMEPOST_RATE_LIMIT="10000000",
        # One access-log line per request would be measured too; errors still show up.
        LETMEPOST_LOG_LEVEL="warning",
    )
    env.update(overrides)
    return env


class Client:
    """One keep-alive HTTP/1.1 connection per thread to the server."""

    def __init__(self, port: int, key: str) -> None:
        self.port = port
        self.key = key
        self._local = threading.local()

    def _conn(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self._local.conn = conn
        return conn

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        hdrs = {"Authorization": f"Bearer {self.key}", **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        for retry in (False, True):
            conn = self._conn()
            try:
                conn.request(method, path, body=data, headers=hdrs)
                response = conn.getresponse()
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                self._local.conn = None
                if retry:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()


@dataclass
class Server:
    data_dir: Path
    port: int
    process: subprocess.Popen[bytes]
    key: str = ""
    accounts: list[str] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return self.data_dir / "db.sqlite3"

    def client(self) -> Client:
        return Client(self.port, self.key)

    def read_db(self) -> sqlite3.Connection:
        """A read-only connection to the server's SQLite file (WAL: reads never block it)."""
        return sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=10)


def _healthy(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/health")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


@contextmanager
def running(
    command: list[str],
    *,
    env: dict[str, str],
    port: int,
    log_path: Path,
    ready_wait: float = READY_WAIT,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `command` in its own session and wait for /health on `port`; stop it on the way out."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own commands
            command,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + ready_wait
            while not _healthy(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{' '.join(command)} did not come up:\n"
                        + log_path.read_text()[-2000:]
                    )
                time.sleep(0.1)
            yield process
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)


def bootstrap_key(env: dict[str, str]) -> str:
    """A fresh API key from `manage.py bootstrap` (the bench user, created on first use)."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "bootstrap", *BOOTSTRAP_ARGS],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])["apiKey"]


@contextmanager
def embedded_server(
    *, accounts: int, keep_data: bool = False, **env_overrides: str
) -> Iterator[Server]:
    """`manage.py serve` on a free port and a temp data dir, bootstrapped, with sandbox accounts."""
    data_dir = Path(tempfile.mkdtemp(prefix="letmepost-bench-"))
    env = bench_env(data_dir, **env_overrides)
    port = free_port()
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        with running(
            [sys.executable, "manage.py", "serve"],
            env={**env, "LETMEPOST_PORT": str(port)},
            port=port,
            log_path=data_dir / "serve.log",
        ) as process:
            server = Server(data_dir=data_dir, port=port, process=process)
            server.key = bootstrap_key(env)
            connect_sandbox_accounts(server, accounts)
            yield server
    finally:
        signal.signal(signal.SIGTERM, previous)
        if keep_data:
            say(f"data dir kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def connect_sandbox_accounts(server: Server, count: int) -> None:
    """`count` sandbox accounts (handles bench-00, bench-01, …) into `server.accounts`."""
    client = server.client()
    for n in range(count):
        status, body = client.request(
            "POST",
            "/v1/accounts/connect/sandbox/complete",
            {"handle": f"bench-{n:02d}"},
        )
        assert status in (200, 201), body
        server.accounts.append(body["id"])
    client.close()


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def parse_db_time(value: str) -> datetime:
    """Django stores SQLite datetimes as UTC text: 'YYYY-MM-DD HH:MM:SS[.ffffff]'."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC)

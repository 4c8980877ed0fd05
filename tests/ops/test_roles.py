"""Each container role, started outside Docker in production mode, really starts.

The roles run through bin/docker-entrypoint exactly as the image runs them, against the real
PostgreSQL (a throwaway database) and Redis (db 14) on loopback: migrate exits 0, web answers
/health, dispatcher, worker and beat print their ready lines. Skipped when PostgreSQL or Redis is
not reachable, except in CI's production-services stage, where that is a failure.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = str(ROOT / "bin" / "docker-entrypoint")
PG = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)
READY = {
    "dispatcher": "dispatcher polling every",
    "worker": " ready.",
    "beat": "beat: Starting...",
}


def _reachable(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _services_required() -> bool:
    """In CI's production-services stage (DATABASE_URL on PostgreSQL) a missing service fails;
    the embedded stage runs before .ci/run starts the services, so there it may skip."""
    return os.environ.get("CI") == "true" and os.environ.get(
        "DATABASE_URL", ""
    ).startswith(("postgres://", "postgresql://"))


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    if not (_reachable(PG) and _reachable(REDIS)):
        if _services_required():
            pytest.fail("PostgreSQL or Redis is not reachable on 127.0.0.1")
        pytest.skip("PostgreSQL and Redis are needed on 127.0.0.1")
    import psycopg

    name = f"letmepost_roles_{secrets.token_hex(4)}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(database_url: str, tmp: Path, port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LETMEPOST_", "CELERY_"))
    }
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        DJANGO_SETTINGS_MODULE="letmepost.settings",
        DATABASE_URL=database_url,
        REDIS_URL="redis://127.0.0.1:6379/14",  # the entrypoint derives CELERY_BROKER_URL
        LETMEPOST_SECRET_KEY=secrets.token_urlsafe(50),
        LETMEPOST_ENCRYPTION_KEYS="3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        LETMEPOST_DATA_DIR=str(tmp),
        LETMEPOST_HOST="127.0.0.1",
        LETMEPOST_PORT=str(port),
        LETMEPOST_WORKER_CONCURRENCY="2",
    )
    return env


def _start(role: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 - our entrypoint, fixed roles
            [ENTRYPOINT, role],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _health(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def test_every_role_starts_in_production_mode(database: str, tmp_path: Path) -> None:
    port = _free_port()
    env = _env(database, tmp_path, port)
    migrate = subprocess.run(  # noqa: S603 - our entrypoint, a fixed role
        [ENTRYPOINT, "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stdout[-2000:] + migrate.stderr[-2000:]

    logs = {role: tmp_path / f"{role}.log" for role in ("web", *READY)}
    processes = {role: _start(role, env, log) for role, log in logs.items()}
    pending = {"web", *READY}
    try:
        deadline = time.monotonic() + 45
        while pending and time.monotonic() < deadline:
            for role in sorted(pending):
                assert processes[role].poll() is None, (
                    f"{role} exited: {logs[role].read_text()[-2000:]}"
                )
                ready = (
                    _health(port)
                    if role == "web"
                    else READY[role] in logs[role].read_text()
                )
                if ready:
                    pending.discard(role)
            time.sleep(0.3)
        assert not pending, {r: logs[r].read_text()[-1500:] for r in pending}
        # Production mode logs JSON lines, worker and beat included.
        worker_lines = logs["worker"].read_text().splitlines()
        assert any(
            line.startswith('{"time"') and "ready." in line for line in worker_lines
        )
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)

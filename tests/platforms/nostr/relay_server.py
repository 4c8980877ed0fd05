"""The reference Nostr relay (PyPI `nostr-relay`, pure Python, SQLite) on a loopback port.

It is installed on first use into its own virtualenv (its dependencies are not ours), pinned by
`relay/requirements.txt`, and cached in `LETMEPOST_NOSTR_RELAY_CACHE`, default
`$XDG_CACHE_HOME/letmepost/nostr-relay` (else `~/.cache/letmepost/nostr-relay`); the install is
redone when the requirements change. Parallel test processes share the cache under a file lock.
Each test session starts its own relay on a free port with a scratch database.

When the relay cannot be installed (no network to PyPI) the tests that need it are skipped, and
fail instead under CI=true or LETMEPOST_E2E_REQUIRED=1: CI must run them for real.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.upstreams import free_port

HERE = Path(__file__).resolve().parent / "relay"
REQUIREMENTS = HERE / "requirements.txt"
CONFIG = HERE / "config.yaml"
INSTALL_TIMEOUT = 600
START_TIMEOUT = 60


def _required() -> bool:
    return any(
        os.environ.get(name, "").strip().lower() in ("1", "true", "yes")
        for name in ("CI", "LETMEPOST_E2E_REQUIRED")
    )


def unavailable(reason: str) -> None:
    if _required():
        pytest.fail(reason)
    pytest.skip(reason)


def cache_dir() -> Path:
    if explicit := os.environ.get("LETMEPOST_NOSTR_RELAY_CACHE"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "letmepost" / "nostr-relay"


def _stamp() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def ensure_installed() -> Path:
    """The relay's executable in the cached virtualenv, installing it when missing or stale."""
    cache = cache_dir()
    executable = cache / "bin" / "nostr-relay"
    stamp = cache / ".installed"
    cache.parent.mkdir(parents=True, exist_ok=True)
    with (cache.parent / f"{cache.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.is_file() and stamp.read_text() == _stamp() and executable.exists():
            return executable
        steps = (
            [sys.executable, "-m", "venv", "--clear", str(cache)],
            [str(cache / "bin" / "pip"), "install", "--quiet", "-r", str(REQUIREMENTS)],
        )
        for step in steps:
            try:
                result = subprocess.run(  # noqa: S603 - our own pinned install
                    step,
                    capture_output=True,
                    text=True,
                    timeout=INSTALL_TIMEOUT,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                unavailable(f"installing nostr-relay failed: {exc}")
            if result.returncode != 0:
                unavailable(
                    "installing nostr-relay failed:\n"
                    + (result.stdout + result.stderr)[-2000:]
                )
        stamp.write_text(_stamp())
    return executable


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def running_relay(scratch: Path) -> Iterator[str]:
    """A relay on a free loopback port with a scratch database: its ws:// URL. Stopped by PID."""
    executable = ensure_installed()
    port = free_port()
    config = scratch / "config.yaml"
    config.write_text(
        CONFIG.read_text().format(port=port, db=scratch / "relay.sqlite3")
    )
    log_path = scratch / "relay.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603
            [str(executable), "-c", str(config), "serve", "--use-uvicorn"],
            cwd=scratch,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _listening(port):
            if server.poll() is not None or time.monotonic() > deadline:
                unavailable(
                    f"nostr-relay did not start:\n{log_path.read_text()[-2000:]}"
                )
            time.sleep(0.1)
        yield f"ws://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

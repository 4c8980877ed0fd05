"""Real processes for end-to-end tests: `manage.py serve`, `run_dispatcher`, Celery workers.

The approach of tests/letmepost/test_boot.py: every process runs in its own session (so one
`killpg` reaches its children), on a free loopback port and with an environment built on purpose,
and every wait is bounded. Nothing here imports Django, so it also works from a plain script.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
COMMAND_TIMEOUT = 60  # seconds for a `manage.py` run expected to exit by itself
READY_WAIT = 45  # seconds for a long-running process to say it is ready
STOP_TIMEOUT = 15

EMAIL = "e2e@example.com"
PASSWORD = "e2e-password-123"

T = TypeVar("T")

# The server is on loopback: never go through a proxy, whatever the environment says.
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def boot_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """Our environment without services or LETMEPOST_* variables, for a fresh data dir."""
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
        and not name.startswith("LETMEPOST_")
    }
    env["DJANGO_SETTINGS_MODULE"] = "letmepost.settings"
    env["LETMEPOST_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(overrides)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def bootstrap_key(env: dict[str, str]) -> str:
    result = manage("bootstrap", "--email", EMAIL, "--password", PASSWORD, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])["apiKey"]


def http(
    method: str, url: str, body: Any = None, key: str | None = None, timeout: float = 10
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310 - loopback only
    try:
        with _http.open(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def wait_for(
    probe: Callable[[], T | None], *, timeout: float, interval: float = 0.05, what: str
) -> T:
    """Call `probe` until it returns something other than None/False, for at most `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


@dataclass
class Process:
    """A long-running child in its own process group, logging to a file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    extra: dict[str, Any] = field(default_factory=dict)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group: no handler runs, nothing is flushed, as in a power cut."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=STOP_TIMEOUT)

    def terminate(self) -> int:
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                return self.popen.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
        return self.popen.wait(timeout=STOP_TIMEOUT)


def spawn(name: str, argv: list[str], *, env: dict[str, str], log_dir: Path) -> Process:
    log = log_dir / f"{name}.log"
    with log.open("ab") as out:
        popen = subprocess.Popen(  # noqa: S603 - our own interpreter and tools
            argv,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so kill() reaches everything
        )
    return Process(name=name, popen=popen, log=log)


def wait_for_output(process: Process, marker: str, timeout: float = READY_WAIT) -> None:
    def ready() -> bool:
        if not process.alive():
            raise AssertionError(
                f"{process.name} exited with {process.popen.returncode}:\n{process.output()}"
            )
        return marker in process.output()

    try:
        wait_for(
            ready, timeout=timeout, interval=0.1, what=f"{process.name}: {marker!r}"
        )
    except AssertionError as exc:
        raise AssertionError(
            f"{exc}\n--- {process.name} log ---\n{process.output()}"
        ) from None


@contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """While inside, SIGTERM (e.g. `timeout` around pytest) raises, so `finally` reaps children."""

    def unwind(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, unwind)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def serving(env: dict[str, str], name: str = "serve") -> Iterator[Process]:
    """`manage.py serve` on a free port until /health answers 200; always reaped."""
    port = free_port()
    process = spawn(
        f"{name}-{port}",
        [sys.executable, "manage.py", "serve"],
        env={**env, "LETMEPOST_PORT": str(port)},
        log_dir=Path(env["LETMEPOST_DATA_DIR"]),
    )
    process.extra["url"] = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if not process.alive():
            raise AssertionError(f"serve exited early:\n{process.output()}")
        try:
            return http("GET", f"{process.extra['url']}/health", timeout=2)[0] == 200
        except (OSError, ValueError):
            return False  # not listening yet

    try:
        with sigterm_unwinds():
            wait_for(healthy, timeout=READY_WAIT, interval=0.1, what="/health")
            yield process
    finally:
        process.kill()

"""A live letmepost server (embedded mode, temp data dir, free port) for the SDK and CLI tests.

The server runs from the repository's own virtualenv (`.venv`, where the Django project is
installed); these tests run in a separate one (`.venv-clients`) because both packages are
called `letmepost`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

try:
    from letmepost import Letmepost
except ImportError:
    # Collected by the server's own suite (`make test`), where `letmepost` is the Django
    # project: these tests belong to `make test-clients` and its separate virtualenv.
    collect_ignore_glob = ["test_*.py"]

ROOT = Path(__file__).resolve().parents[3]
SERVER_PYTHON = Path(
    os.environ.get("LETMEPOST_SERVER_PYTHON", ROOT / ".venv" / "bin" / "python")
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    base_url: str
    api_key: str
    account_id: str
    env: dict[str, str]
    log: Path

    def client(self, **kwargs: object) -> Letmepost:
        return Letmepost(api_key=self.api_key, base_url=self.base_url, **kwargs)  # type: ignore[arg-type]


def _wait_healthy(base_url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited:\n" + log.read_text()[-2000:])
        try:
            with urllib.request.urlopen(base_url + "/health", timeout=2) as answer:  # noqa: S310 - loopback
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("server did not answer /health:\n" + log.read_text()[-2000:])


@pytest.fixture(scope="session")
def server() -> Iterator[LiveServer]:
    if not SERVER_PYTHON.exists():
        pytest.fail(f"{SERVER_PYTHON} is missing: run `make install` first")
    data = Path(tempfile.mkdtemp(prefix="lmp-clients-"))
    port = free_port()
    env = {
        **os.environ,
        "LETMEPOST_DATA_DIR": str(data),
        "LETMEPOST_PORT": str(port),
        "LETMEPOST_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LETMEPOST_WEBHOOKS_ALLOW_PRIVATE": "true",
        "LETMEPOST_RATE_LIMIT": "100000",
        "LETMEPOST_LOG_LEVEL": "warning",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)  # embedded mode: SQLite and the in-process runner
    log = data / "server.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [str(SERVER_PYTHON), "manage.py", "serve"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, proc, log)
        boot = subprocess.run(
            [
                str(SERVER_PYTHON),
                "manage.py",
                "bootstrap",
                "--email",
                "sdk@example.com",
                "--password",
                "sdk-pass-123456",
                "--test-key",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        line = [x for x in boot.stdout.splitlines() if x.startswith("{")][-1]
        api_key = json.loads(line)["apiKey"]
        with Letmepost(api_key=api_key, base_url=base_url) as lmp:
            account = lmp.accounts.complete_connect("sandbox", {"handle": "sdk"})
        yield LiveServer(base_url, api_key, account["id"], env, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def lmp(server: LiveServer) -> Iterator[Letmepost]:
    with server.client() as client:
        yield client

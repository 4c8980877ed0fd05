"""Start a throwaway letmepost for the TypeScript and Go SDK tests.

Run with the project's virtualenv:

    .venv/bin/python clients/testserver.py

It bootstraps a user with an `lmp_test_` key in a temporary data dir, serves embedded mode on a free
127.0.0.1 port, prints one JSON line `{"baseUrl", "apiKey", "dataDir"}` once the server answers, and
stops the server (and removes the data dir) when its stdin closes or it gets SIGTERM/SIGINT. A test
runner in any language can therefore own the server's whole life through one child process.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _server_env(data_dir: str, port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        # an inherited production configuration must not leak into the throwaway server
        if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
        and not k.startswith("LETMEPOST_")
    }
    env.update(
        LETMEPOST_DATA_DIR=data_dir,
        LETMEPOST_HOST="127.0.0.1",
        LETMEPOST_PORT=str(port),
        LETMEPOST_PUBLIC_URL=f"http://127.0.0.1:{port}",
        # the tests' webhook receiver listens on loopback over plain HTTP
        LETMEPOST_WEBHOOKS_ALLOW_PRIVATE="true",
        LETMEPOST_WEBHOOKS_REQUIRE_HTTPS="false",
        # the suites make a few hundred calls; the SDK's 429 handling is tested separately
        LETMEPOST_RATE_LIMIT="5000",
        LETMEPOST_LOG_LEVEL="warning",
        # one worker thread pool is plenty and keeps SQLite contention low
        LETMEPOST_EMBEDDED_WORKERS="2",
    )
    return env


def _wait_ready(base_url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"letmepost exited early with code {server.returncode}")
        try:
            health = f"{base_url}/health"
            with urllib.request.urlopen(health, timeout=2) as resp:  # noqa: S310 - loopback http
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"letmepost did not answer within {STARTUP_SECONDS} s")


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="letmepost-sdk-")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = _server_env(data_dir, port)
    python = sys.executable
    server: subprocess.Popen[bytes] | None = None
    stopping = threading.Event()

    def stop(*_: Any) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        boot = subprocess.run(  # noqa: S603 - our interpreter and manage.py
            [
                python,
                "manage.py",
                "bootstrap",
                "--email",
                "sdk@example.com",
                "--password",
                "sdk-tests-Pa55word!",
                "--test-key",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        api_key = json.loads(boot.stdout.strip().splitlines()[-1])["apiKey"]
        server = subprocess.Popen(  # noqa: S603 - our interpreter and manage.py
            [python, "manage.py", "serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sys.stderr,
        )
        _wait_ready(base_url, server)
        info = {"baseUrl": base_url, "apiKey": api_key, "dataDir": data_dir}
        sys.stdout.write(json.dumps(info) + "\n")
        sys.stdout.flush()

        # stdin closing means the parent test process is gone (or done with us)
        def watch_stdin() -> None:
            sys.stdin.read()
            stopping.set()

        threading.Thread(target=watch_stdin, daemon=True).start()
        while not stopping.is_set() and server.poll() is None:
            stopping.wait(0.5)
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stderr or "")
        raise SystemExit("bootstrap failed") from exc
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

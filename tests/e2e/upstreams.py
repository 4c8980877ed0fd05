"""Real upstream servers on loopback for the platform e2e tests (tests/e2e/test_bluesky_pds.py,
test_mastodon_fake.py): the reference Bluesky PDS + PLC run by `bluesky_pds.sh` beside this file,
the `mastodon-mock` fake in a thread, and a proxy that can hold an answer to simulate a crash.

The PDS install (npm ci of `bluesky_pds/package-lock.json`, ~250 MB, about 3 min cold) is cached in
`LETMEPOST_BSKY_CACHE`, default `$XDG_CACHE_HOME/letmepost/bsky` (else `~/.cache/letmepost/bsky`),
and reused while its lock file matches ours; each test module starts its own PLC + PDS on free
ports with a scratch data directory, so runs never share state. A missing or stale install is only
(re)done when the e2e suite was asked for (`-m e2e`, or LETMEPOST_E2E=1); otherwise the test is
skipped, as it is when node/npm are absent. LETMEPOST_E2E_REQUIRED=1 turns those skips into
failures (CI).
"""

from __future__ import annotations

import fcntl
import http.server
import json
import os
import secrets
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

SCRIPT = Path(__file__).resolve().with_name("bluesky_pds.sh")
LOCK = SCRIPT.with_name("bluesky_pds") / "package-lock.json"
INSTALL_TIMEOUT = 900
START_TIMEOUT = 60


def cache_dir() -> Path:
    if explicit := os.environ.get("LETMEPOST_BSKY_CACHE"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "letmepost" / "bsky"


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """Skip (or, with LETMEPOST_E2E_REQUIRED=1, fail) because an upstream cannot run here."""
    if _flag("LETMEPOST_E2E_REQUIRED"):
        pytest.fail(reason)
    pytest.skip(reason)


def e2e_requested(config: pytest.Config) -> bool:
    return "e2e" in (config.getoption("markexpr") or "") or _flag("LETMEPOST_E2E")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _installed(cache: Path) -> bool:
    """A finished install of exactly our pinned packages (the script stamps it last)."""
    copy = cache / "package-lock.json"
    return (cache / ".installed").is_file() and copy.read_bytes() == LOCK.read_bytes()


def ensure_pds_installed(config: pytest.Config) -> Path:
    """The cached install (node_modules), (re)installing it if the e2e suite was requested."""
    cache = cache_dir()
    if not (shutil.which("node") and shutil.which("npm")):
        unavailable("node and npm are needed to run the reference Bluesky PDS")
    if _installed(cache):
        return cache
    if not e2e_requested(config):
        pytest.skip(
            f"the reference PDS is not installed in {cache}; `pytest -m e2e` installs it (about 3 min, once)"
        )
    cache.mkdir(parents=True, exist_ok=True)
    # Parallel test processes share the cache: one installs while the others wait.
    with (cache.parent / f"{cache.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _installed(cache):
            return cache
        result = subprocess.run(  # noqa: S603 - the project's own script
            [str(SCRIPT), "install", str(cache)],
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            check=False,
        )
    if result.returncode != 0:
        unavailable(
            f"installing the reference PDS failed:\n{(result.stdout + result.stderr)[-2000:]}"
        )
    return cache


@dataclass
class Pds:
    url: str

    def procedure(self, nsid: str, body: dict[str, Any], token: str = "") -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = requests.post(
            f"{self.url}/xrpc/{nsid}", json=body, headers=headers, timeout=10
        )
        response.raise_for_status()
        return response.json()

    def account(self, name: str) -> dict[str, str]:
        """A fresh account with an app password: {pds, handle, did, password, app_password}."""
        domain = self.query("com.atproto.server.describeServer")[
            "availableUserDomains"
        ][0]
        handle, password = f"{name}{domain}", secrets.token_hex(8)
        created = self.procedure(
            "com.atproto.server.createAccount",
            {"handle": handle, "email": f"{name}@example.com", "password": password},
        )
        app = self.procedure(
            "com.atproto.server.createAppPassword",
            {"name": "e2e"},
            token=created["accessJwt"],
        )
        return {
            "pds": self.url,
            "handle": handle,
            "did": created["did"],
            "password": password,
            "app_password": app["password"],
        }

    def query(self, nsid: str, **params: Any) -> Any:
        response = requests.get(f"{self.url}/xrpc/{nsid}", params=params, timeout=10)
        response.raise_for_status()
        return (
            response.json()
            if "json" in response.headers.get("Content-Type", "")
            else response.content
        )

    def records(self, did: str) -> list[dict[str, Any]]:
        """Every app.bsky.feed.post in the repo, oldest first."""
        body = self.query(
            "com.atproto.repo.listRecords",
            repo=did,
            collection="app.bsky.feed.post",
            limit=100,
            reverse="true",
        )
        return body["records"]


@contextmanager
def running_pds(cache: Path, scratch: Path) -> Iterator[Pds]:
    """PLC + PDS from the cached install, on free loopback ports; always stopped by PID."""
    pds_port, plc_port = free_port(), free_port()
    env = {
        **os.environ,
        "PDS_PORT": str(pds_port),
        "PLC_PORT": str(plc_port),
    }
    log_path = scratch / "pds.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603
            [str(SCRIPT), "serve", str(cache), str(scratch / "data")],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while b'"ready":true' not in log_path.read_bytes():
            if server.poll() is not None or time.monotonic() > deadline:
                unavailable(
                    f"the reference PDS did not start:\n{log_path.read_text()[-2000:]}"
                )
            time.sleep(0.1)
        yield Pds(url=f"http://127.0.0.1:{pds_port}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class HoldingProxy:
    """A loopback HTTP proxy to `target` that can swallow one answer, as a crash would.

    The first POST whose path ends with `hold_path` and whose body contains `marker` is forwarded
    and applied upstream; its answer is then held (`landed` is set) until `release` is set, so the
    caller never learns the outcome. Everything else passes straight through.
    """

    def __init__(self, target: str, *, hold_path: str, marker: bytes) -> None:
        self.target = target.rstrip("/")
        self.hold_path, self.marker = hold_path, marker
        self.landed, self.release = threading.Event(), threading.Event()
        self._held = False
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "content-length", "connection")
                }
                upstream = requests.request(
                    self.command,
                    proxy.target + self.path,
                    headers=headers,
                    data=body,
                    timeout=60,
                )
                if proxy._should_hold(self.command, self.path, body):
                    proxy.landed.set()
                    proxy.release.wait(120)
                    return  # the caller is gone by now; it never hears back
                self.send_response(upstream.status_code)
                for name in ("Content-Type",):
                    if name in upstream.headers:
                        self.send_header(name, upstream.headers[name])
                self.send_header("Content-Length", str(len(upstream.content)))
                self.end_headers()
                self.wfile.write(upstream.content)

            do_GET = do_POST = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _should_hold(self, method: str, path: str, body: bytes | None) -> bool:
        with self._lock:
            hit = (
                not self._held
                and method == "POST"
                and path.split("?")[0].endswith(self.hold_path)
                and self.marker in (body or b"")
            )
            self._held = self._held or hit
            return hit

    def __enter__(self) -> HoldingProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Exchange:
    """One request to the Mastodon fake and its answer, as they crossed the wire."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    response: bytes

    def json(self) -> Any:
        return json.loads(self.response)


class RecordingMastodon:
    """`mastodon-mock` (a FastAPI fake of the Mastodon API) on a free loopback port, in a thread,
    behind an ASGI wrapper that records every exchange, so tests can check headers
    (`Idempotency-Key`) and validate bodies against the Mastodon OpenAPI description."""

    def __init__(self) -> None:
        from mastodon_mock.config import DatabaseConfig, MastodonMockConfig
        from mastodon_mock.testing.seed import DEFAULT_TEST_SEED

        self.config = MastodonMockConfig(
            database=DatabaseConfig(path=":memory:"), seed=DEFAULT_TEST_SEED
        )
        self.exchanges: list[Exchange] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def _recording(self, app: Any) -> Any:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            request: list[bytes] = []
            answer: dict[str, Any] = {"status": 0, "body": []}

            async def recording_receive() -> dict[str, Any]:
                message = await receive()
                if message["type"] == "http.request":
                    request.append(message.get("body", b""))
                return message

            async def recording_send(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    answer["status"] = message["status"]
                elif message["type"] == "http.response.body":
                    answer["body"].append(message.get("body", b""))
                await send(message)

            await app(scope, recording_receive, recording_send)
            self.exchanges.append(
                Exchange(
                    method=scope["method"],
                    path=scope["path"],
                    headers={
                        k.decode().lower(): v.decode() for k, v in scope["headers"]
                    },
                    body=b"".join(request),
                    status=answer["status"],
                    response=b"".join(answer["body"]),
                )
            )

        return wrapped

    def __enter__(self) -> RecordingMastodon:
        import time

        import uvicorn
        from mastodon_mock.app import create_app

        app = self._recording(create_app(self.config))
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                unavailable("the mastodon-mock server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)

    def sent(self, method: str, path: str) -> list[Exchange]:
        return [e for e in self.exchanges if e.method == method and e.path == path]

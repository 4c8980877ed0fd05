"""Logs of a full publish lifecycle, captured at DEBUG, never contain a secret or token.

A real server (`manage.py serve`, its own process) is driven over HTTP: sign-up key, sandbox
account, webhook endpoint with a signing secret (then rotated), an immediate and a scheduled post
published and delivered to a loopback receiver, a metrics scrape, requests with a wrong key and
a token in a query string. Then everything the server and `bootstrap` wrote to stdout and stderr
is searched for every secret value involved.
"""

from __future__ import annotations

import http.server
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Receiver(http.server.BaseHTTPRequestHandler):
    events: list[str] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).events.append(self.headers.get("X-Letmepost-Event", ""))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[str]]]:
    _Receiver.events = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", _Receiver.events
    server.shutdown()
    server.server_close()


def call(
    method: str, port: int, path: str, key: str, body: Any = None
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, method=method
    )
    request.add_header("Authorization", f"Bearer {key}")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310 - http, loopback
            raw, status = r.read(), r.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode()


def wait_for(condition: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_a_full_lifecycle_logs_no_secret(tmp_path: Path, receiver: Any) -> None:
    hook_url, deliveries = receiver
    port = _free_port()
    secret_key = secrets.token_urlsafe(50)
    encryption_key = "x8qkN0bG3Yb2tXGv1rj0yVw9oGk7o2mS3n4p5q6r7s8="
    metrics_token = f"mt-{secrets.token_hex(16)}"
    smtp_password = f"smtp-{secrets.token_hex(8)}"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LETMEPOST_", "CELERY_"))
    }
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)  # embedded mode: the whole lifecycle in one process
    env.update(
        DJANGO_SETTINGS_MODULE="letmepost.settings",
        LETMEPOST_DATA_DIR=str(tmp_path),
        LETMEPOST_PORT=str(port),
        LETMEPOST_LOG_LEVEL="debug",
        LETMEPOST_LOG_FORMAT="json",
        LETMEPOST_SECRET_KEY=secret_key,
        LETMEPOST_ENCRYPTION_KEYS=encryption_key,
        LETMEPOST_METRICS_TOKEN=metrics_token,
        LETMEPOST_SMTP_PASSWORD=smtp_password,  # read only with a host; must not leak anyway
        LETMEPOST_WEBHOOKS_ALLOW_PRIVATE="true",
        LETMEPOST_DISPATCH_INTERVAL_MS="100",
    )
    python = sys.executable
    boot = subprocess.run(  # noqa: S603 - our interpreter and manage.py
        [
            *(python, "manage.py", "bootstrap", "--email", "ops@example.com"),
            *("--password", "a-long-password-for-ops", "--test-key"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    api_key = json.loads(boot.stdout.strip().splitlines()[-1])["apiKey"]
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - our interpreter and manage.py
            [python, "manage.py", "serve"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(lambda: _health(port), 60)
        status, account = call(
            "POST",
            port,
            "/v1/accounts/connect/sandbox/complete",
            api_key,
            {"handle": "ops"},
        )
        assert status in (200, 201), account
        status, endpoint = call(
            "POST",
            port,
            "/v1/webhook-endpoints",
            api_key,
            {"url": hook_url, "events": []},
        )
        assert status == 201, endpoint
        webhook_secrets = [endpoint["secret"]]
        status, rotated = call(
            "POST",
            port,
            f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret",
            api_key,
            {},
        )
        assert status in (200, 201), rotated
        webhook_secrets.append(rotated["secret"])
        target = {"accountId": account["id"]}
        status, now_post = call(
            "POST", port, "/v1/posts", api_key, {"text": "now", "targets": [target]}
        )
        assert status in (200, 201), now_post
        soon = (datetime.now(UTC) + timedelta(seconds=3)).isoformat()
        status, later = call(
            "POST",
            port,
            "/v1/posts",
            api_key,
            {"text": "soon", "targets": [target], "scheduledAt": soon},
        )
        assert status in (200, 201, 202), later
        wait_for(lambda: deliveries.count("post.published") >= 2, 30)
        status, _ = call("GET", port, "/metrics", metrics_token)
        assert status == 200
        wrong_key = f"lmp_test_{secrets.token_hex(20)}"
        assert call("GET", port, "/v1/posts", wrong_key)[0] == 401
        query_token = secrets.token_hex(12)
        call("GET", port, f"/v1/posts?access_token={query_token}", api_key)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)

    logs = log_path.read_text() + boot.stderr
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    # The capture is real: DEBUG lines, context on the engine's lines, the request's too.
    assert any(line["level"] == "debug" for line in lines)
    published = [
        line for line in lines if line["message"].startswith("publish attempt")
    ]
    assert len(published) >= 2
    assert all(line["platform"] == "sandbox" and line["attempt"] for line in published)
    assert any("request_id" in line and "workspace" in line for line in published)
    leaked = {
        name: value
        for name, value in {
            "api key": api_key,
            "webhook secret": webhook_secrets[0],
            "rotated webhook secret": webhook_secrets[1],
            "metrics token": metrics_token,
            "secret key": secret_key,
            "encryption key": encryption_key,
            "smtp password": smtp_password,
            "wrong api key": wrong_key,
            "query-string token": query_token,
        }.items()
        if value in logs
    }
    assert not leaked, f"secrets in the logs: {sorted(leaked)}"


def _health(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False

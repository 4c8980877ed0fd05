"""A real HTTP receiver on loopback, and settings that let webhooks reach it at once."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from webhooks.delivery import claim_due_deliveries, deliver_claimed
from webhooks.models import WebhookEndpoint
from webhooks.services import create_endpoint


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    path: str

    def header(self, name: str) -> str | None:
        return next(
            (v for k, v in self.headers.items() if k.lower() == name.lower()), None
        )


@dataclass
class Receiver:
    """Answers each POST with the next scripted (status, headers, body), then `default`."""

    port: int
    script: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    default: tuple[int, dict[str, str], bytes] = (200, {}, b"ok")
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def answer(self, *statuses: int, **headers: str) -> None:
        self.script += [(s, dict(headers), f"answer {s}".encode()) for s in statuses]

    def types(self) -> list[str]:
        return [r.header("X-Letmepost-Event") or "" for r in self.received]


def _handler(receiver: Receiver) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with receiver.lock:
                receiver.received.append(Received(dict(self.headers), body, self.path))
                status, headers, payload = (
                    receiver.script.pop(0) if receiver.script else receiver.default
                )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), http.server.BaseHTTPRequestHandler
    )
    rec = Receiver(port=server.server_address[1])
    server.RequestHandlerClass = _handler(rec)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield rec
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on: every connection is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def hooks(settings: Any) -> Any:
    """Loopback receivers allowed, plain http allowed, and no waiting between attempts."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_REQUIRE_HTTPS = False
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 0
    return settings


def make_endpoint(
    persona: Any, url: str, events: list[str] | None = None
) -> tuple[WebhookEndpoint, str]:
    return create_endpoint(workspace=persona.workspace, url=url, events=events or [])


def drain(limit: int = 50) -> list[str]:
    """Claim and deliver until nothing is due (zero backoff makes retries due at once)."""
    outcomes: list[str] = []
    for _ in range(limit):
        claims = claim_due_deliveries()
        if not claims:
            return outcomes
        outcomes += [deliver_claimed(c) for c in claims]
    raise AssertionError("still claiming after the limit")

"""A real HTTP(S) server on 127.0.0.1 in a thread, answering from a route table.

Outgoing-HTTP tests talk to it instead of stubbing our session: the SSRF guard, redirects,
timeouts and the size cap all run against real sockets.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


@dataclass
class LoopbackServer:
    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    bytes_sent: dict[str, int] = field(default_factory=dict)
    port: int = 0
    scheme: str = "http"

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for s in self.seen if s.path == path)


def reply(
    body: bytes = b"ok", status: int = 200, headers: dict[str, str] | None = None
) -> Route:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        for name, value in {
            "Content-Length": str(len(body)),
            **(headers or {}),
        }.items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(body)

    return route


def redirect(location: str, status: int = 302) -> Route:
    return reply(b"", status, {"Location": location})


def echo_header(name: str) -> Route:
    def route(h: BaseHTTPRequestHandler) -> None:
        reply(h.headers.get(name, "").encode())(h)

    return route


def sleep_then(seconds: float, then: Route) -> Route:
    def route(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        then(h)

    return route


def hang_up(h: BaseHTTPRequestHandler) -> None:
    """Close the connection without answering."""
    h.close_connection = True
    h.connection.shutdown(socket.SHUT_RDWR)


def endless(server: LoopbackServer, path: str, declare: int | None = None) -> Route:
    """Stream zeros until the client goes away; record how many bytes left the server."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "image/png")
        if declare is not None:
            h.send_header("Content-Length", str(declare))
        h.end_headers()
        chunk, sent = b"\0" * 65536, 0
        try:
            while sent < 1024 * 1024 * 1024:
                h.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass
        finally:
            server.bytes_sent[path] = sent
            h.close_connection = True

    return route


@contextmanager
def loopback_server(
    routes: dict[str, Route] | None = None, tls: ssl.SSLContext | None = None
) -> Iterator[LoopbackServer]:
    state = LoopbackServer(routes=dict(routes or {}))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            state.seen.append(Seen(path, dict(self.headers.items())))
            route = state.routes.get(path, reply(b"no such path", 404))
            route(self)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.do_GET()

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # clients hanging up mid-answer is what several tests do on purpose

    httpd = Server(("127.0.0.1", 0), Handler)
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
        state.scheme = "https"
    state.port = httpd.server_address[1]
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)

"""One websocket to one Nostr relay (NIP-01): send an EVENT and wait for its OK, or look an event
up by id with a REQ.

The socket is opened the way `platforms.http` opens every outgoing connection: the relay's host
is resolved once, every address is checked by `check_address` (loopback and private networks are
refused unless the operator set LETMEPOST_ALLOW_PRIVATE_URLS), and the websocket runs over a
socket connected to exactly the address that was checked, so DNS rebinding cannot slip through.
No proxy and no retry: retrying is the adapter's decision.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

from websockets.exceptions import WebSocketException
from websockets.sync.client import ClientConnection, connect

from letmepost.errors import ValidationFailed
from platforms.http import UnsafeUrl, check_address, user_agent

SCHEMES = {"wss": 443, "ws": 80}
TIMEOUT = 10.0  # seconds: to connect, and to wait for an OK or the end of stored events
MAX_MESSAGE = 1 << 20  # what we read from a relay; our own events are far smaller

# Raised by the websocket and the socket below when the relay is not (or no longer) talking.
Broken = (OSError, WebSocketException, TimeoutError)


def relay_url(value: object) -> str:
    """A relay address as `wss://host[:port][/path]`; ValidationFailed when it is not one."""
    raw = value.strip() if isinstance(value, str) else ""
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        parts, port = urlsplit(""), None
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise ValidationFailed(
            f"{value!r} is not a relay address (wss://… or ws://…).",
            rule="relays",
            remediation='Send {"relays": ["wss://relay.example.com"]}.',
        )
    netloc = parts.hostname.lower() + (f":{port}" if port else "")
    if ":" in parts.hostname:  # an IPv6 literal keeps its brackets
        netloc = f"[{parts.hostname}]" + (f":{port}" if port else "")
    return f"{parts.scheme.lower()}://{netloc}{parts.path.rstrip('/')}"


def _guarded_socket(url: str, timeout: float) -> socket.socket:
    """A TCP socket to the relay's host, connected only to an address the guard allowed."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or SCHEMES[parts.scheme]
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        check_address(host, address)  # UnsafeUrl before a byte is sent
    error: OSError | None = None
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout=timeout)
        except OSError as exc:
            error = exc
    raise error or OSError(f"{host} has no address")


@dataclass(frozen=True)
class Answer:
    """What one relay said to one EVENT. `accepted` is None when no OK came back."""

    relay: str
    accepted: bool | None
    message: str = ""
    sent: bool = False  # the EVENT left us: without an OK it may still have been stored
    unsafe: bool = False  # the guard refused the relay's address

    @property
    def prefix(self) -> str:
        """NIP-01's machine-readable prefix of the message: `rate-limited`, `blocked`…"""
        return self.message.split(":", 1)[0].strip() if ":" in self.message else ""


class Relay:
    """A connection to one relay; use it as a context manager."""

    def __init__(self, url: str, *, timeout: float = TIMEOUT) -> None:
        self.url = url
        self.timeout = timeout
        self._ws: ClientConnection | None = None
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> Self:
        sock = _guarded_socket(self.url, self.timeout)
        try:
            self._ws = self._stack.enter_context(
                connect(
                    self.url,
                    sock=sock,
                    open_timeout=self.timeout,
                    close_timeout=2,
                    proxy=None,
                    user_agent_header=user_agent(),
                    max_size=MAX_MESSAGE,
                    compression=None,
                )
            )
        except BaseException:
            sock.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.close()

    @property
    def ws(self) -> ClientConnection:
        assert self._ws is not None, "use Relay as a context manager"
        return self._ws

    def _send(self, message: list[Any]) -> None:
        self.ws.send(json.dumps(message, separators=(",", ":"), ensure_ascii=False))

    def _messages(self) -> Iterator[list[Any]]:
        """Relay messages (JSON arrays) until the timeout; anything else is skipped."""
        deadline = time.monotonic() + self.timeout
        while (left := deadline - time.monotonic()) > 0:
            raw = self.ws.recv(timeout=left)
            try:
                message = json.loads(raw)
            except ValueError:
                continue
            if isinstance(message, list) and message and isinstance(message[0], str):
                yield message
        raise TimeoutError(f"{self.url} did not answer within {self.timeout:g} s")

    def publish(self, event: dict[str, Any]) -> Answer:
        """Send `["EVENT", event]` and wait for the relay's `["OK", id, bool, message]`."""
        self._send(["EVENT", event])
        for message in self._messages():
            if message[0] == "OK" and len(message) >= 3 and message[1] == event["id"]:
                said = str(message[3]) if len(message) > 3 else ""
                # NIP-01 says a duplicate is `true, "duplicate: …"`; some relays (nostr-relay
                # among them) answer `false, "duplicate: …"`. Either way the relay holds it.
                stored = message[2] is True or said.startswith("duplicate:")
                return Answer(self.url, stored, said, sent=True)
        raise AssertionError("unreachable")  # _messages raises at its deadline

    def fetch(self, event_id: str) -> dict[str, Any] | None:
        """The stored event with this id (`REQ` with an `ids` filter), or None at `EOSE`."""
        sub = f"lmp-{secrets.token_hex(8)}"
        self._send(["REQ", sub, {"ids": [event_id], "limit": 1}])
        try:
            for message in self._messages():
                if message[1:2] != [sub]:
                    continue
                kind = message[0]
                if (
                    kind == "EVENT"
                    and len(message) > 2
                    and isinstance(message[2], dict)
                ):
                    if message[2].get("id") == event_id:
                        return dict(message[2])
                elif kind == "EOSE":
                    return None
                elif kind == "CLOSED":
                    raise RelayRefused(self.url, str(message[2:3] or ""))
        finally:
            self._close_quietly(sub)
        return None

    def _close_quietly(self, sub: str) -> None:
        with contextlib.suppress(*Broken):
            self._send(["CLOSE", sub])


class RelayRefused(Exception):
    """A relay closed our subscription (`CLOSED`) instead of answering it."""

    def __init__(self, relay: str, message: str) -> None:
        super().__init__(f"{relay} refused the query: {message}")
        self.relay = relay


def publish_to(url: str, event: dict[str, Any], *, timeout: float = TIMEOUT) -> Answer:
    """Send the event to one relay; every failure is an Answer, never an exception."""
    sent = False
    try:
        with Relay(url, timeout=timeout) as relay:
            sent = True  # from here on the EVENT may reach the relay
            return relay.publish(event)
    except UnsafeUrl as exc:
        return Answer(url, None, exc.message, unsafe=True)
    except Broken as exc:
        return Answer(url, None, f"{type(exc).__name__}: {exc}", sent=sent)

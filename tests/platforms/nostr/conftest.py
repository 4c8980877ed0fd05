"""Nostr fixtures: the reference relay on loopback (relay_server.py), a fake relay for the
answers a well-behaved relay never gives on demand (refusals, silence), and a connected account.

Both relays are on 127.0.0.1, so every test here runs with LETMEPOST_ALLOW_PRIVATE_URLS on, as an
operator of a local install would set it; test_connect checks that without it they are refused.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import coincurve
import pytest
from websockets.sync.server import Server, ServerConnection, serve

from platforms.models import PlatformAccount
from platforms.nostr.events import is_valid
from platforms.nostr.keys import public_key_hex
from platforms.nostr.relay import Relay
from platforms.services import connect_with_credentials
from tests.conftest import Persona
from tests.e2e.upstreams import free_port
from tests.platforms.nostr.relay_server import running_relay

# NIP-19's own test vector: this nsec is this hex private key.
NSEC = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5"
SECRET_HEX = "67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa"
PUBKEY = public_key_hex(coincurve.PrivateKey(bytes.fromhex(SECRET_HEX)))


@pytest.fixture(scope="session")
def relay_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_relay(tmp_path_factory.mktemp("nostr-relay")) as url:
        yield url


@pytest.fixture(autouse=True)
def private_urls(settings: Any) -> None:
    settings.ALLOW_PRIVATE_URLS = True
    settings.NOSTR_RELAY_TIMEOUT_SECONDS = 5


def stored(relay_url: str, event_id: str) -> dict[str, Any] | None:
    """The event as the relay serves it to anyone (REQ by id), checked: id and signature."""
    with Relay(relay_url, timeout=5) as relay:
        event = relay.fetch(event_id)
    assert event is None or is_valid(event), event
    return event


def connect_nostr(persona: Persona, relays: list[str]) -> PlatformAccount:
    account, _ = connect_with_credentials(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="nostr",
        payload={"privateKey": NSEC, "relays": relays},
    )
    return account


@pytest.fixture
def account(owner: Persona, relay_url: str) -> PlatformAccount:
    return connect_nostr(owner, [relay_url])


class FakeRelay:
    """A websocket server that answers every EVENT with `answer(event)` (None: stays silent)
    and records what it received, each message checked against NIP-01's shapes."""

    def __init__(self, answer: Callable[[dict[str, Any]], list[Any] | None]) -> None:
        self.answer = answer
        self.received: list[list[Any]] = []
        self.port = free_port()
        self.url = f"ws://127.0.0.1:{self.port}"
        self._server: Server | None = None

    def _handle(self, ws: ServerConnection) -> None:
        for raw in ws:
            message = json.loads(raw)
            self.received.append(message)
            if message[0] == "EVENT":
                assert len(message) == 2 and is_valid(message[1]), message
                if (reply := self.answer(message[1])) is not None:
                    ws.send(json.dumps(reply))
            elif message[0] == "REQ":
                ws.send(json.dumps(["EOSE", message[1]]))

    def __enter__(self) -> FakeRelay:
        self._server = serve(self._handle, "127.0.0.1", self.port)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()


@pytest.fixture
def fake_relay() -> Iterator[Callable[..., FakeRelay]]:
    started: list[FakeRelay] = []

    def start(answer: Callable[[dict[str, Any]], list[Any] | None]) -> FakeRelay:
        relay = FakeRelay(answer).__enter__()
        started.append(relay)
        return relay

    yield start
    for relay in started:
        relay.__exit__()


__all__ = ["NSEC", "PUBKEY", "SECRET_HEX", "FakeRelay"]

"""Bluesky fixtures: a connected account and the PDS at the HTTP boundary (`responses`)."""

from __future__ import annotations

import base64
import json
import struct
import time
import zlib
from typing import Any

import pytest
import responses

from platforms.base import ConnectedAccount
from platforms.models import PlatformAccount
from platforms.services import store_connected
from tests.conftest import Persona

PDS = "https://pds.example.com"
DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
HANDLE = "alice.bsky.social"
POST_CID = "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"
BLOB_CID = "bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy"


def xrpc(nsid: str, base: str = PDS) -> str:
    return f"{base}/xrpc/{nsid}"


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def jwt(expires_in: int = 7200, scope: str = "com.atproto.appPass") -> str:
    """An access JWT shaped like the PDS's (ES256K header, sub/scope/exp claims)."""
    header = _b64({"typ": "at+jwt", "alg": "ES256K"})
    claims = _b64({"scope": scope, "sub": DID, "exp": int(time.time()) + expires_in})
    return f"{header}.{claims}.c2lnbmF0dXJl"


def session_body(
    *, expires_in: int = 7200, refresh: str | None = None
) -> dict[str, Any]:
    """com.atproto.server.createSession / refreshSession output."""
    return {
        "did": DID,
        "handle": HANDLE,
        "email": "alice@example.com",
        "emailConfirmed": True,
        "accessJwt": jwt(expires_in),
        "refreshJwt": refresh or jwt(90 * 86400, scope="com.atproto.refresh"),
        "active": True,
        "didDoc": {
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": DID,
            "alsoKnownAs": [f"at://{HANDLE}"],
            "service": [
                {
                    "id": "#atproto_pds",
                    "type": "AtprotoPersonalDataServer",
                    "serviceEndpoint": PDS,
                }
            ],
        },
    }


def blob(
    size: int = 120, mime: str = "image/png", cid: str = BLOB_CID
) -> dict[str, Any]:
    return {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": size}


def png(width: int = 8, height: int = 6) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = (b"\x00" + b"\x1e\x90\xff" * width) * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def connect_bluesky(persona: Persona, *, expires_in: int = 7200) -> PlatformAccount:
    """A Bluesky account stored the way the connect flow stores one."""
    session = session_body(expires_in=expires_in)
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="bluesky",
        connected=ConnectedAccount(
            external_id=DID,
            display_name=HANDLE,
            credentials={
                "appPassword": "abcd-efgh-ijkl-mnop",
                "accessJwt": session["accessJwt"],
                "refreshJwt": session["refreshJwt"],
            },
            metadata={"did": DID, "handle": HANDLE, "pdsUrl": PDS, "serviceUrl": PDS},
        ),
    )
    return account


@pytest.fixture
def upstream():
    """The network edge: every request must be stubbed, and every stub used."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_bluesky(owner)


def sent_json(call: Any) -> dict[str, Any]:
    return json.loads(call.request.body)

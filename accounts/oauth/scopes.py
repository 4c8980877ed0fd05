"""The scopes a person can grant, as the reference CLI and MCP clients ask for them."""

from __future__ import annotations

READ = "read"
PUBLISH = "publish"
OFFLINE_ACCESS = "offline_access"

SCOPES = {
    READ: "Read your posts, accounts, media and settings",
    PUBLISH: "Publish, schedule and change posts, media and settings",
    OFFLINE_ACCESS: "Stay signed in (refresh tokens)",
}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def allows(scopes: frozenset[str], method: str) -> bool:
    """`read` reads; `publish` reads and writes."""
    if method.upper() in SAFE_METHODS:
        return bool(scopes & {READ, PUBLISH})
    return PUBLISH in scopes

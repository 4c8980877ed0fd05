"""Nostr: preflight rules (preflight.py); the adapter, events and relay client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="nostr",
    name="Nostr",
    adapter="platforms.nostr.adapter.NostrAdapter",
    pin="nip-01",
    label="nostr-nip01",
)

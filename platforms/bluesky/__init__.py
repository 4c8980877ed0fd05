"""Bluesky: preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="bluesky",
    name="Bluesky",
    adapter="platforms.bluesky.adapter.BlueskyAdapter",
    pin="atproto",
    label="atproto",
)

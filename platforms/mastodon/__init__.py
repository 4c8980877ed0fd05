"""Mastodon: preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="mastodon",
    name="Mastodon",
    adapter="platforms.mastodon.adapter.MastodonAdapter",
    pin="v1",
    label="mastodon-v1",
)

"""Tumblr: preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="tumblr",
    name="Tumblr",
    adapter="platforms.tumblr.adapter.TumblrAdapter",
    pin="v2",
    label="tumblr-v2",
    oauth_client=True,
)

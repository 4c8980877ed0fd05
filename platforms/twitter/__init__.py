"""X (Twitter): preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="twitter",
    name="X",
    adapter="platforms.twitter.adapter.TwitterAdapter",
    pin="v2",
    label="x-v2",
    oauth_client=True,
)

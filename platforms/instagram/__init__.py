"""Instagram: preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="instagram",
    name="Instagram",
    adapter="platforms.instagram.adapter.InstagramAdapter",
    pin="v23.0",
    label="graph-v23.0",
    oauth_client=True,
)

"""TikTok: preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="tiktok",
    name="TikTok",
    adapter="platforms.tiktok.adapter.TikTokAdapter",
    pin="v2",
    label="tiktok-v2",
    oauth_client=True,
)

"""YouTube: preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="youtube",
    name="YouTube",
    adapter="platforms.youtube.adapter.YouTubeAdapter",
    pin="v3",
    label="youtube-v3",
    oauth_client=True,
)

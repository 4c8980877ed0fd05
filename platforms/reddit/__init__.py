"""Reddit: preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="reddit",
    name="Reddit",
    adapter="platforms.reddit.adapter.RedditAdapter",
    pin="v1",
    label="reddit-v1",
    oauth_client=True,
)

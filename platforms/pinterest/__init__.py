"""Pinterest: preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="pinterest",
    name="Pinterest",
    adapter="platforms.pinterest.adapter.PinterestAdapter",
    pin="v5",
    label="pinterest-v5",
    oauth_client=True,
    account_urls=True,
)

"""WordPress (self-hosted): preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="wordpress",
    name="WordPress",
    adapter="platforms.wordpress.adapter.WordPressAdapter",
    pin="wp/v2",
    label="wordpress-wp-v2",
)

"""LinkedIn: preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="linkedin",
    name="LinkedIn",
    adapter="platforms.linkedin.adapter.LinkedInAdapter",
    pin="202605",
    label="linkedin-202605",
    oauth_client=True,
)

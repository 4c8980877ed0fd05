"""Google Business Profile: local posts on a business location (issue #19)."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="google_business",
    name="Google Business Profile",
    adapter="platforms.google_business.adapter.GoogleBusinessAdapter",
    pin="v4.9",
    label="mybusiness-v4.9",
    oauth_client=True,
)

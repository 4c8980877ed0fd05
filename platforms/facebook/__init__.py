"""Facebook Pages: preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="facebook",
    name="Facebook",
    adapter="platforms.facebook.adapter.FacebookAdapter",
    pin="v23.0",
    label="graph-v23.0",
    oauth_client=True,
)

"""LinkedIn Pages: posting as an organization the member administers (issue #19).

The same API, app and pinned `LinkedIn-Version` as personal posts (platforms.linkedin): the pin
is read from that declaration, so the two never drift apart.
"""

from platforms.base import PlatformInfo
from platforms.linkedin import PLATFORM_INFO as LINKEDIN

PLATFORM_INFO = PlatformInfo(
    slug="linkedin_page",
    name="LinkedIn Pages",
    adapter="platforms.linkedin_page.adapter.LinkedInPageAdapter",
    pin=LINKEDIN.pin,
    label=LINKEDIN.label,
    oauth_client=True,
)

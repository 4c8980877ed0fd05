"""Slack: preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="slack",
    name="Slack",
    adapter="platforms.slack.adapter.SlackAdapter",
    # The Web API has no version number; the label dates the behaviour written against
    # (files.getUploadURLExternal + completeUploadExternal, after files.upload was retired).
    pin="2025-11",
    label="slack-web-2025-11",
    oauth_client=True,
)

"""Threads: preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="threads",
    name="Threads",
    adapter="platforms.threads.adapter.ThreadsAdapter",
    pin="v1.0",
    label="threads-v1.0",
    oauth_client=True,
)

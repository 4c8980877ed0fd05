"""Lemmy: preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="lemmy",
    name="Lemmy",
    adapter="platforms.lemmy.adapter.LemmyAdapter",
    pin="v3",
    label="lemmy-v3-0.19",
)

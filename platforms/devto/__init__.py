"""DEV (Forem): preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="devto",
    name="DEV",
    adapter="platforms.devto.adapter.DevtoAdapter",
    pin="v1",
    label="forem-v1",
)

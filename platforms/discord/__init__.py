"""Discord: preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="discord",
    name="Discord",
    adapter="platforms.discord.adapter.DiscordAdapter",
    pin="v10",
    label="discord-v10",
)

"""Telegram: preflight rules (preflight.py); the adapter and client live beside them."""

from platforms.base import PlatformInfo

PLATFORM_INFO = PlatformInfo(
    slug="telegram",
    name="Telegram",
    adapter="platforms.telegram.adapter.TelegramAdapter",
    pin="10.1",
    label="telegram-bot-api-10.1",
)

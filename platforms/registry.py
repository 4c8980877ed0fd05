"""The one list of platforms: one line each, imported lazily."""

from __future__ import annotations

from functools import cache

from django.utils.module_loading import import_string

from letmepost.errors import ValidationFailed
from platforms.base import PlatformAdapter

# Every platform slug the API accepts on the wire (spec/api.md §8.1, D15, D21).
KNOWN_PLATFORMS: tuple[str, ...] = (
    "bluesky",
    "facebook",
    "instagram",
    "linkedin",
    "mastodon",
    "pinterest",
    "sandbox",
    "threads",
    "tiktok",
    "twitter",
    "youtube",
)

# The platforms this install can publish to.
PLATFORMS: dict[str, str] = {
    "bluesky": "platforms.bluesky.adapter.BlueskyAdapter",
    "facebook": "platforms.facebook.adapter.FacebookAdapter",
    "instagram": "platforms.instagram.adapter.InstagramAdapter",
    "linkedin": "platforms.linkedin.adapter.LinkedInAdapter",
    "mastodon": "platforms.mastodon.adapter.MastodonAdapter",
    "pinterest": "platforms.pinterest.adapter.PinterestAdapter",
    "sandbox": "platforms.sandbox.adapter.SandboxAdapter",
    "threads": "platforms.threads.adapter.ThreadsAdapter",
    "tiktok": "platforms.tiktok.adapter.TikTokAdapter",
    "twitter": "platforms.twitter.adapter.TwitterAdapter",
    "youtube": "platforms.youtube.adapter.YouTubeAdapter",
}


@cache
def adapter_class(slug: str) -> type[PlatformAdapter]:
    if slug not in PLATFORMS:
        raise ValidationFailed(
            f"Unknown or unavailable platform {slug!r}.",
            rule="platform",
            remediation=f"Use one of: {', '.join(sorted(PLATFORMS))}.",
        )
    return import_string(PLATFORMS[slug])

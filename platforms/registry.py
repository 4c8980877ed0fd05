"""The one list of platforms: one package each, whose `PLATFORM_INFO` declares everything else.

Each package's `__init__.py` holds its `PlatformInfo` (no Django, no adapter import), so this
module is cheap enough for settings to read `OAUTH_PLATFORMS`. Adapters are imported lazily.
How to add a platform: platforms/README.md.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from django.utils.module_loading import import_string

from letmepost.errors import ValidationFailed
from platforms.base import PlatformAdapter, PlatformInfo

# In launch order: the preflight catalog, /v1/preflight/rules and the docs list them this way.
PACKAGES: tuple[str, ...] = (
    "platforms.bluesky",
    "platforms.twitter",
    "platforms.linkedin",
    "platforms.facebook",
    "platforms.instagram",
    "platforms.threads",
    "platforms.pinterest",
    "platforms.tiktok",
    "platforms.mastodon",
    "platforms.youtube",
    "platforms.discord",
    "platforms.slack",
    "platforms.telegram",
    "platforms.reddit",
    "platforms.lemmy",
    "platforms.nostr",
    "platforms.wordpress",
    "platforms.devto",
    "platforms.tumblr",
    "platforms.linkedin_page",
    "platforms.google_business",
    "platforms.sandbox",
)

DECLARED: dict[str, PlatformInfo] = {
    info.slug: info for info in (import_module(p).PLATFORM_INFO for p in PACKAGES)
}

# Every platform slug the API accepts on the wire (spec/api.md §8.1, D15, D21), sorted.
KNOWN_PLATFORMS: tuple[str, ...] = tuple(sorted(DECLARED))

# slug -> adapter path, for the platforms this install can publish to.
PLATFORMS: dict[str, str] = {s: DECLARED[s].adapter for s in KNOWN_PLATFORMS}

# The platforms whose operator registers an OAuth app (settings.OAUTH_CLIENTS reads these).
OAUTH_PLATFORMS: tuple[str, ...] = tuple(
    s for s in KNOWN_PLATFORMS if DECLARED[s].oauth_client
)


@cache
def adapter_class(slug: str) -> type[PlatformAdapter]:
    if slug not in PLATFORMS:
        raise ValidationFailed(
            f"Unknown or unavailable platform {slug!r}.",
            rule="platform",
            remediation=f"Use one of: {', '.join(sorted(PLATFORMS))}.",
        )
    adapter: type[PlatformAdapter] = import_string(PLATFORMS[slug])
    return adapter

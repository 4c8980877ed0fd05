"""Connecting and removing channels through Postiz's routes (spec/postiz-compat.md §5.10).

`GET /social/:provider` starts our own OAuth connect and answers its authorization URL; the
person opens it, and the platform's redirect lands on our callback, which stores the account in
the caller's workspace (the state row remembers it) and returns the browser to the dashboard.
`DELETE /integrations/:id` is our disconnect: the post log stays, queued posts are canceled.
"""

from __future__ import annotations

from accounts.services import get_default_profile
from letmepost.errors import PlatformNotEnabled, ValidationFailed
from platforms import oauth
from platforms.models import PlatformAccount
from platforms.registry import PLATFORMS, adapter_class
from platforms.selectors import require_live_for, require_test_may_disconnect
from platforms.services import disconnect_account
from postiz import errors, mapping
from posts.services import Caller

NOT_ALLOWED = "Integration not allowed"
EXTERNAL_URL = (
    "This integration requires an external URL and is not supported via the public API"
)


def connect_url(
    caller: Caller, provider: str, refresh: PlatformAccount | None = None
) -> str:
    """The URL to send a person to so they connect (or, with `refresh`, reconnect) a channel."""
    platform = mapping.platform_for(provider)
    if platform not in PLATFORMS:
        raise errors.msg(NOT_ALLOWED, 400, _refused(provider, "is not a platform here"))
    adapter = adapter_class(platform)
    if not issubclass(adapter, oauth.OAuthConnect):
        raise errors.msg(
            f"{adapter.display_name} connects with credentials, not a URL: send them to "
            f"POST /v1/accounts/connect/{platform}/complete",
            400,
            _refused(provider, "connects with credentials"),
        )
    if adapter.oauth_provider is None:  # Mastodon: the server to use comes first
        raise errors.msg(EXTERNAL_URL, 400, _refused(provider, "needs a server URL"))
    try:
        adapter.ensure_enabled()
    except PlatformNotEnabled as exc:
        raise errors.msg(NOT_ALLOWED, 400, exc) from None
    require_live_for(platform, livemode=caller.livemode)
    if refresh is not None and refresh.platform != platform:
        raise errors.msg(
            "Integration not found", 404, _refused(provider, "is not this channel's")
        )
    profile = (
        refresh.profile
        if refresh is not None
        else caller.scope or get_default_profile(workspace=caller.workspace)
    )
    descriptor = oauth.start_connect(
        workspace=caller.workspace, profile=profile, platform=platform, params={}
    )
    return str(descriptor["authorizationUrl"])


def disconnect(caller: Caller, account: PlatformAccount) -> None:
    require_test_may_disconnect(account, livemode=caller.livemode)
    disconnect_account(account=account)


def _refused(provider: str, why: str) -> ValidationFailed:
    return ValidationFailed(
        f"Provider {provider!r} {why}.",
        rule="postiz.social.provider",
        remediation="Connect it from the dashboard, or with POST /v1/accounts/connect/{platform}.",
    )

"""posts' answers to platforms' and accounts' signals: posts owns the targets queued on an account,
so posts, not platforms, refuses or cancels them when the account is disconnected, and says when a
profile has live targets. Connected in PostsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.models import Profile
from accounts.signals import profile_holds_live_objects
from letmepost.errors import Unauthorized
from platforms.models import PlatformAccount
from platforms.signals import account_disconnected, test_disconnect_requested
from posts.models import PostTarget
from webhooks.events import emit_post_event

DISCONNECTED = {
    "code": "validation_failed",
    "message": "The account was disconnected.",
    "rule": "account.disconnected",
}


@receiver(test_disconnect_requested, dispatch_uid="posts.refuse_test_disconnect")
def refuse_test_disconnect(*, account: PlatformAccount, **_: Any) -> None:
    """Disconnecting cancels queued targets, and a test key never changes a live one (D23)."""
    waiting = PostTarget.objects.filter(
        account=account, livemode=True, status=PostTarget.Status.QUEUED
    )
    if waiting.exists():
        raise Unauthorized(
            "Live posts are queued on this account; a test key cannot cancel them.",
            rule="api_key.livemode",
            platform=account.platform,
            remediation="Disconnect it with a live key or from the dashboard.",
        )


@receiver(account_disconnected, dispatch_uid="posts.cancel_on_disconnect")
def cancel_queued_targets(*, account: PlatformAccount, **_: Any) -> None:
    """Cancel what was queued on the account, each announced as `post.canceled`."""
    queued = list(
        PostTarget.objects.filter(account=account, status=PostTarget.Status.QUEUED)
    )
    PostTarget.objects.filter(
        pk__in=[t.pk for t in queued], status=PostTarget.Status.QUEUED
    ).update(
        status=PostTarget.Status.CANCELED,
        error=DISCONNECTED,
        error_code=DISCONNECTED["code"],
    )
    for target in queued:
        emit_post_event("post.canceled", target=target)


@receiver(profile_holds_live_objects, dispatch_uid="posts.profile_holds_live")
def profile_has_live_targets(*, profile: Profile, **_: Any) -> bool:
    return PostTarget.objects.filter(profile=profile, livemode=True).exists()

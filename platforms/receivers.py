"""platforms' answers to accounts' signals (accounts.signals). Connected in PlatformsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.models import Profile
from accounts.signals import profile_holds_live_objects
from platforms.models import PlatformAccount


@receiver(profile_holds_live_objects, dispatch_uid="platforms.profile_holds_live")
def profile_has_accounts(*, profile: Profile, **_: Any) -> bool:
    """A connected account is shared by both modes, so it always counts as live."""
    return PlatformAccount.objects.filter(profile=profile).exists()

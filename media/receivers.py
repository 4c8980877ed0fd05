"""media's answers to accounts' signals (accounts.signals). Connected in MediaConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.models import Profile
from accounts.signals import profile_holds_live_objects
from media.models import Media


@receiver(profile_holds_live_objects, dispatch_uid="media.profile_holds_live")
def profile_has_live_media(*, profile: Profile, **_: Any) -> bool:
    return Media.objects.filter(profile=profile, livemode=True).exists()

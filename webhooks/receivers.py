"""webhooks' answers to platforms' signals (platforms.signals): platforms sits below webhooks, so
it announces token and version changes and the events are recorded here, in the sender's
transaction. Connected in WebhooksConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal, receiver

from platforms.models import PlatformAccount, PlatformVersion
from platforms.signals import token_event, version_deprecated
from webhooks.events import emit_token_event, emit_version_deprecated


@receiver(token_event, dispatch_uid="webhooks.token_event")
def announce_token_event(
    signal: Signal, sender: type, *, event: str, account: PlatformAccount, **extra: Any
) -> None:
    emit_token_event(event, account=account, **extra)


@receiver(version_deprecated, dispatch_uid="webhooks.version_deprecated")
def announce_version_deprecated(
    *, workspace_id: Any, version: PlatformVersion, **_: Any
) -> None:
    emit_version_deprecated(
        workspace=workspace_id,
        platform=version.platform,
        current_pin=version.current_pin,
        next_pin=version.next_pin or None,
        sunset_at=version.sunset_at,
        announced_at=version.announced_at,
        migration_status=version.migration_status,
        notice_url=version.notice_url or None,
    )

"""The platform-version registry (spec D12): which upstream API version each adapter is pinned to.

Rows are seeded by a data migration (`platforms/migrations/0003_seed_platform_versions.py`, from
SEED below) and edited in the Django admin when a platform announces a sunset. Adapters read their
`version` label from here, errors carry it as `platformVersion`, `GET /v1/platform-versions` lists
the rows, and `record_deprecation_notices()` (a maintenance job) tells every affected workspace.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from platforms.models import PlatformAccount, PlatformVersion, VersionNotice

logger = logging.getLogger("letmepost.platforms.versions")

# platform: (current pin, canonical label). The labels are public: errors and events carry them.
SEED: dict[str, tuple[str, str]] = {
    "bluesky": ("atproto", "atproto"),
    "facebook": ("v23.0", "graph-v23.0"),
    "instagram": ("v23.0", "graph-v23.0"),
    "linkedin": ("202605", "linkedin-202605"),
    "mastodon": ("v1", "mastodon-v1"),
    "pinterest": ("v5", "pinterest-v5"),
    "sandbox": ("v1", "sandbox-v1"),
    "threads": ("v1.0", "threads-v1.0"),
    "tiktok": ("v2", "tiktok-v2"),
    "twitter": ("v2", "x-v2"),
    "youtube": ("v3", "youtube-v3"),
}

# A notice goes out when the sunset is announced, then 30 and 7 days before it.
MILESTONES: tuple[tuple[str, timedelta | None], ...] = (
    (VersionNotice.Milestone.ANNOUNCED, None),
    (VersionNotice.Milestone.DAYS_30, timedelta(days=30)),
    (VersionNotice.Milestone.DAYS_7, timedelta(days=7)),
)


def pinned_label(platform: str, default: str) -> str:
    """The registry's label for `platform`, or `default` when the row is missing."""
    label = (
        PlatformVersion.objects.filter(platform=platform)
        .values_list("label", flat=True)
        .first()
    )
    return label or default


def list_versions() -> list[PlatformVersion]:
    return list(PlatformVersion.objects.order_by("platform"))


def due_milestone(version: PlatformVersion, now: datetime) -> str | None:
    """The latest milestone reached for a pending sunset, or None when nothing is due.

    Only the latest counts: a sunset entered 5 days before the date announces once (T-7 d), not
    three times. After the sunset, or once the migration is done, nothing more is sent.
    """
    sunset = version.sunset_at
    if sunset is None or sunset <= now:
        return None
    if version.migration_status == PlatformVersion.MigrationStatus.DONE:
        return None
    reached = None
    for milestone, before in MILESTONES:
        at = (version.announced_at or now) if before is None else sunset - before
        if at <= now:
            reached = milestone
    return reached


def notice_data(version: PlatformVersion) -> dict[str, Any]:
    """The `version.deprecated` payload of spec/webhooks.md §6.1 (plus the canonical label)."""
    return {
        "platform": version.platform,
        "currentPin": version.current_pin,
        "label": version.label,
        "nextPin": version.next_pin or None,
        "sunsetAt": version.sunset_at.isoformat() if version.sunset_at else None,
        "announcedAt": version.announced_at.isoformat()
        if version.announced_at
        else None,
        "migrationStatus": version.migration_status,
        "noticeUrl": version.notice_url or None,
    }


def record_deprecation_notices(now: datetime | None = None) -> int:
    """Record `version.deprecated` for each workspace with a live account on a platform whose
    pinned version has a sunset date, at announcement, T-30 d and T-7 d. Returns how many were new.

    Idempotent: safe to run from several processes at once (a unique constraint decides).
    """
    now = now or timezone.now()
    created = 0
    for version in PlatformVersion.objects.exclude(sunset_at=None):
        milestone = due_milestone(version, now)
        if milestone is None:
            continue
        workspaces = (
            PlatformAccount.objects.filter(
                platform=version.platform, deleted_at__isnull=True
            )
            .values_list("workspace_id", flat=True)
            .distinct()
        )
        for workspace_id in workspaces:
            if _record_notice(version, milestone, workspace_id):
                created += 1
    return created


def _record_notice(version: PlatformVersion, milestone: str, workspace_id: Any) -> bool:
    assert version.sunset_at is not None
    data = notice_data(version)
    try:
        with transaction.atomic():
            VersionNotice.objects.create(
                workspace_id=workspace_id,
                platform=version.platform,
                current_pin=version.current_pin,
                sunset_at=version.sunset_at,
                milestone=milestone,
                data={**data, "milestone": milestone},
            )
            _emit(workspace_id, version)
    except IntegrityError:
        return False  # announced already (or by a concurrent run)
    return True


def _emit(workspace_id: Any, version: PlatformVersion) -> None:
    """Hand the notice to outbound webhooks, in the same transaction, when that app is installed."""
    if not apps.is_installed("webhooks"):
        return
    from webhooks.events import emit_version_deprecated

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

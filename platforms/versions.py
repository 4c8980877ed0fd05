"""The platform-version registry (spec D12): which upstream API version each adapter is pinned to.

Every declared platform gets its row after each `migrate` (`seed_missing_versions`, from SEED
below; the first ten came from the frozen data migration 0003), and rows are edited in the Django
admin when a platform announces a sunset. Adapters read their
label from here (`pinned_label`), errors carry it as `platformVersion`, `GET /v1/platform-versions` lists
the rows, and `record_deprecation_notices()` (a maintenance job) tells every affected workspace.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from platforms.models import PlatformAccount, PlatformVersion, VersionNotice
from platforms.registry import DECLARED, KNOWN_PLATFORMS
from platforms.signals import version_deprecated

logger = logging.getLogger("letmepost.platforms.versions")

# platform: (current pin, canonical label), from the declarations. The labels are public: errors
# and events carry them.
SEED: dict[str, tuple[str, str]] = {
    s: (DECLARED[s].pin, DECLARED[s].label) for s in KNOWN_PLATFORMS
}

# A notice goes out when the sunset is announced, then 30 and 7 days before it.
MILESTONES: tuple[tuple[str, timedelta | None], ...] = (
    (VersionNotice.Milestone.ANNOUNCED, None),
    (VersionNotice.Milestone.DAYS_30, timedelta(days=30)),
    (VersionNotice.Milestone.DAYS_7, timedelta(days=7)),
)


def seed_missing_versions(apps: Any, using: str) -> None:
    """Create the row of every declared platform that has none, with its declared pin; rows that
    exist (edited in the admin) stay. Run after each `migrate`: a new platform needs no data
    migration."""
    model = apps.get_model("platforms", "PlatformVersion")
    have = set(model.objects.using(using).values_list("platform", flat=True))
    model.objects.using(using).bulk_create(
        model(platform=slug, current_pin=pin, label=label)
        for slug, (pin, label) in SEED.items()
        if slug not in have
    )


def pinned_label(platform: str) -> str:
    """The version label `platform` is pinned to: the one accessor adapters use.

    The registry row's label (admin-edited when a platform announces a sunset, D12), else the
    package's declared label ("" for an undeclared slug). Reads the database: adapters call it
    lazily (`PlatformAdapter.platform_version`), never from preflight.
    """
    label = (
        PlatformVersion.objects.filter(platform=platform)
        .values_list("label", flat=True)
        .first()
    )
    declared = DECLARED.get(platform)
    return label or (declared.label if declared else "")


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
            # webhooks announces `version.deprecated`, in this transaction
            version_deprecated.send(
                sender=PlatformVersion, workspace_id=workspace_id, version=version
            )
    except IntegrityError:
        return False  # announced already (or by a concurrent run)
    return True

"""The platform-version registry (D12): seeds, the public list, labels on errors, notices."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS
from django.test import Client
from django.utils import timezone

from letmepost.maintenance import JOBS
from platforms.models import PlatformVersion, VersionNotice
from platforms.registry import KNOWN_PLATFORMS, PLATFORMS, adapter_class
from platforms.versions import (
    SEED,
    due_milestone,
    pinned_label,
    record_deprecation_notices,
    seed_missing_versions,
)
from tests.conftest import Persona, connect_sandbox

pytestmark = pytest.mark.django_db


def test_every_known_platform_is_seeded_with_its_canonical_label() -> None:
    rows = dict(PlatformVersion.objects.values_list("platform", "label"))
    assert set(rows) == set(KNOWN_PLATFORMS)
    assert rows["bluesky"] == "atproto" and rows["twitter"] == "x-v2"
    assert rows["linkedin"] == "linkedin-202605" and rows["facebook"] == "graph-v23.0"
    assert rows == {p: label for p, (_pin, label) in SEED.items()}


def test_the_list_is_public_and_complete() -> None:
    response = Client().get("/v1/platform-versions")
    assert response.status_code == 200
    rows = {r["platform"]: r for r in response.json()["data"]}
    assert set(rows) == set(KNOWN_PLATFORMS)
    assert rows["mastodon"] == {
        "platform": "mastodon",
        "label": "mastodon-v1",
        "currentPin": "v1",
        "nextPin": None,
        "announcedAt": None,
        "sunsetAt": None,
        "noticeUrl": None,
        "migrationStatus": "none",
        "updatedAt": rows["mastodon"]["updatedAt"],
    }
    # a bad credential does not lock anyone out of a public page
    assert (
        Client(HTTP_AUTHORIZATION="Bearer nope")
        .get("/v1/platform-versions")
        .status_code
        == 200
    )


def test_adapters_read_their_label_from_the_registry(owner: Persona) -> None:
    account = connect_sandbox(owner, "v")
    PlatformVersion.objects.filter(platform="bluesky").update(label="atproto-next")
    assert adapter_class("bluesky")(account).platform_version == "atproto-next"
    assert pinned_label("bluesky") == "atproto-next"
    PlatformVersion.objects.filter(platform="bluesky").delete()
    assert adapter_class("bluesky")(account).platform_version == "atproto"  # declared


def test_each_registered_adapter_has_a_seeded_version_and_matching_slug() -> None:
    for slug in PLATFORMS:
        adapter = adapter_class(slug)
        assert adapter.slug == slug
        assert adapter.version == SEED[slug][1]


def version(platform: str = "linkedin", **fields) -> PlatformVersion:
    row = PlatformVersion.objects.get(platform=platform)
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


def test_milestones_announce_then_thirty_then_seven_days_before() -> None:
    now = timezone.now()
    row = version(
        sunset_at=now + timedelta(days=90), announced_at=now - timedelta(days=1)
    )
    assert due_milestone(row, now) == "announced"
    assert due_milestone(row, now + timedelta(days=61)) == "t-30d"
    assert due_milestone(row, now + timedelta(days=84)) == "t-7d"
    assert due_milestone(row, now + timedelta(days=91)) is None  # past the sunset
    row.migration_status = "done"
    assert due_milestone(row, now) is None
    assert due_milestone(version(platform="pinterest"), now) is None  # no sunset set


def test_notices_go_once_per_milestone_to_workspaces_with_an_affected_account(
    owner: Persona, outsider: Persona
) -> None:
    from webhooks.models import WebhookEvent

    connect_sandbox(owner, "affected")
    now = timezone.now()
    version(
        platform="sandbox",
        next_pin="v2",
        sunset_at=now + timedelta(days=40),
        notice_url="https://example.com/notice",
        migration_status="scheduled",
    )
    assert record_deprecation_notices(now) == 1
    assert record_deprecation_notices(now) == 0  # idempotent
    assert record_deprecation_notices(now + timedelta(days=11)) == 1  # T-30
    assert record_deprecation_notices(now + timedelta(days=12)) == 0
    assert record_deprecation_notices(now + timedelta(days=34)) == 1  # T-7
    notices = list(VersionNotice.objects.values_list("workspace_id", "milestone"))
    assert notices == [
        (owner.workspace.pk, "announced"),
        (owner.workspace.pk, "t-30d"),
        (owner.workspace.pk, "t-7d"),
    ]
    events = WebhookEvent.objects.filter(type="version.deprecated")
    assert events.count() == 3 and {e.workspace_id for e in events} == {
        owner.workspace.pk
    }
    data = events.first().envelope["data"]
    assert (
        data["platform"],
        data["currentPin"],
        data["nextPin"],
        data["noticeUrl"],
    ) == (
        "sandbox",
        "v1",
        "v2",
        "https://example.com/notice",
    )


def test_the_job_is_in_the_maintenance_table() -> None:
    names = {job.name: job.func for job in JOBS}
    assert (
        names["version-deprecation-notices"]
        == "platforms.versions.record_deprecation_notices"
    )


def test_the_registry_is_edited_in_the_admin(client) -> None:
    from accounts.models import User

    admin = User.objects.create_superuser(email="admin@example.com", password="x" * 12)
    client.force_login(admin)
    row = PlatformVersion.objects.get(platform="linkedin")
    assert client.get("/admin/platforms/platformversion/").status_code == 200
    page = client.get(f"/admin/platforms/platformversion/{row.pk}/change/")
    assert page.status_code == 200 and b"version.deprecated" in page.content
    assert (
        client.get(f"/admin/platforms/platformversion/{row.pk}/delete/").status_code
        == 403
    )


def test_migrate_seeds_a_missing_row_and_leaves_edited_ones() -> None:
    PlatformVersion.objects.filter(platform="nostr").delete()
    PlatformVersion.objects.filter(platform="discord").update(label="discord-v11")
    seed_missing_versions(global_apps, DEFAULT_DB_ALIAS)
    assert PlatformVersion.objects.get(platform="nostr").label == "nostr-nip01"
    assert PlatformVersion.objects.get(platform="discord").label == "discord-v11"
    assert PlatformVersion.objects.count() == len(SEED)

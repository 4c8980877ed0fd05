"""Sample `data` for test deliveries, one per event type.

The post and token samples are built by the same builders as real events, from unsaved rows, so
their shape cannot drift from what a receiver will later get.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from webhooks import events

SAMPLE_POST_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
SAMPLE_ACCOUNT_ID = uuid.UUID("00000000-0000-4000-8000-000000000002")
SAMPLE_PROFILE_ID = uuid.UUID("00000000-0000-4000-8000-000000000003")


def _target() -> Any:
    from posts.models import PostTarget

    now = timezone.now()
    return PostTarget(
        id=SAMPLE_POST_ID,
        account_id=SAMPLE_ACCOUNT_ID,
        profile_id=SAMPLE_PROFILE_ID,
        platform="bluesky",
        text="This is a test event from letmepost.",
        status=PostTarget.Status.PUBLISHED,
        scheduled_at=now - timedelta(minutes=1),
        due_at=now - timedelta(minutes=1),
        created_at=now - timedelta(minutes=5),
        published_at=now,
        platform_uri="at://did:plc:test/app.bsky.feed.post/test",
        platform_cid="bafyreitestcid",
        error={
            "code": "preflight_failed",
            "message": "Post text is 312 graphemes; bluesky allows at most 300.",
            "rule": "bluesky.text.max_graphemes",
            "platform": "bluesky",
            "remediation": "Shorten the post to 300 graphemes or fewer.",
        },
    )


def _account() -> Any:
    from platforms.models import PlatformAccount

    return PlatformAccount(
        id=SAMPLE_ACCOUNT_ID,
        profile_id=SAMPLE_PROFILE_ID,
        platform="linkedin",
        external_id="urn:li:person:test",
        display_name="Test Account",
        token_expires_at=timezone.now() + timedelta(days=6),
    )


def sample_data(type: str) -> Any:
    """Sample `data` for `type` (one of catalog.EVENT_TYPES)."""
    now = timezone.now()
    target = _target()
    if type == "post.validated":
        return events.validated_data(
            target,
            rules=[
                {"rule": "bluesky.text.max_graphemes", "passed": True},
                {"rule": "bluesky.media.max_count", "passed": True},
            ],
        )
    if type == "post.rescheduled":
        return events.rescheduled_data(
            target, previous_scheduled_at=now - timedelta(hours=1)
        )
    if type in events.POST_BUILDERS:
        return events.POST_BUILDERS[type](target)
    if type == "token.expiring":
        return events.token_expiring_data(_account())
    if type == "token.revoked":
        return events.token_revoked_data(
            _account(),
            reason="refresh_failed",
            message="The refresh token was revoked.",
        )
    if type == "version.deprecated":
        return events.version_deprecated_data(
            platform="linkedin",
            current_pin="202504",
            next_pin="202605",
            sunset_at=now + timedelta(days=30),
            announced_at=now - timedelta(days=60),
            migration_status="in_flight",
            notice_url="https://learn.microsoft.com/linkedin/marketing/versioning",
        )
    raise ValueError(f"{type!r} is not a webhook event type")

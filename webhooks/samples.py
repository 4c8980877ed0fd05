"""Sample `data` for test deliveries, one per event type.

The post and token samples are built by the same builders as real events, from unsaved rows, so
their shape cannot drift from what a receiver will later get. Billing samples follow §1.3; those
events are reserved and never emitted.
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
    iso = events._wire
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
    period_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    billing: dict[str, Any] = {
        "subscription.activated": {
            "tier": "pro",
            "previousTier": "free",
            "periodStart": iso(period_start),
            "periodEnd": iso(period_start + timedelta(days=30)),
        },
        "subscription.cancelled": {
            "tier": "pro",
            "cancelAtPeriodEnd": True,
            "cancelledAt": iso(now),
            "effectiveAt": iso(period_start + timedelta(days=30)),
        },
        "subscription.tier_changed": {
            "previousTier": "pro",
            "tier": "business",
            "periodStart": iso(period_start),
            "periodEnd": iso(period_start + timedelta(days=30)),
        },
        "quota.warning": {
            "period": now.strftime("%Y-%m"),
            "postsCount": 800,
            "quota": 1000,
            "percent": 0.8,
            "resetAt": iso(period_start + timedelta(days=31)),
        },
        "quota.exceeded": {
            "period": now.strftime("%Y-%m"),
            "postsCount": 1000,
            "quota": 1000,
            "resetAt": iso(period_start + timedelta(days=31)),
        },
        "billing.payment_failed": {
            "ls_subscription_id": "sub_test",
            "failedAt": iso(now),
            "tier": "pro",
        },
        "billing.delinquent": {
            "ls_subscription_id": "sub_test",
            "since": iso(now - timedelta(days=8)),
            "tier": "pro",
        },
        "billing.recovered": {
            "ls_subscription_id": "sub_test",
            "recoveredAt": iso(now),
            "tier": "pro",
        },
    }
    return billing[type]

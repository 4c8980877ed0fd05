"""The X launch cap (rule `twitter.launch_cap.per_account`): a publishing gate, not an X limit.

X bills every post (pay-per-use API), so an account may publish at most
`TWITTER_LAUNCH_CAP_PER_ACCOUNT` posts (published, rejected or failed targets) in a rolling 30
days; 0 turns the gate off. Targets refused by the gate itself are not counted, or a blocked
account would keep itself blocked.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from letmepost.errors import RateLimited
from platforms.models import PlatformAccount
from platforms.twitter.preflight import LAUNCH_CAP_PER_ACCOUNT, LAUNCH_CAP_WINDOW_DAYS

WINDOW = timedelta(days=LAUNCH_CAP_WINDOW_DAYS)


def check_launch_cap(account: PlatformAccount, now: datetime | None = None) -> None:
    """Raise RateLimited (429, with the moment the oldest counted post leaves the window)."""
    from posts.models import PostTarget

    cap = settings.TWITTER_LAUNCH_CAP_PER_ACCOUNT
    if cap <= 0:
        return
    now = now or timezone.now()
    Status = PostTarget.Status
    counted = PostTarget.objects.filter(
        account=account,
        livemode=True,
        status__in=(Status.PUBLISHED, Status.REJECTED, Status.FAILED),
        created_at__gt=now - WINDOW,
    ).exclude(error_code=RateLimited.code)
    stats = counted.aggregate(oldest=Min("created_at"))
    used = counted.count()
    if used < cap:
        return
    retry_at = stats["oldest"] + WINDOW
    seconds = max(1, int((retry_at - now).total_seconds()))
    raise RateLimited(
        f"This X account published {used} posts in the last {LAUNCH_CAP_WINDOW_DAYS} days; "
        f"the cap is {cap}.",
        retry_after=seconds,
        rule=LAUNCH_CAP_PER_ACCOUNT.id,
        platform="twitter",
        remediation=LAUNCH_CAP_PER_ACCOUNT.remediation,
        platform_response={
            "cap": cap,
            "windowDays": LAUNCH_CAP_WINDOW_DAYS,
            "retryAfterSeconds": seconds,
            "retryAt": retry_at.isoformat(),
        },
    )

"""The X launch cap (rule `twitter.launch_cap.per_account`): a publishing gate, not an X limit.

X bills every post (pay-per-use API), so an account may publish at most
`TWITTER_LAUNCH_CAP_PER_ACCOUNT` posts (published, rejected or failed targets) in a rolling 30
days; 0 turns the gate off. Targets refused by the gate itself are not counted, or a blocked
account would keep itself blocked. The count comes from the engine, in the draft's history: posts
owns the targets, platforms sits below it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from letmepost.errors import RateLimited
from platforms.base import PublishHistory
from platforms.twitter.preflight import LAUNCH_CAP_PER_ACCOUNT, LAUNCH_CAP_WINDOW_DAYS

WINDOW = timedelta(days=LAUNCH_CAP_WINDOW_DAYS)


def check_launch_cap(history: PublishHistory, now: datetime | None = None) -> None:
    """Raise RateLimited (429, with the moment the oldest counted post leaves the window)."""
    cap = settings.TWITTER_LAUNCH_CAP_PER_ACCOUNT
    if cap <= 0:
        return
    now = now or timezone.now()
    used, oldest = history.counted_publishes(now - WINDOW)
    if used < cap or oldest is None:
        return
    retry_at = oldest + WINDOW
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

"""The engine's side of `platforms.base.PublishHistory`: what an adapter may ask about earlier
publishing, answered from posts' models (platforms sits below posts and reads none of them)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min

from letmepost.errors import RateLimited
from posts.models import PostTarget, PublishAttempt

Status = PostTarget.Status


@dataclass(frozen=True)
class TargetHistory:
    """One target's history. Each answer is one query, run only when an adapter asks (X does)."""

    target_id: uuid.UUID
    account_id: uuid.UUID

    def first_attempt_at(self) -> datetime | None:
        return (
            PublishAttempt.objects.filter(target_id=self.target_id)
            .order_by("number")
            .values_list("started_at", flat=True)
            .first()
        )

    def counted_publishes(self, since: datetime) -> tuple[int, datetime | None]:
        # Targets refused with rate_limited never reached the platform (the cap's own refusals
        # among them): counting them would keep a capped account capped.
        stats = (
            PostTarget.objects.filter(
                account_id=self.account_id,
                livemode=True,
                status__in=(Status.PUBLISHED, Status.REJECTED, Status.FAILED),
                created_at__gt=since,
            )
            .exclude(error_code=RateLimited.code)
            .aggregate(used=Count("pk"), oldest=Min("created_at"))
        )
        return stats["used"], stats["oldest"]

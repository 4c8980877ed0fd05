"""A target's lease: who may publish it now. Every write of the engine is conditional on it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from posts.models import PostTarget


@dataclass(frozen=True)
class Claim:
    target_id: Any
    token: str
    at: datetime | None = None  # claimed ahead: the due instant to wait for


def new_lease_token() -> str:
    return secrets.token_hex(12)


def lease_until(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.PUBLISH_LEASE_SECONDS)


def held(target_id: Any, claim: Claim) -> QuerySet[PostTarget]:
    """The target's row while `claim` still holds it (publishing, leased to its token)."""
    return PostTarget.objects.filter(
        pk=target_id, status=PostTarget.Status.PUBLISHING, lease_owner=claim.token
    )

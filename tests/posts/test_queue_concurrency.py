"""50 concurrent `"scheduledAt": "next_slot"` requests take 50 different slots (SQLite and
PostgreSQL: CI runs this file with DATABASE_URL set too). Each request is served on its own
live-server thread with its own database connection, as in production."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
import requests
from django.utils import timezone

from posts.models import PostTarget
from posts.queues import set_queue
from tests.conftest import connect_sandbox, make_persona

REQUESTS = 50
WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_next_slot_posts_get_fifty_different_slots(
    live_server,
) -> None:
    persona = make_persona("queue-race@example.com")
    account = connect_sandbox(persona, "race")
    # Every hour of the week: the 50 posts fill the next 50 hours, whatever the time now.
    set_queue(
        persona.profile,
        "UTC",
        [{"weekday": d, "time": f"{h:02}:00"} for d in WEEK for h in range(24)],
    )
    headers = {"Authorization": f"Bearer {persona.key}"}
    body = {
        "targets": [{"accountId": str(account.pk)}],
        "text": "race",
        "scheduledAt": "next_slot",
    }
    before = timezone.now()

    def fire(_: int) -> requests.Response:
        return requests.post(
            f"{live_server.url}/v1/posts", json=body, headers=headers, timeout=60
        )

    with ThreadPoolExecutor(REQUESTS) as pool:
        responses = list(pool.map(fire, range(REQUESTS)))
    assert [r.status_code for r in responses] == [202] * REQUESTS, [
        r.text for r in responses if r.status_code != 202
    ]
    slots = sorted(
        datetime.fromisoformat(r.json()["scheduledAt"].replace("Z", "+00:00"))
        for r in responses
    )
    # The next 50 hours, no gap. (The first is the next hour, or the one after when the
    # requests straddle an hour boundary and that hour passed before any took it.)
    first = before.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    assert slots[0] in (first, first + timedelta(hours=1))
    assert slots == [slots[0] + timedelta(hours=i) for i in range(REQUESTS)]
    stored = PostTarget.objects.filter(profile=persona.profile, status="queued")
    assert sorted(stored.values_list("scheduled_at", flat=True)) == slots

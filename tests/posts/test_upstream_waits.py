"""Every wait a platform asks for is capped in one place (posts.dispatch.capped_wait).

A huge `Retry-After` (or a rate-limit reset in year 9999, or `sandboxRetryAfter: 1e30`) used to
overflow the due time: the attempt stayed `pending`, the target stuck in `publishing`, and every
lease expiry sent the post again. Now the wait is capped at a day, both the asked-for and the used
wait are recorded on the attempt, and nothing is sent again before the capped wait is over.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import responses
from django.utils import timezone

from platforms.upstream import delta_seconds, seconds_until
from posts.dispatch import MAX_BIGINT, capped_wait, claim_due, publish_claimed
from posts.models import PostTarget, PublishAttempt
from tests.conftest import Persona, connect_sandbox, post_json
from tests.platforms.mastodon.conftest import api, connect_mastodon

DAY = 86_400
STATUSES = api("/api/v1/statuses")


@pytest.fixture
def upstream() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def queue_post(persona: Persona, account_id: str, options: dict) -> PostTarget:
    response = post_json(
        persona.client,
        "/v1/posts",
        {
            "targets": [{"accountId": account_id, "options": options}],
            "text": "wait for it",
            "scheduledAt": (timezone.now() + timedelta(hours=1)).isoformat(),
        },
    )
    assert response.status_code == 202, response.json()
    target = PostTarget.objects.get()
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    return target


def publish_due() -> str:
    (claim,) = claim_due()
    return publish_claimed(claim)


def assert_waits_a_day(target: PostTarget, asked: int) -> None:
    target.refresh_from_db()
    assert target.status == PostTarget.Status.QUEUED
    assert (target.lease_owner, target.lease_until) == ("", None)
    wait = (target.due_at - timezone.now()).total_seconds()
    assert DAY - 60 < wait <= DAY
    attempt = PublishAttempt.objects.get(target=target)
    assert attempt.outcome == PublishAttempt.Outcome.RETRY
    assert (attempt.requested_retry_after, attempt.retry_after) == (asked, DAY)
    # Leases running out change nothing: the target is not due, so nothing is sent again.
    later = timezone.now() + timedelta(seconds=2 * 300)
    assert claim_due(now=later) == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "999999999999"},
        {"X-RateLimit-Reset": "9999-12-31T23:59:59.000Z", "Retry-After": "60"},
    ],
    ids=["retry-after", "ratelimit-reset"],
)
def test_a_huge_mastodon_wait_is_capped_recorded_and_not_resent(
    owner: Persona, upstream: responses.RequestsMock, headers: dict[str, str]
) -> None:
    account = connect_mastodon(owner)
    target = queue_post(owner, str(account.pk), {"platform": "mastodon"})
    upstream.post(
        STATUSES, status=429, json={"error": "Too many requests"}, headers=headers
    )

    assert publish_due() == PublishAttempt.Outcome.RETRY

    asked = PublishAttempt.objects.get(target=target).requested_retry_after
    assert asked is not None and asked > 10**9
    assert_waits_a_day(target, asked)
    assert len(upstream.calls) == 1


def test_a_sandbox_retry_after_of_1e30_is_capped(owner: Persona) -> None:
    account = connect_sandbox(owner, "waits")
    target = queue_post(
        owner,
        str(account.pk),
        {"sandboxOutcome": "platform_rejected", "sandboxRetryAfter": 1e30},
    )

    assert publish_due() == PublishAttempt.Outcome.RETRY

    assert_waits_a_day(
        target, MAX_BIGINT
    )  # 1e30 s is kept as the largest storable number


def test_an_immediate_post_with_a_huge_wait_answers_and_queues_the_retry(
    owner: Persona,
) -> None:
    account = connect_sandbox(owner, "now")
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [
                {
                    "accountId": str(account.pk),
                    "options": {
                        "sandboxOutcome": "rate_limited",
                        "sandboxRetryAfter": 1e30,
                    },
                }
            ],
            "text": "now",
        },
    )
    assert response.status_code == 200, response.json()
    target = PostTarget.objects.get()
    assert_waits_a_day(target, MAX_BIGINT)
    attempt = owner.client.get(f"/v1/posts/{target.pk}").json()["attempts"][0]
    assert (attempt["requestedRetryAfter"], attempt["retryAfter"]) == (MAX_BIGINT, DAY)


@pytest.mark.parametrize(
    ("asked", "used"),
    [
        (None, None),
        (30, 30),
        (-5, 0),
        (10**30, DAY),
        (float("inf"), DAY),
        (float("nan"), None),
    ],
)
def test_capped_wait(asked: float | None, used: int | None) -> None:
    assert capped_wait(asked) == used


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120),
        (" 7 ", 7),
        ("", None),
        (None, None),
        ("-1", None),
        ("1.5", None),
        ("²", None),  # str.isdigit() says yes; int() says no
        ("9" * 5000, 10**18),  # int() refuses more than 4,300 digits
    ],
)
def test_delta_seconds_reads_only_plain_seconds(
    header: str | None, seconds: int | None
) -> None:
    assert delta_seconds(header) == seconds


@pytest.mark.parametrize("header", ["2026-02-30T00:00:00Z", "soon", ""])
def test_seconds_until_ignores_times_it_cannot_use(header: str) -> None:
    assert seconds_until(header) is None


def test_seconds_until_reads_a_time_without_offset_as_utc() -> None:
    # Found by mypy: this path called the nonexistent `django.utils.timezone.UTC`.
    now = timezone.now()
    header = (now + timedelta(seconds=90)).replace(tzinfo=None).isoformat()
    assert seconds_until(header, now=now) == 90


@pytest.mark.parametrize("value", ['"soon"', "-1", "true", "[]"])
def test_a_sandbox_wait_that_is_not_a_number_is_refused(
    owner: Persona, value: str
) -> None:
    account = connect_sandbox(owner, "words")
    body = (
        f'{{"text": "x", "targets": [{{"accountId": "{account.pk}", "options": '
        f'{{"sandboxOutcome": "rate_limited", "sandboxRetryAfter": {value}}}}}]}}'
    )
    response = owner.client.post(
        "/v1/posts", data=body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["rule"] == "targets.0.options.sandboxRetryAfter"
    assert not PostTarget.objects.exists()

"""GET /metrics: the token gate, and numbers that follow the database and the rate limiter."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from letmepost.metrics import RATE_LIMITED_KEY
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget, PublishAttempt
from tests.conftest import Persona, queue_sandbox

pytestmark = pytest.mark.django_db
TOKEN = "metrics-token-for-tests"


@pytest.fixture
def metrics(settings: Any) -> Any:
    settings.METRICS_TOKEN = TOKEN
    cache.delete(RATE_LIMITED_KEY)
    return settings


def scrape() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def targets(persona: Persona, count: int, **options: Any) -> list[PostTarget]:
    return queue_sandbox(persona, "metrics", count, **options)


def make_due(*ts: PostTarget, ago: timedelta = timedelta(seconds=1)) -> None:
    PostTarget.objects.filter(pk__in=[t.pk for t in ts]).update(
        due_at=timezone.now() - ago
    )


def test_without_a_token_configured_the_route_does_not_exist(settings: Any) -> None:
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics").status_code == 404
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer x").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", "Bearer"])
def test_a_missing_or_wrong_token_is_refused(metrics: Any, header: str | None) -> None:
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = Client().get("/metrics", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"letmepost_" not in response.content


def test_queue_depth_and_dispatcher_lag_follow_due_targets(
    metrics: Any, owner: Persona
) -> None:
    waiting, also_waiting, _later = targets(owner, 3)
    make_due(waiting, ago=timedelta(seconds=90))
    make_due(also_waiting)
    samples = scrape()
    assert samples[("letmepost_queue_depth", (("queue", "publish"),))] == 2
    assert 90 <= samples[("letmepost_dispatcher_lag_seconds", ())] < 120
    assert (
        samples[("letmepost_targets", (("platform", "sandbox"), ("status", "queued")))]
        == 3
    )


def test_attempts_retries_and_latency_per_platform(
    metrics: Any, owner: Persona
) -> None:
    settings = metrics
    settings.PUBLISH_RETRY_BASE_SECONDS = 1
    _flaky, fine = targets(
        owner, 2, sandbox_outcome="platform_unavailable", sandbox_fail_attempts=1
    )
    PostTarget.objects.filter(pk=fine.pk).update(sandbox={})
    for _ in range(
        2
    ):  # first pass: one retry, one published; second: the retry publishes
        make_due(*PostTarget.objects.filter(status="queued"))
        for claim in claim_due():
            publish_claimed(claim)
    assert set(PostTarget.objects.values_list("status", flat=True)) == {"published"}
    # Give the three attempts known durations: 0.1 s, 3 s and 45 s.
    start = timezone.now() - timedelta(minutes=5)
    for attempt, seconds in zip(
        PublishAttempt.objects.order_by("started_at"), (0.1, 3, 45), strict=True
    ):
        PublishAttempt.objects.filter(pk=attempt.pk).update(
            started_at=start, finished_at=start + timedelta(seconds=seconds)
        )

    samples = scrape()
    sandbox = ("platform", "sandbox")
    assert samples[("letmepost_publish_retries_total", (sandbox,))] == 1
    assert (
        samples[
            ("letmepost_publish_attempts_total", (("outcome", "published"), sandbox))
        ]
        == 2
    )
    bucket = "letmepost_publish_duration_seconds_bucket"
    assert samples[(bucket, (("le", "0.25"), sandbox))] == 1
    assert samples[(bucket, (("le", "2.5"), sandbox))] == 1
    assert samples[(bucket, (("le", "5.0"), sandbox))] == 2
    assert samples[(bucket, (("le", "60.0"), sandbox))] == 3
    assert samples[(bucket, (("le", "+Inf"), sandbox))] == 3
    assert samples[("letmepost_publish_duration_seconds_count", (sandbox,))] == 3
    assert samples[
        ("letmepost_publish_duration_seconds_sum", (sandbox,))
    ] == pytest.approx(48.1)


def test_rate_limit_rejections_are_counted_in_the_shared_cache(
    metrics: Any, owner: Persona
) -> None:
    metrics.RATE_LIMIT = 2
    statuses = [owner.client.get("/v1/profiles").status_code for _ in range(5)]
    assert statuses.count(429) == 3
    assert scrape()[("letmepost_rate_limit_rejections_total", ())] == 3


def test_webhook_failures_are_counted(metrics: Any, owner: Persona) -> None:
    from webhooks.models import WebhookAttempt, WebhookDelivery
    from webhooks.services import create_endpoint

    metrics.WEBHOOKS_ALLOW_PRIVATE = True
    metrics.WEBHOOKS_REQUIRE_HTTPS = False
    create_endpoint(workspace=owner.workspace, url="http://127.0.0.1:9/hook", events=[])
    (target,) = targets(owner, 1)
    make_due(target)
    for claim in claim_due():
        publish_claimed(claim)
    delivery = WebhookDelivery.objects.order_by("created_at").first()
    assert delivery is not None
    for number, outcome in enumerate(("retry", "retry", "failed"), start=1):
        WebhookAttempt.objects.create(
            delivery=delivery, number=number, started_at=timezone.now(), outcome=outcome
        )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed")
    samples = scrape()
    assert samples[("letmepost_webhook_attempt_failures_total", ())] == 3
    assert samples[("letmepost_webhook_deliveries_failed_total", ())] == 1

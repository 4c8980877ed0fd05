"""`GET /metrics`: Prometheus text exposition, behind LETMEPOST_METRICS_TOKEN.

Everything is read at scrape time from what every process already shares: the database (targets,
attempts, deliveries), the cache (rate-limit rejections, counted by whichever replica refused the
request) and the broker. No process keeps metrics state of its own, so scraping any one web
replica sees the whole install. Counters computed from rows count the rows still retained
(LETMEPOST_LOG_RETENTION_DAYS), so they can step down after a purge.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector, CollectorRegistry

from letmepost.api.ratelimit import RATE_LIMITED_KEY

logger = logging.getLogger("letmepost.metrics")

LATENCY_BUCKETS = (0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)


def _targets() -> Iterator[Metric]:
    from posts.models import PostTarget

    by_status = GaugeMetricFamily(
        "letmepost_targets",
        "Post targets by status and platform (rows still retained).",
        labels=["status", "platform"],
    )
    rows = PostTarget.objects.values("status", "platform").annotate(n=Count("pk"))
    for row in rows.order_by("status", "platform"):
        by_status.add_metric([row["status"], row["platform"]], row["n"])
    yield by_status

    now = timezone.now()
    due = PostTarget.objects.filter(status=PostTarget.Status.QUEUED, due_at__lte=now)
    summary = due.aggregate(n=Count("pk"), oldest=Min("due_at"))
    lag = GaugeMetricFamily(
        "letmepost_dispatcher_lag_seconds",
        "How long the oldest due, still queued target has been waiting (0 when none is).",
    )
    oldest = summary["oldest"]
    lag.add_metric([], (now - oldest).total_seconds() if oldest else 0.0)
    yield lag
    depth = GaugeMetricFamily(
        "letmepost_queue_depth",
        "Work that is due now and not yet taken by a worker.",
        labels=["queue"],
    )
    depth.add_metric(["publish"], summary["n"])
    from webhooks.models import WebhookDelivery

    depth.add_metric(
        ["webhooks"],
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        ).count(),
    )
    yield depth


def _attempts() -> Iterator[Metric]:
    from posts.models import PublishAttempt

    outcomes = CounterMetricFamily(
        "letmepost_publish_attempts",
        "Finished publish attempts by platform and outcome.",
        labels=["platform", "outcome"],
    )
    retries = CounterMetricFamily(
        "letmepost_publish_retries",
        "Publish attempts that ended in a scheduled retry.",
        labels=["platform"],
    )
    finished = PublishAttempt.objects.exclude(outcome=PublishAttempt.Outcome.PENDING)
    rows = finished.values("target__platform", "outcome").annotate(n=Count("pk"))
    retried: dict[str, int] = {}
    for row in rows.order_by("target__platform", "outcome"):
        platform = row["target__platform"]
        outcomes.add_metric([platform, row["outcome"]], row["n"])
        if row["outcome"] == PublishAttempt.Outcome.RETRY:
            retried[platform] = row["n"]
        retried.setdefault(platform, 0)
    for platform, n in retried.items():
        retries.add_metric([platform], n)
    yield outcomes
    yield retries

    duration = ExpressionWrapper(
        F("finished_at") - F("started_at"), output_field=DurationField()
    )
    buckets = {
        f"le_{i}": Count("pk", filter=Q(took__lte=timedelta(seconds=bound)))
        for i, bound in enumerate(LATENCY_BUCKETS)
    }
    timed = (
        finished.filter(finished_at__isnull=False)
        .annotate(took=duration)
        .values("target__platform")
        .annotate(n=Count("pk"), total=Sum("took"), **buckets)
        .order_by("target__platform")
    )
    latency = HistogramMetricFamily(
        "letmepost_publish_duration_seconds",
        "Time from the start of a publish attempt to its recorded outcome, per platform.",
        labels=["platform"],
    )
    for timed_row in timed:
        # The bucket keys (le_0, le_1, ...) are made at run time; the stubs know only the others.
        timing = cast("Mapping[str, Any]", timed_row)
        points = [
            (str(bound), timing[f"le_{i}"]) for i, bound in enumerate(LATENCY_BUCKETS)
        ]
        points.append(("+Inf", timing["n"]))
        total = timing["total"] or timedelta(0)
        latency.add_metric(
            [timing["target__platform"]], points, sum_value=total.total_seconds()
        )
    yield latency


def _webhooks() -> Iterator[Metric]:
    from webhooks.models import WebhookAttempt, WebhookDelivery

    failed_attempts = CounterMetricFamily(
        "letmepost_webhook_attempt_failures",
        "Webhook delivery attempts that did not succeed (retried or final).",
    )
    failed_attempts.add_metric(
        [],
        WebhookAttempt.objects.filter(
            outcome__in=(WebhookAttempt.Outcome.RETRY, WebhookAttempt.Outcome.FAILED)
        ).count(),
    )
    yield failed_attempts
    failed = CounterMetricFamily(
        "letmepost_webhook_deliveries_failed",
        "Webhook deliveries that gave up: a permanent error or every attempt used.",
    )
    failed.add_metric(
        [],
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.FAILED).count(),
    )
    yield failed


def _rate_limits() -> Iterator[Metric]:
    rejected = CounterMetricFamily(
        "letmepost_rate_limit_rejections",
        "API requests refused with 429 by the rate limiter, across every web replica.",
    )
    rejected.add_metric([], int(cache.get(RATE_LIMITED_KEY) or 0))
    yield rejected


def _broker() -> Iterator[Metric]:
    """Tasks waiting in Celery's default Redis queue; absent with another broker or none."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        length = client.llen("celery")
    except redis.RedisError:
        logger.warning("broker queue length unavailable", exc_info=True)
        return
    waiting = GaugeMetricFamily(
        "letmepost_broker_queue_length",
        "Tasks waiting in the broker for a Celery worker.",
        labels=["queue"],
    )
    waiting.add_metric(["celery"], length)
    yield waiting


class LetmepostCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        yield from _targets()
        yield from _attempts()
        yield from _webhooks()
        yield from _rate_limits()
        yield from _broker()


def render() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(LetmepostCollector())
    return generate_latest(registry)


def _authorized(request: HttpRequest) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), settings.METRICS_TOKEN.encode()
    )


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN:
        # No token configured: the route does not exist.
        raise Http404("metrics are off")
    if not _authorized(request):
        response = HttpResponse("metrics token required\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)

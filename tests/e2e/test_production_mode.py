"""Production mode end to end: PostgreSQL, Redis, 2 `run_dispatcher` and 2 Celery worker processes.

Runs only when the suite itself runs on PostgreSQL with REDIS_URL set, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/letmepost_e2e \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python -m pytest tests/e2e

The processes use the pytest test database (rows are committed: `transaction=True`) and REDIS_URL
as broker. REDIS_URL must name a dedicated, non-zero db number: the test empties it first, all but
the pytest workers' own cache keys. Fleets sharing that broker would take each other's tasks, so
one fleet runs at a time (a lock file per REDIS_URL), whichever xdist worker or pytest run asks.
Targets are created through `posts.services.create_post`; the sandbox platform's timeline is a table
in the same database, so "published exactly once" is checked on rows, not on logs.
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import os
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from accounts.services import create_workspace, get_default_profile
from platforms.models import PlatformAccount, SandboxPost
from platforms.services import connect_with_credentials
from posts.dispatch import claim_due
from posts.models import Post, PostTarget, PublishAttempt
from posts.requests import PostRequest, TargetRequest
from posts.services import MAX_TARGETS, Caller, create_post
from tests.e2e.support import (
    BIN,
    Process,
    boot_env,
    sigterm_unwinds,
    spawn,
    wait_for,
    wait_for_output,
)

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
_redis_db = urlsplit(REDIS_URL).path.strip("/") if REDIS_URL else ""

pytestmark = [
    pytest.mark.skipif(
        not DATABASE_URL.startswith(("postgres://", "postgresql://")) or not REDIS_URL,
        reason="production mode needs DATABASE_URL=postgres://… and REDIS_URL=redis://…/<db>",
    ),
    pytest.mark.skipif(
        bool(REDIS_URL) and _redis_db in ("", "0"),
        reason="REDIS_URL must name a dedicated db number (e.g. redis://127.0.0.1:6379/14): "
        "this test flushes it",
    ),
    pytest.mark.django_db(transaction=True),
]

SETTLE_TIMEOUT = 90  # seconds for every target to reach a terminal status
LEAD = 3  # seconds from the moment every target exists to their common due time
SAFETY_NET_SECONDS = 2  # beat's dispatch tick in these fleets (10 s by default)


def test_database_url() -> str:
    """A URL for the database pytest-django created, so the subprocesses share its rows."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


test_database_url.__test__ = False  # a helper, not a test


@contextmanager
def broker_to_ourselves() -> Iterator[None]:
    """Hold the REDIS_URL broker alone until the block ends; other fleets wait here."""
    name = hashlib.sha256(REDIS_URL.encode()).hexdigest()[:12]
    with (Path(tempfile.gettempdir()) / f"letmepost-broker-{name}.lock").open(
        "a"
    ) as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released on close, or if this process dies
        yield


def flush_redis() -> None:
    """Drop stale broker messages from earlier runs; keep the other workers' cache (tests/settings.py)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        stale = [k for k in client.scan_iter(count=1000) if not k.startswith(b"test-")]
        if stale:
            client.delete(*stale)
    finally:
        client.close()


@contextmanager
def fleet(
    tmp_path: Path, *, lease_seconds: int, dispatchers: int = 2, beat: bool = False
) -> Iterator[dict[str, Process]]:
    """2 dispatchers (by default) + 2 threaded Celery workers (+ beat) against the test database;
    all SIGKILLed after."""
    with broker_to_ourselves():
        flush_redis()
        with run_fleet(
            tmp_path, lease_seconds=lease_seconds, dispatchers=dispatchers, beat=beat
        ) as processes:
            yield processes


@contextmanager
def run_fleet(
    tmp_path: Path, *, lease_seconds: int, dispatchers: int, beat: bool
) -> Iterator[dict[str, Process]]:
    env = boot_env(
        tmp_path,
        DATABASE_URL=test_database_url(),
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,
        LETMEPOST_SECRET_KEY=os.environ["LETMEPOST_SECRET_KEY"],
        LETMEPOST_ENCRYPTION_KEYS=os.environ["LETMEPOST_ENCRYPTION_KEYS"],
        LETMEPOST_PUBLISH_LEASE_SECONDS=str(lease_seconds),
        LETMEPOST_DISPATCH_SAFETY_NET_SECONDS=str(SAFETY_NET_SECONDS),
    )
    processes: dict[str, Process] = {}
    with sigterm_unwinds():
        try:
            for n in range(1, dispatchers + 1):
                processes[f"dispatcher{n}"] = spawn(
                    f"dispatcher{n}",
                    [sys.executable, "manage.py", "run_dispatcher"],
                    env=env,
                    log_dir=tmp_path,
                )
            if beat:
                processes["beat"] = spawn(
                    "beat",
                    [
                        str(BIN / "celery"),
                        "-A",
                        "letmepost",
                        "beat",
                        "--schedule",
                        str(tmp_path / "celerybeat-schedule"),
                        "--loglevel=INFO",
                    ],
                    env=env,
                    log_dir=tmp_path,
                )
            for n in (1, 2):
                processes[f"worker{n}"] = spawn(
                    f"worker{n}",
                    [
                        str(BIN / "celery"),
                        "-A",
                        "letmepost",
                        "worker",
                        "--pool=threads",
                        "-c",
                        "4",
                        "-n",
                        f"e2e-worker{n}@%h",
                        "--loglevel=INFO",
                        "--without-gossip",
                        "--without-mingle",
                    ],
                    env=env,
                    log_dir=tmp_path,
                )
            markers = {"worker": "ready.", "dispatcher": "dispatcher polling"}
            for name, process in processes.items():
                wait_for_output(process, markers.get(name.rstrip("12"), "is starting"))
            yield processes
        finally:
            for process in processes.values():
                process.kill()


def sandbox_caller(handle: str) -> tuple[Caller, PlatformAccount]:
    user = User.objects.create_user(
        email=f"{handle}@example.com", password="e2e-password-123"
    )
    workspace = create_workspace(owner=user, name=f"{handle} workspace")
    account, _ = connect_with_credentials(
        workspace=workspace,
        profile=get_default_profile(workspace=workspace),
        platform="sandbox",
        payload={"handle": handle},
    )
    return Caller(workspace=workspace, scope=None, livemode=True, user=user), account


def schedule_many(caller: Caller, account: PlatformAccount, count: int) -> datetime:
    """`count` targets, in batches of MAX_TARGETS, then all due at one whole second LEAD s ahead.

    They are created an hour ahead and moved to the common time in one UPDATE once all exist:
    however long a loaded machine takes to store them, they become due together, in the future.
    """
    for start in range(0, count, MAX_TARGETS):
        size = min(MAX_TARGETS, count - start)
        create_post(
            caller=caller,
            request=PostRequest(
                targets=(
                    TargetRequest(
                        account_id=str(account.pk), options={"platform": "sandbox"}
                    ),
                )
                * size,
                text=f"production batch {start // MAX_TARGETS}",
                scheduled_at=timezone.now() + timedelta(hours=1),
            ),
        )
    due = (timezone.now() + timedelta(seconds=LEAD + 1)).replace(microsecond=0)
    Post.objects.update(scheduled_at=due)
    assert PostTarget.objects.update(scheduled_at=due, due_at=due) == count
    return due


def wait_until_terminal(count: int, fleet: dict[str, Process]) -> None:
    def done() -> bool:
        for process in fleet.values():
            assert process.alive() or process.extra.get("killed"), (
                f"{process.name} died:\n{process.output()}"
            )
        return (
            PostTarget.objects.filter(status__in=PostTarget.TERMINAL).count() == count
        )

    try:
        wait_for(
            done, timeout=SETTLE_TIMEOUT, interval=0.2, what=f"{count} terminal targets"
        )
    except AssertionError:
        statuses = dict(
            PostTarget.objects.values_list("status").annotate(n=Count("pk")).order_by()
        )
        raise AssertionError(
            f"not all terminal after {SETTLE_TIMEOUT}s: {statuses}"
        ) from None


def assert_published_exactly_once(count: int) -> list[PostTarget]:
    targets = list(PostTarget.objects.all())
    assert len(targets) == count
    assert {t.status for t in targets} == {PostTarget.Status.PUBLISHED}
    tokens = list(SandboxPost.objects.values_list("token", flat=True))
    assert len(tokens) == count
    assert len(set(tokens)) == count
    assert set(tokens) == {str(t.pk) for t in targets}
    succeeded = Q(attempts__outcome__in=("published", "reconciled"))
    twice = (
        PostTarget.objects.annotate(wins=Count("attempts", filter=succeeded))
        .exclude(wins=1)
        .values_list("pk", "wins")
    )
    assert list(twice) == []
    assert not PublishAttempt.objects.filter(outcome="pending").exists()
    return targets


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def report_lag(
    targets: list[PostTarget],
    label: str,
    record_property: Callable[[str, object], None],
) -> dict[str, float]:
    lags = [(t.published_at - t.scheduled_at).total_seconds() for t in targets]
    figures = {
        "p50": round(statistics.median(lags), 3),
        "p99": round(percentile(lags, 0.99), 3),
        "max": round(max(lags), 3),
    }
    print(  # noqa: T201 - the figure is the point of this test
        f"\n{label}: {len(lags)} targets, lag published_at - scheduled_at "
        f"p50 {figures['p50']:.3f}s  p99 {figures['p99']:.3f}s  max {figures['max']:.3f}s"
    )
    for name, value in figures.items():
        record_property(f"{label}_lag_{name}_seconds", value)
    return figures


def test_500_targets_due_in_one_second_are_each_published_exactly_once(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    caller, account = sandbox_caller("production")
    with fleet(tmp_path, lease_seconds=60) as processes:
        schedule_many(caller, account, 500)
        wait_until_terminal(500, processes)
    targets = assert_published_exactly_once(500)
    figures = report_lag(targets, "production_500", record_property)
    # Generous: this is a correctness test that also reports the lag.
    assert figures["p50"] < 10


def test_a_dispatcher_killed_mid_run_loses_nothing(
    tmp_path: Path, record_property: Callable[[str, object], None], settings: Any
) -> None:
    # Well above the drain time of 200 targets, even on a busy 2-core machine.
    lease = 10
    settings.PUBLISH_LEASE_SECONDS = lease  # for the claim made from this process
    caller, account = sandbox_caller("dispatcher-crash")
    with fleet(tmp_path, lease_seconds=lease) as processes:
        due = schedule_many(caller, account, 200)
        # A third dispatcher that leased 25 targets and died before enqueueing them: the
        # deterministic worst case (the real kill below lands wherever it lands).
        stranded = claim_due(limit=MAX_TARGETS, now=due)
        assert len(stranded) == MAX_TARGETS
        # Kill as soon as the dispatchers start claiming: mid-claim or mid-enqueue.
        wait_for(
            lambda: (
                PostTarget.objects.exclude(status=PostTarget.Status.QUEUED).count()
                > MAX_TARGETS
            ),
            timeout=LEAD + 11,
            interval=0.01,
            what="the dispatchers to start claiming",
        )
        victim = processes["dispatcher1"]
        victim.extra["killed"] = True
        victim.kill()
        wait_until_terminal(200, processes)
    targets = assert_published_exactly_once(200)
    reclaimed = [t for t in targets if t.pk in {c.target_id for c in stranded}]
    assert len(reclaimed) == MAX_TARGETS
    # Nobody touched them until their lease ran out; then the surviving dispatcher took them.
    assert all(t.published_at >= due + timedelta(seconds=lease) for t in reclaimed)
    waited = sum(t.published_at >= due + timedelta(seconds=lease) for t in targets)
    print(  # noqa: T201
        f"\n{waited} of 200 targets waited for a lease to expire "
        f"({MAX_TARGETS} stranded on purpose, the rest by the SIGKILLed dispatcher)"
    )
    record_property("dispatcher_crash_targets_reclaimed_after_lease", waited)
    report_lag(targets, "dispatcher_crash_200", record_property)


def test_with_every_dispatcher_stopped_beat_still_publishes_due_posts_exactly_once(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """The safety net: beat's `posts.dispatch_due` tick, and workers, with no run_dispatcher."""
    caller, account = sandbox_caller("safety-net")
    with fleet(tmp_path, lease_seconds=60, dispatchers=0, beat=True) as processes:
        schedule_many(caller, account, 100)
        assert not any(name.startswith("dispatcher") for name in processes)
        wait_until_terminal(100, processes)
    targets = assert_published_exactly_once(100)
    report_lag(targets, "beat_safety_net_100", record_property)

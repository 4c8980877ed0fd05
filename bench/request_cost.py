"""CPU time, SQL statements and transactions per request, in process, for the create-post path.

Wall-clock throughput is noisy on a shared machine; CPU time per request is not. This drives
`POST /v1/posts` (one sandbox target scheduled a day ahead, a fresh Idempotency-Key each) and,
for comparison, the 400 path and the one-INSERT floor (`POST /v1/profiles`) through the whole
middleware stack with Django's test client (the WSGI handler gunicorn runs), and prints for each:
process CPU ms per request (`time.process_time()`), SQL statements, commits and statements run
outside a transaction (each its own commit). SQLite on a temp data dir by default; set
DATABASE_URL/REDIS_URL for PostgreSQL and Redis (the database is migrated first).

    .venv/bin/python -m bench.request_cost [--requests 300] [--profile out.prof]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import BOOTSTRAP_ARGS, iso_z, say

TEST_KEYS = {
    "LETMEPOST_SECRET_KEY": "bench-secret-key-" + "x" * 40,
    "LETMEPOST_ENCRYPTION_KEYS": "3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
}


@dataclass
class Cost:
    name: str
    cpu_ms: list[float]
    statements: list[int]
    commits: list[int]
    autocommits: list[int]

    def merge(self, other: Cost) -> None:
        self.cpu_ms += other.cpu_ms
        self.statements += other.statements
        self.commits += other.commits
        self.autocommits += other.autocommits

    def line(self) -> str:
        return (
            f"{self.name:>10}: CPU {statistics.median(self.cpu_ms):6.2f} ms/req (p50), "
            f"{statistics.fmean(self.cpu_ms):6.2f} mean; "
            f"{statistics.fmean(self.statements):5.1f} statements, "
            f"{statistics.fmean(self.commits):4.1f} commits + "
            f"{statistics.fmean(self.autocommits):4.1f} autocommit statements"
        )


class SqlCounter:
    """Counts statements (and those outside any atomic block) and commits on one connection."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.statements = self.autocommits = self.commits = 0
        original = connection._commit

        def counted_commit() -> Any:
            self.commits += 1
            return original()

        connection._commit = counted_commit  # type: ignore[method-assign]

    def __call__(self, execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        self.statements += 1
        if not self.connection.in_atomic_block:
            self.autocommits += 1
        return execute(sql, *args)

    def take(self) -> tuple[int, int, int]:
        counts = (self.statements, self.commits, self.autocommits)
        self.statements = self.autocommits = self.commits = 0
        return counts


def setup() -> tuple[Any, str, str]:
    """Django up, the schema migrated, a bootstrapped key and one sandbox account."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["LETMEPOST_DATA_DIR"] = tempfile.mkdtemp(prefix="letmepost-cost-")
    for name, value in TEST_KEYS.items():
        os.environ.setdefault(name, value)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="letmepost.settings",
        LETMEPOST_RATE_LIMIT="10000000",
        LETMEPOST_LOG_LEVEL="warning",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    out = io.StringIO()
    call_command("bootstrap", *BOOTSTRAP_ARGS, stdout=out)
    key = json.loads(out.getvalue().strip().splitlines()[-1])["apiKey"]
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {key}")
    answer = client.post(
        "/v1/accounts/connect/sandbox/complete",
        {"handle": f"cost-{uuid.uuid4().hex[:8]}"},
        content_type="application/json",
    )
    assert answer.status_code in (200, 201), answer.content
    return client, key, answer.json()["id"]


def series(
    name: str,
    client: Any,
    counter: SqlCounter,
    build: Callable[[int], tuple[str, dict[str, Any], int]],
    requests: int,
) -> Cost:
    cost = Cost(name, [], [], [], [])
    for n in range(requests):
        path, body, expected = build(n)
        counter.take()
        started = time.process_time()
        answer = client.post(
            path,
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
        cost.cpu_ms.append((time.process_time() - started) * 1000)
        statements, commits, autocommits = counter.take()
        assert answer.status_code == expected, (answer.status_code, answer.content)
        cost.statements.append(statements)
        cost.commits.append(commits)
        cost.autocommits.append(autocommits)
    return cost


PROFILER = cProfile.Profile(time.process_time)  # CPU time, not waits


@contextmanager
def profiled(path: str | None) -> Iterator[None]:
    """Add the block to one cProfile, written to `path` after each block."""
    if not path:
        yield
        return
    PROFILER.enable()
    try:
        yield
    finally:
        PROFILER.disable()
        PROFILER.dump_stats(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="per series")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", help="write a cProfile of the posts series here")
    parser.add_argument(
        "--sql", action="store_true", help="print the statements of one accepted post"
    )
    args = parser.parse_args()

    client, _, account = setup()
    from django.conf import settings
    from django.db import connection

    later = iso_z(datetime.now(UTC) + timedelta(days=1))

    def post(n: int) -> tuple[str, dict[str, Any], int]:
        body = {
            "targets": [{"accountId": account, "options": {"platform": "sandbox"}}],
            "text": f"cost post {n}",
            "scheduledAt": later,
        }
        return "/v1/posts", body, 202

    def invalid(n: int) -> tuple[str, dict[str, Any], int]:
        return "/v1/posts", {"targets": [], "text": f"no targets {n}"}, 400

    def floor(n: int) -> tuple[str, dict[str, Any], int]:
        return "/v1/profiles", {"name": f"floor {uuid.uuid4().hex[:12]}"}, 201

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    say(f"database: {engine}; cache: {settings.CACHES['default']['BACKEND']}")
    builds = {"floor": floor, "400": invalid, "posts": post}
    results = {name: Cost(name, [], [], [], []) for name in builds}
    per_round = max(1, args.requests // args.rounds)
    with connection.execute_wrapper(counter := SqlCounter()):
        for build in builds.values():  # warm caches, imports and the connection
            series("warm-up", client, counter, build, 30)
        # Rounds alternate the series, so drift on a shared machine hits them alike.
        for _ in range(args.rounds):
            for name, build in builds.items():
                with profiled(
                    args.profile
                    if name == os.environ.get("BENCH_PROFILE_SERIES", "posts")
                    else None
                ):
                    results[name].merge(series(name, client, counter, build, per_round))
    for cost in results.values():
        say(cost.line())
    if args.sql:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            series("one post", client, SqlCounter(), post, 1)
        for query in captured.captured_queries:
            say(f"  {query['sql'][:160]}")
    floor_ms = statistics.median(results["floor"].cpu_ms)
    say(
        f"ratio to floor (CPU p50): 400 {statistics.median(results['400'].cpu_ms) / floor_ms:.2f}x, "
        f"posts {statistics.median(results['posts'].cpu_ms) / floor_ms:.2f}x"
    )


if __name__ == "__main__":
    main()

"""Schedule lag (issue #22 goals 3 and 4): how late scheduled targets are published.

Burst (goal 3): `--targets` (1,000) targets due at one whole second about `--lead` seconds ahead,
40 requests of 25 targets (one per sandbox account) from 4 threads. Lone (goal 4, `--lone`):
`--lone-count` (100) single-target posts at random instants spread over `--lone-span` (60) s.
Either way the bench then reads the database until every target is terminal and reports
`published_at - scheduled_at`, `platform_at - scheduled_at` (when the sandbox platform's timeline
row was written, i.e. when the post went "live"), and whether each target succeeded exactly once,
next to the goal it is measured against.

    .venv/bin/python -m bench.schedule_lag                      # goal 3, embedded (`make run`)
    .venv/bin/python -m bench.schedule_lag --lone               # goal 4, embedded
    DATABASE_URL=postgres://…/lmp_bench REDIS_URL=redis://127.0.0.1:6379/<n> \\
      .venv/bin/python -m bench.schedule_lag --mode production --delay-ms 200   # goal 3
    DATABASE_URL=… REDIS_URL=… .venv/bin/python -m bench.schedule_lag --mode production --lone

`--mode embedded` runs `manage.py serve` on a fresh SQLite data dir. `--mode production` runs
every role of the Procfile (web, dispatcher, worker, beat) through `bin/run-prod` against
DATABASE_URL (migrated first) with REDIS_URL as cache and broker: REDIS_URL must name a dedicated,
non-zero db, which the bench empties first (stale broker messages would publish old targets).
`--delay-ms` sets the sandbox option `sandboxDelayMs` on every target: the platform "answers" that
many milliseconds after applying the post, like a real network round trip.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import (
    Client,
    Server,
    bench_env,
    bootstrap_key,
    connect_sandbox_accounts,
    embedded_server,
    free_port,
    iso_z,
    parse_db_time,
    running,
    say,
    summary,
)
from bench.web_throughput import TEST_KEYS  # production mode: throwaway keys

BATCH = 25  # the API's maximum targets per request
PRODUCTION_READY_WAIT = 180  # seconds: migrate, then four roles start on a busy machine
SETTLE_TIMEOUT = 180  # seconds after the last due time for every target to be terminal
TERMINAL = ("published", "failed", "rejected", "canceled")
# Issue #22: (p99, max) in seconds; None where the goal sets no bound.
GOALS = {
    ("burst", "production"): ("goal 3 (production)", 1.5, 2.0),
    ("burst", "embedded"): ("goal 3 (embedded)", 2.0, None),
    ("lone", "production"): ("goal 4", 0.3, None),
    ("lone", "embedded"): ("goal 4", 0.3, None),
}
ROWS_SQL = (
    "SELECT t.status, t.scheduled_at, t.published_at, s.created_at, t.attempt_count, "
    "(SELECT COUNT(*) FROM posts_publishattempt a WHERE a.target_id = t.id "
    "AND a.outcome IN ('published', 'reconciled')), "
    "(SELECT MIN(a.started_at) FROM posts_publishattempt a WHERE a.target_id = t.id) "
    "FROM posts_posttarget t LEFT JOIN platforms_sandboxpost s ON {join} "
    "WHERE t.text LIKE {p}"
)
TERMINAL_SQL = "SELECT COUNT(*) FROM posts_posttarget WHERE text LIKE {p} AND status IN ({p},{p},{p},{p})"
IDLE_SAMPLE = 5.0  # seconds of idle CPU sampled before a burst
ROLES = (("run_dispatcher", "dispatcher"), ("beat", "beat"), ("celery", "worker"))


def _role(cmdline: str) -> str:
    for needle, role in ROLES:
        if needle in cmdline:
            return role
    return "web" if "gunicorn" in cmdline else "server"


def cpu_by_role(session: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the live processes of `session`, by Procfile
    role: on a shared machine this, not wall-clock lag, is what compares runs fairly."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue  # exited meanwhile
        if int(fields[3]) != session:  # fields[3] is the session id (field 6 of stat)
            continue
        role = _role(cmdline.decode(errors="replace"))
        used[role] = used.get(role, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return used


class Store:
    """Read-only queries on the server's database: SQLite (WAL, never blocks the server) or
    PostgreSQL."""

    def __init__(self, server: Server, database_url: str = "") -> None:
        self.url = database_url
        self.server = server

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        if self.url:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn:
                yield conn.cursor()
        else:
            with self.server.read_db() as conn:
                yield conn.cursor()

    def _sql(self, template: str) -> str:
        placeholder = "%s" if self.url else "?"
        # Django stores UUIDs on SQLite as 32 hex digits; the sandbox token is str(uuid).
        join = (
            "s.token = t.id::text" if self.url else "REPLACE(s.token, '-', '') = t.id"
        )
        return template.format(p=placeholder, join=join)

    def terminal(self, marker: str) -> int:
        with self._cursor() as cur:
            cur.execute(self._sql(TERMINAL_SQL), (f"{marker}%", *TERMINAL))
            return cur.fetchone()[0]

    def rows(self, marker: str) -> list[tuple[Any, ...]]:
        with self._cursor() as cur:
            cur.execute(self._sql(ROWS_SQL), (f"{marker}%",))
            found = cur.fetchall()
        if self.url:
            return found
        return [
            (
                s,
                *(parse_db_time(v) if v else None for v in (a, b, c)),
                n,
                w,
                parse_db_time(t) if t else None,
            )
            for s, a, b, c, n, w, t in found
        ]


def _create(
    client: Client, targets: list[dict[str, Any]], text: str, at: datetime
) -> None:
    status, body = client.request(
        "POST",
        "/v1/posts",
        {"targets": targets, "text": text, "scheduledAt": iso_z(at)},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    if status != 202:
        raise RuntimeError(f"creating {text!r} failed with {status}: {body}")


def schedule(
    server: Server, *, targets: int, lead: float, marker: str, delay_ms: int = 0
) -> tuple[datetime, float]:
    """Create the batches from 4 threads; return the common due time and how long creating took."""
    due = (datetime.now(UTC) + timedelta(seconds=lead)).replace(microsecond=0)
    client = server.client()
    options: dict[str, Any] = {"platform": "sandbox"}
    if delay_ms:
        options["sandboxDelayMs"] = delay_ms
    batches = [
        server.accounts[: min(BATCH, targets - start)]
        for start in range(0, targets, BATCH)
    ]

    def create(numbered: tuple[int, list[str]]) -> None:
        n, accounts = numbered
        _create(
            client,
            [{"accountId": a, "options": options} for a in accounts],
            f"{marker} batch {n}",
            due,
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(create, enumerate(batches)))
    took = time.perf_counter() - started
    if datetime.now(UTC) >= due:
        raise RuntimeError(
            f"creating took {took:.1f}s, past the due time: raise --lead"
        )
    return due, took


def schedule_lone(
    server: Server, *, count: int, span: float, lead: float, marker: str
) -> tuple[datetime, datetime, float]:
    """`count` one-target posts at random instants (ms precision) over `span` s from `lead` s on."""
    start = datetime.now(UTC) + timedelta(seconds=lead)
    offsets = sorted(random.uniform(0, span) for _ in range(count))  # noqa: S311
    client = server.client()
    options = {"platform": "sandbox"}
    began = time.perf_counter()
    for n, offset in enumerate(offsets):
        account = server.accounts[n % len(server.accounts)]
        at = start + timedelta(seconds=offset)
        _create(
            client, [{"accountId": account, "options": options}], f"{marker} {n}", at
        )
    took = time.perf_counter() - began
    if datetime.now(UTC) >= start:
        raise RuntimeError(f"creating took {took:.1f}s, past the first due time")
    return start, start + timedelta(seconds=span), took


def wait_terminal(
    store: Store, *, targets: int, last_due: datetime, marker: str
) -> int:
    deadline = time.monotonic() + max(
        0.0, (last_due - datetime.now(UTC)).total_seconds()
    )
    deadline += SETTLE_TIMEOUT
    done = 0
    # Bounded in count too; the deadline ends it first.
    for _ in range(int(SETTLE_TIMEOUT * 10) + 100_000):
        done = store.terminal(marker)
        if done >= targets or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    return done


def collect(
    store: Store, *, marker: str, targets: int, first_due: datetime, done: int
) -> dict[str, Any]:
    rows = store.rows(marker)
    published = [r for r in rows if r[0] == "published"]
    lag = [(r[2] - r[1]).total_seconds() for r in published]
    live = [(r[3] - r[1]).total_seconds() for r in published if r[3]]
    taken = [(r[6] - r[1]).total_seconds() for r in published if r[6]]
    last = max((r[2] for r in published), default=first_due)
    return {
        "targets": targets,
        "terminal": done,
        "published": len(published),
        "exactly_once": sum(1 for r in published if r[5] == 1),
        "retried": sum(1 for r in published if r[4] > 1),
        "lag": summary(lag) if lag else None,
        "live": summary(live) if live else None,
        "taken": summary(taken) if taken else None,
        "drain": (last - first_due).total_seconds(),
    }


def measure(
    server: Server,
    *,
    targets: int,
    lead: float,
    delay_ms: int = 0,
    store: Store | None = None,
) -> dict[str, Any]:
    """The burst series (goal 3)."""
    store = store or Store(server)
    marker = f"lag-{uuid.uuid4().hex[:8]}"
    due, took = schedule(
        server, targets=targets, lead=lead, marker=marker, delay_ms=delay_ms
    )
    # CPU from here on is the publish side's (creating is done), less what the roles burn
    # polling when idle; split at the due instant: what was done ahead, and what was left.
    before = cpu_by_role(server.process.pid)
    started = time.monotonic()
    time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
    at_due, ahead = cpu_by_role(server.process.pid), time.monotonic() - started
    done = wait_terminal(store, targets=targets, last_due=due, marker=marker)
    result = collect(store, marker=marker, targets=targets, first_due=due, done=done)
    after, span = cpu_by_role(server.process.pid), time.monotonic() - started
    idle = idle_cpu(server.process.pid)
    busy = sum(idle.values())
    cpu = {
        role: spent - idle.get(role, 0.0) * span
        for role, spent in _spent(before, after).items()
    }
    cpu_ahead = sum(_spent(before, at_due).values()) - busy * ahead
    return {
        **result,
        "series": "burst",
        "delay_ms": delay_ms,
        "created_in": took,
        "cpu": cpu,
        "cpu_ahead": cpu_ahead,
    }


def _spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {role: after[role] - before.get(role, 0.0) for role in sorted(after)}


def idle_cpu(session: int, seconds: float = IDLE_SAMPLE) -> dict[str, float]:
    """CPU seconds per second each role uses with nothing to publish."""
    before = cpu_by_role(session)
    time.sleep(seconds)
    return {
        role: spent / seconds
        for role, spent in _spent(before, cpu_by_role(session)).items()
    }


def measure_lone(
    server: Server, *, count: int, span: float, lead: float, store: Store
) -> dict[str, Any]:
    """The lone series (goal 4)."""
    marker = f"lone-{uuid.uuid4().hex[:8]}"
    first, last, took = schedule_lone(
        server, count=count, span=span, lead=lead, marker=marker
    )
    done = wait_terminal(store, targets=count, last_due=last, marker=marker)
    result = collect(store, marker=marker, targets=count, first_due=first, done=done)
    return {**result, "series": "lone", "delay_ms": 0, "created_in": took}


def report(
    result: dict[str, Any], *, workers: str, interval: str, mode: str = "embedded"
) -> None:
    knobs = {
        "LETMEPOST_DISPATCH_INTERVAL_MS": interval,
        "LETMEPOST_DISPATCH_AHEAD_MS": os.environ.get(
            "LETMEPOST_DISPATCH_AHEAD_MS", "2000"
        ),
    }
    if mode == "embedded":
        knobs["LETMEPOST_EMBEDDED_WORKERS"] = workers
    else:
        knobs["LETMEPOST_WORKER_CONCURRENCY"] = workers
    series = result.get("series", "burst")
    what = (
        f"{result['targets']} targets due at one second"
        if series == "burst"
        else f"{result['targets']} lone posts spread over the span"
    )
    say(
        f"\n(b) schedule lag, {mode} mode, {what} ("
        + ", ".join(f"{k}={v}" for k, v in knobs.items())
        + ")"
        + (
            f", platform answers in {result['delay_ms']} ms"
            if result["delay_ms"]
            else ""
        )
    )
    say(
        f"created in {result['created_in']:.1f}s; {result['published']}/{result['targets']} "
        f"published ({result['terminal']} terminal, {result['retried']} needed >1 attempt, "
        f"{result.get('exactly_once', '?')} succeeded exactly once); "
        f"last one {result['drain']:.2f}s after the first due time"
    )
    say(
        f"{'lag after scheduledAt':<36}{'min s':>8}{'p50 s':>8}{'p99 s':>8}{'max s':>8}"
    )
    for label, figures in (
        ("first attempt opened (taken)", result.get("taken")),
        ("published_at (recorded)", result["lag"]),
        ("sandbox timeline row (live)", result["live"]),
    ):
        if figures:
            say(
                f"{label:<36}{figures['min']:>8.2f}{figures['p50']:>8.2f}"
                f"{figures['p99']:>8.3f}{figures['max']:>8.3f}"
            )
    if cpu := result.get("cpu"):
        per = 1000 * sum(cpu.values()) / max(1, result["targets"])
        ahead = 1000 * result["cpu_ahead"] / max(1, result["targets"])
        say(
            f"CPU once created, less idle polling: {per:.1f} ms per target, "
            f"{ahead:.1f} of them before the due instant ("
            + ", ".join(f"{role} {secs:.1f}s" for role, secs in cpu.items())
            + ")"
        )
    if (goal := GOALS.get((series, mode))) and result["lag"]:
        name, p99, worst = goal
        met = (
            result["published"] == result["targets"]
            and result.get("exactly_once") == result["targets"]
            and result["lag"]["p99"] <= p99
            and (worst is None or result["lag"]["max"] <= worst)
        )
        bound = f"p99 ≤ {p99} s" + (f", max ≤ {worst} s" if worst else "")
        say(
            f"{name}: every target published exactly once, {bound} → "
            + ("MET" if met else "NOT MET")
        )


@contextmanager
def production_stack(
    *, accounts: int, keep_data: bool = False
) -> Iterator[tuple[Server, Store]]:
    """Every Procfile role via `bin/run-prod` on DATABASE_URL and a flushed REDIS_URL db."""
    url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or not redis_url:
        raise SystemExit(
            "--mode production needs DATABASE_URL=postgres://… and REDIS_URL"
        )
    if urlsplit(redis_url).path.strip("/") in ("", "0"):
        raise SystemExit(
            "REDIS_URL must name a dedicated non-zero db: the bench empties it"
        )
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    workdir = Path(tempfile.mkdtemp(prefix="letmepost-lag-"))
    env = bench_env(workdir)
    env.update(
        DATABASE_URL=url,
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        LETMEPOST_LOG_LEVEL="warning",
        PATH=f"{Path(sys.executable).parent}:{env['PATH']}",
    )
    for name, value in TEST_KEYS.items():
        env[name] = os.environ.get(name, value)
    port = free_port()
    log = workdir / "run-prod.log"
    try:
        with running(
            ["bin/run-prod"],
            env={**env, "LETMEPOST_PORT": str(port)},
            port=port,
            log_path=log,
            ready_wait=PRODUCTION_READY_WAIT,
        ) as process:
            server = Server(data_dir=workdir, port=port, process=process)
            server.key = bootstrap_key(env)
            connect_sandbox_accounts(server, accounts)
            yield server, Store(server, url)
    finally:
        if keep_data:
            say(f"logs kept: {log}")
        else:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def stack(mode: str, *, keep: bool) -> Iterator[tuple[Server, Store]]:
    if mode == "production":
        with production_stack(accounts=BATCH, keep_data=keep) as pair:
            yield pair
    else:
        with embedded_server(accounts=BATCH, keep_data=keep) as server:
            yield server, Store(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mode", choices=("embedded", "production"), default="embedded"
    )
    parser.add_argument("--targets", type=int, default=1000)
    parser.add_argument(
        "--lead", type=float, default=10.0, help="seconds ahead to schedule"
    )
    parser.add_argument(
        "--delay-ms",
        type=int,
        default=0,
        help="simulated platform latency (sandboxDelayMs)",
    )
    parser.add_argument(
        "--lone", action="store_true", help="the lone-post series (goal 4)"
    )
    parser.add_argument("--lone-count", type=int, default=100)
    parser.add_argument("--lone-span", type=float, default=60.0)
    parser.add_argument(
        "--keep", action="store_true", help="keep the data dir and logs"
    )
    args = parser.parse_args()
    say(
        f"letmepost schedule lag: {args.mode} mode, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} at start"
    )
    with stack(args.mode, keep=args.keep) as (server, store):
        if args.lone:
            result = measure_lone(
                server,
                count=args.lone_count,
                span=args.lone_span,
                lead=args.lead,
                store=store,
            )
        else:
            result = measure(
                server,
                targets=args.targets,
                lead=args.lead,
                delay_ms=args.delay_ms,
                store=store,
            )
    workers = (
        os.environ.get("LETMEPOST_EMBEDDED_WORKERS", "16")
        if args.mode == "embedded"
        else os.environ.get("LETMEPOST_WORKER_CONCURRENCY", "Procfile")
    )
    report(
        result,
        workers=workers,
        interval=os.environ.get("LETMEPOST_DISPATCH_INTERVAL_MS", "250"),
        mode=args.mode,
    )
    say(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()

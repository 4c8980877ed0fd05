"""Schedule lag: how late 1,000 targets due at the same moment are published (embedded mode).

40 requests of 25 targets (one per sandbox account) are scheduled for one whole second about
`--lead` seconds ahead. The bench then reads the server's SQLite file (read-only, WAL) until every
target is terminal, and reports `published_at - scheduled_at`, plus `platform_at - scheduled_at`
(when the sandbox platform's timeline row was written, i.e. when the post went "live").

    .venv/bin/python -m bench.schedule_lag [--targets 1000] [--lead 10] [--delay-ms 0]
    LETMEPOST_EMBEDDED_WORKERS=16 .venv/bin/python -m bench.schedule_lag --targets 200 --delay-ms 200

`--delay-ms` sets the sandbox option `sandboxDelayMs` on every target: the platform "answers" that
many milliseconds after applying the post, like a real network round trip.
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import Server, embedded_server, iso_z, parse_db_time, say, summary

BATCH = 25  # the API's maximum targets per request
SETTLE_TIMEOUT = 180  # seconds after the due time for every target to be terminal
TERMINAL = ("published", "failed", "rejected", "canceled")


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
        status, body = client.request(
            "POST",
            "/v1/posts",
            {
                "targets": [{"accountId": a, "options": options} for a in accounts],
                "text": f"{marker} batch {n}",
                "scheduledAt": iso_z(due),
            },
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        if status != 202:
            raise RuntimeError(f"creating batch {n} failed with {status}: {body}")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(create, enumerate(batches)))
    took = time.perf_counter() - started
    if datetime.now(UTC) >= due:
        raise RuntimeError(
            f"creating took {took:.1f}s, past the due time: raise --lead"
        )
    return due, took


def wait_terminal(server: Server, *, targets: int, due: datetime, marker: str) -> int:
    deadline = time.monotonic() + max(0.0, (due - datetime.now(UTC)).total_seconds())
    deadline += SETTLE_TIMEOUT
    done = 0
    with server.read_db() as db:
        # Bounded in count too; the deadline ends it first.
        for _ in range(int(SETTLE_TIMEOUT * 10) + 10_000):
            done = db.execute(
                "SELECT COUNT(*) FROM posts_posttarget WHERE text LIKE ? AND status IN (?,?,?,?)",
                (f"{marker}%", *TERMINAL),
            ).fetchone()[0]
            if done >= targets or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    return done


def measure(
    server: Server, *, targets: int, lead: float, delay_ms: int = 0
) -> dict[str, Any]:
    marker = f"lag-{uuid.uuid4().hex[:8]}"
    due, took = schedule(
        server, targets=targets, lead=lead, marker=marker, delay_ms=delay_ms
    )
    done = wait_terminal(server, targets=targets, due=due, marker=marker)
    with server.read_db() as db:
        # Django stores UUIDs on SQLite as 32 hex digits; the sandbox token is str(uuid).
        rows = db.execute(
            "SELECT t.status, t.scheduled_at, t.published_at, s.created_at, t.attempt_count "
            "FROM posts_posttarget t LEFT JOIN platforms_sandboxpost s "
            "ON REPLACE(s.token, '-', '') = t.id WHERE t.text LIKE ?",
            (f"{marker}%",),
        ).fetchall()
    published = [r for r in rows if r[0] == "published"]
    lag = [
        (parse_db_time(r[2]) - parse_db_time(r[1])).total_seconds() for r in published
    ]
    live = [
        (parse_db_time(r[3]) - parse_db_time(r[1])).total_seconds()
        for r in published
        if r[3]
    ]
    last = max((parse_db_time(r[2]) for r in published), default=due)
    return {
        "targets": targets,
        "delay_ms": delay_ms,
        "created_in": took,
        "terminal": done,
        "published": len(published),
        "retried": sum(1 for r in published if r[4] > 1),
        "lag": summary(lag) if lag else None,
        "live": summary(live) if live else None,
        "drain": (last - due).total_seconds(),
    }


def report(result: dict[str, Any], *, workers: str, interval: str) -> None:
    say(
        f"\n(b) schedule lag, {result['targets']} targets due at one second "
        f"(LETMEPOST_EMBEDDED_WORKERS={workers}, LETMEPOST_DISPATCH_INTERVAL_MS={interval})"
        + (
            f", platform answers in {result['delay_ms']} ms"
            if result["delay_ms"]
            else ""
        )
    )
    say(
        f"created in {result['created_in']:.1f}s; {result['published']}/{result['targets']} "
        f"published ({result['terminal']} terminal, {result['retried']} needed >1 attempt); "
        f"last one {result['drain']:.2f}s after the due time"
    )
    say(
        f"{'lag after scheduledAt':<36}{'min s':>8}{'p50 s':>8}{'p99 s':>8}{'max s':>8}"
    )
    for label, figures in (
        ("published_at (recorded)", result["lag"]),
        ("sandbox timeline row (live)", result["live"]),
    ):
        if figures:
            say(
                f"{label:<36}{figures['min']:>8.2f}{figures['p50']:>8.2f}"
                f"{figures['p99']:>8.2f}{figures['max']:>8.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
    args = parser.parse_args()
    with embedded_server(accounts=BATCH) as server:
        result = measure(
            server, targets=args.targets, lead=args.lead, delay_ms=args.delay_ms
        )
    report(
        result,
        workers=os.environ.get("LETMEPOST_EMBEDDED_WORKERS", "4"),
        interval=os.environ.get("LETMEPOST_DISPATCH_INTERVAL_MS", "250"),
    )


if __name__ == "__main__":
    main()

"""Two process-level settings, each measured against its absence in one run, in process.

* `--gc`: full (generation 2) garbage collections while accepting posts, without and with
  `letmepost.heap.freeze_startup_heap()` (what the serving entry points call). Each side runs in
  its own interpreter, so neither inherits the other's heap; prints the longest pause of each
  generation and the ratio.
* `--prepared`: PostgreSQL prepared statements (LETMEPOST_DB_PREPARED_STATEMENTS): alternating
  rounds of accepted posts on a connection with and without them, printing this process's CPU and
  the PostgreSQL backend's CPU (from /proc) per post. Needs DATABASE_URL=postgres://… and REDIS_URL.

    .venv/bin/python -m bench.runtime_knobs --gc [--requests 2000]
    DATABASE_URL=… REDIS_URL=… .venv/bin/python -m bench.runtime_knobs --prepared
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import REPO, iso_z, say
from bench.request_cost import setup


def _poster() -> Callable[[int], None]:
    client, _, account = setup()
    later = iso_z(datetime.now(UTC) + timedelta(days=1))

    def post(n: int) -> None:
        answer = client.post(
            "/v1/posts",
            {
                "targets": [{"accountId": account, "options": {"platform": "sandbox"}}],
                "text": f"knob post {n}",
                "scheduledAt": later,
            },
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
        assert answer.status_code == 202, answer.content

    return post


def gc_side(freeze: bool, requests: int) -> None:
    """One side of --gc, in its own interpreter: prints {generation: [pause ms, …]} as JSON."""
    post = _poster()
    if freeze:
        from letmepost.heap import freeze_startup_heap

        freeze_startup_heap()
    pauses: dict[int, list[float]] = defaultdict(list)
    started: list[float] = []

    def watch(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        else:
            pauses[info["generation"]].append(
                (time.perf_counter() - started.pop()) * 1000
            )

    gc.callbacks.append(watch)
    for n in range(requests):
        post(n)
    gc.callbacks.remove(watch)
    say(json.dumps(pauses))


def compare_gc(requests: int) -> None:
    sides = {}
    for freeze in (False, True):
        out = subprocess.run(  # noqa: S603 - this module, on this interpreter
            [
                sys.executable,
                "-m",
                "bench.runtime_knobs",
                "--gc-side",
                str(int(freeze)),
                "--requests",
                str(requests),
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            timeout=900,
        )
        sides[freeze] = {
            int(k): v for k, v in json.loads(out.stdout.splitlines()[-1]).items()
        }
    say(f"{requests} accepted posts in process (SQLite unless DATABASE_URL is set)")
    say(f"{'':>18} {'collections':>11} {'total ms':>9} {'longest ms':>10}")
    for freeze, pauses in sides.items():
        for generation in sorted(pauses):
            p = pauses[generation]
            label = f"{'frozen' if freeze else 'default'} gen{generation}"
            say(f"{label:>18} {len(p):>11} {sum(p):>9.0f} {max(p):>10.1f}")
    longest = [max(max(p) for p in side.values()) for side in sides.values()]
    say(f"longest pause, default / frozen: {longest[0] / longest[1]:.1f}x")


def compare_prepared(requests: int, rounds: int) -> None:
    if not os.environ.get("DATABASE_URL", "").startswith(
        ("postgres://", "postgresql://")
    ):
        raise SystemExit("--prepared needs DATABASE_URL=postgres://… and REDIS_URL")
    post = _poster()
    from django.db import connection

    tick = os.sysconf("SC_CLK_TCK")

    def backend_cpu() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    def side(prepared: bool) -> tuple[float, float]:
        connection.close()  # the next connection takes the options below
        options = connection.settings_dict.setdefault("OPTIONS", {})
        options.update(
            server_side_binding=prepared, prepare_threshold=2 if prepared else None
        )
        for n in range(10):  # connect, and let the hot statements be prepared
            post(n)
        cpu: list[float] = []
        database = backend_cpu()
        for n in range(requests):
            began = time.process_time()
            post(n)
            cpu.append((time.process_time() - began) * 1000)
        return statistics.median(cpu), (backend_cpu() - database) * 1000 / requests

    results: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for _ in range(rounds):  # alternating, so drift on a shared machine hits both alike
        for prepared in (False, True):
            results[prepared].append(side(prepared))
    say(f"{rounds} rounds x {requests} accepted posts; CPU ms per post (median round)")
    for prepared, rows in results.items():
        python = statistics.median(r[0] for r in rows)
        database = statistics.median(r[1] for r in rows)
        say(
            f"{'prepared' if prepared else 'plain':>9}: Python {python:5.2f}  PostgreSQL {database:5.2f}"
        )
    plain, prepared_rows = results[False], results[True]
    say(
        "PostgreSQL CPU, plain / prepared: "
        f"{statistics.median(r[1] for r in plain) / statistics.median(r[1] for r in prepared_rows):.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gc", action="store_true")
    parser.add_argument("--prepared", action="store_true")
    parser.add_argument("--gc-side", type=int, choices=(0, 1), help=argparse.SUPPRESS)
    parser.add_argument("--requests", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.gc_side is not None:
        gc_side(bool(args.gc_side), args.requests or 2000)
    elif args.gc:
        compare_gc(args.requests or 2000)
    elif args.prepared:
        compare_prepared(args.requests or 300, args.rounds)
    else:
        parser.error("choose --gc or --prepared")


if __name__ == "__main__":
    main()

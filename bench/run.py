"""Both benchmarks in one run, on one embedded server: API write throughput, then schedule lag.

    .venv/bin/python -m bench.run                      # defaults: 400 req/endpoint, 1,000 targets
    LETMEPOST_EMBEDDED_WORKERS=8 LETMEPOST_DISPATCH_INTERVAL_MS=100 .venv/bin/python -m bench.run

Starts `manage.py serve` on a free loopback port with a temp LETMEPOST_DATA_DIR (deleted after
unless --keep), bootstraps a key, connects 25 sandbox accounts, measures, prints a table.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

from bench import api_throughput, schedule_lag
from bench.common import embedded_server, say


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=400, help="(a) requests per endpoint"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="(a) client threads")
    parser.add_argument(
        "--targets", type=int, default=1000, help="(b) targets due at once"
    )
    parser.add_argument("--lead", type=float, default=10.0, help="(b) seconds ahead")
    parser.add_argument(
        "--delay-ms", type=int, default=0, help="(b) simulated platform latency"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the data dir and server log"
    )
    args = parser.parse_args()

    workers = os.environ.get("LETMEPOST_EMBEDDED_WORKERS", "16")
    interval = os.environ.get("LETMEPOST_DISPATCH_INTERVAL_MS", "250")
    say(
        f"letmepost bench: embedded mode (SQLite WAL), {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}, "
        f"load average {os.getloadavg()[0]:.2f} at start"
    )
    started = time.monotonic()
    with embedded_server(accounts=schedule_lag.BATCH, keep_data=args.keep) as server:
        throughput = api_throughput.measure(
            server, requests=args.requests, concurrency=args.concurrency
        )
        lag = schedule_lag.measure(
            server, targets=args.targets, lead=args.lead, delay_ms=args.delay_ms
        )
    api_throughput.report(throughput)
    schedule_lag.report(lag, workers=workers, interval=interval)
    say(
        f"\ntotal {time.monotonic() - started:.0f}s, "
        f"load average {os.getloadavg()[0]:.2f} at the end"
    )


if __name__ == "__main__":
    main()

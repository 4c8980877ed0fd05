"""Accepted `POST /v1/posts` per second and latency, next to a one-INSERT floor on the same server.

Scheduling a post (one sandbox target, a day ahead, so nothing publishes meanwhile) runs the whole
request path: auth, rate limit, idempotency reservation, serializer, account resolution, preflight
and one transaction writing the batch, its target and the stored response. The floor is
`POST /v1/profiles`: the same middleware (auth, rate limit, idempotency) around a single INSERT.
Their ratio is what the posts pipeline costs over the cheapest authenticated write.

    .venv/bin/python -m bench.api_throughput [--requests 400] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import Client, Server, embedded_server, iso_z, say, summary

REQUEST_TIMEOUT = 300  # seconds for one measured series, whatever its size


@dataclass
class Series:
    name: str
    latencies: list[float]  # seconds, accepted requests only
    wall: float  # seconds for the whole series
    errors: int

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall

    def merged(self, other: Series) -> Series:
        return Series(
            self.name,
            self.latencies + other.latencies,
            self.wall + other.wall,
            self.errors + other.errors,
        )


def run_series(
    name: str,
    client: Client,
    build: Callable[[int], tuple[str, dict[str, Any], int]],
    *,
    requests: int,
    concurrency: int,
) -> Series:
    """Send `requests` requests from `concurrency` threads; stop early after REQUEST_TIMEOUT s."""
    deadline = time.monotonic() + REQUEST_TIMEOUT

    def one(n: int) -> float | None:
        if time.monotonic() > deadline:
            return None
        path, body, expected = build(n)
        started = time.perf_counter()
        status, answer = client.request(
            "POST", path, body, headers={"Idempotency-Key": str(uuid.uuid4())}
        )
        elapsed = time.perf_counter() - started
        if status != expected:
            say(f"  {name}: unexpected {status}: {str(answer)[:200]}")
            return None
        return elapsed

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, range(requests)))
    wall = time.perf_counter() - started
    latencies = [r for r in results if r is not None]
    return Series(name, latencies, wall, len(results) - len(latencies))


def floor_request(n: int) -> tuple[str, dict[str, Any], int]:
    return "/v1/profiles", {"name": f"floor {uuid.uuid4().hex[:12]}"}, 201


def post_request(server: Server) -> Callable[[int], tuple[str, dict[str, Any], int]]:
    later = iso_z(datetime.now(UTC) + timedelta(days=1))  # never due during the bench

    def build(n: int) -> tuple[str, dict[str, Any], int]:
        account = server.accounts[n % len(server.accounts)]
        body = {
            "targets": [{"accountId": account, "options": {"platform": "sandbox"}}],
            "text": f"bench post {n}",
            "scheduledAt": later,
        }
        return "/v1/posts", body, 202

    return build


def measure(
    server: Server, *, requests: int, concurrency: int, rounds: int = 2
) -> dict[str, Any]:
    """Warm up, then alternate floor and posts series so drift hits both alike."""
    client = server.client()
    posts = post_request(server)
    run_series("warm-up", client, floor_request, requests=40, concurrency=concurrency)
    run_series("warm-up", client, posts, requests=40, concurrency=concurrency)
    floor = post = None
    per_round = max(1, requests // rounds)
    for _ in range(rounds):
        f = run_series(
            "floor", client, floor_request, requests=per_round, concurrency=concurrency
        )
        p = run_series(
            "posts", client, posts, requests=per_round, concurrency=concurrency
        )
        floor = f if floor is None else floor.merged(f)
        post = p if post is None else post.merged(p)
    assert floor is not None and post is not None
    return {
        "concurrency": concurrency,
        "floor": floor,
        "posts": post,
        "ratio": floor.rate / post.rate,
    }


def report(result: dict[str, Any]) -> None:
    say(
        f"\n(a) API write throughput, {result['concurrency']} client threads, keep-alive"
    )
    say(f"{'endpoint':<34}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'n':>6}{'errors':>8}")
    for label, series in (
        ("POST /v1/profiles  (floor)", result["floor"]),
        ("POST /v1/posts  (scheduled, 1 tgt)", result["posts"]),
    ):
        s = summary(series.latencies)
        say(
            f"{label:<34}{series.rate:>8.1f}{s['p50'] * 1000:>9.1f}{s['p99'] * 1000:>9.1f}"
            f"{len(series.latencies):>6}{series.errors:>8}"
        )
    say(f"floor / posts throughput ratio: {result['ratio']:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="per endpoint")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with embedded_server(accounts=25) as server:
        report(measure(server, requests=args.requests, concurrency=args.concurrency))


if __name__ == "__main__":
    main()

"""Celery entry points for production mode: thin, ids in, safe to redeliver."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.db import connection

from posts.batch import publish_batch
from posts.dispatch import publish_claimed
from posts.leases import Claim
from posts.tick import Ticked, tick
from webhooks.delivery import DeliveryClaim
from webhooks.tasks import deliver_webhook_task

SAFETY_NET_MAX_TICKS = 50  # one beat tick hands over at most this many batches
# Platform calls of one worker process, mostly waits on slow platforms, so far more of them than
# Celery's threads (each runs one batch: mostly waiting for instants, then recording). With a
# connection pool the threads share its few connections; without one each busy thread holds a
# connection of its own, so it stays within what PostgreSQL's max_connections can spare.
IO_THREADS_POOLED = 512
IO_THREADS_UNPOOLED = 8
_io: dict[int, ThreadPoolExecutor] = {}  # by process id: threads do not survive a fork
_io_lock = threading.Lock()


def io_pool() -> ThreadPoolExecutor:
    """This worker process's pool for platform calls, its threads started on first use."""
    with _io_lock:
        if (pool := _io.get(os.getpid())) is None:
            pooled = connection.settings_dict.get("OPTIONS", {}).get("pool")
            size = IO_THREADS_POOLED if pooled else IO_THREADS_UNPOOLED
            pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="publish")
            _start_threads(pool, size)
            _io.clear()
            _io[os.getpid()] = pool
        return pool


@worker_ready.connect
def _ready(**_: Any) -> None:
    io_pool()  # a worker starts its publish threads before the first burst, not during it


def _start_threads(pool: ThreadPoolExecutor, count: int) -> None:
    """Start the pool's threads now, not at a burst's instant: started on demand, hundreds of
    threads at once cost that instant a few hundred milliseconds. Each blocks until all exist
    (a blocked thread is not idle, so every submit starts one more), then they go idle."""
    started = threading.Event()
    for _ in range(count):
        pool.submit(started.wait, 5)
    started.set()


@shared_task(name="posts.publish_target", acks_late=True)
def publish_target_task(target_id: str, token: str, at: str | None = None) -> str:
    """One claim (messages sent before batches existed). Redelivery is harmless: publish_claimed
    only acts while the lease `token` is held.

    `at` (ISO 8601) is a claimed-ahead target's due instant: the worker waits for it.
    """
    due = datetime.fromisoformat(at) if at else None
    return publish_claimed(Claim(target_id, token, due))


@shared_task(name="posts.publish_batch", acks_late=True, ignore_result=True)
def publish_batch_task(claims: list[list[str | None]]) -> None:
    """One dispatch batch: `[target_id, token, at or None]` each. Redelivery is harmless, as for
    `publish_target_task`: every write is conditional on a lease the claim still holds."""
    publish_batch(
        [
            Claim(
                str(target_id), str(token), datetime.fromisoformat(at) if at else None
            )
            for target_id, token, at in claims
        ],
        io_pool(),
    )


def send_to_worker(claims: list[Claim]) -> None:
    """One message per batch: a worker prepares the batch's targets before their instant."""
    publish_batch_task.delay(
        [
            [str(c.target_id), c.token, c.at.isoformat() if c.at else None]
            for c in claims
        ]
    )


def send_delivery(claim: DeliveryClaim) -> None:
    deliver_webhook_task.delay(str(claim.delivery_id), claim.token)


def celery_tick() -> Ticked:
    """Production's tick (`run_dispatcher` and beat): claims go to Celery workers."""
    return tick(publish=send_to_worker, deliver=send_delivery)


@shared_task(name="posts.dispatch_due", ignore_result=True)
def dispatch_due_task() -> int:
    """Beat's safety net: hand over everything due now, whether or not a dispatcher runs."""
    handed = 0
    for _ in range(SAFETY_NET_MAX_TICKS):
        ticked = celery_tick()
        handed += ticked.posts + ticked.deliveries
        if not ticked.more:
            break
    return handed

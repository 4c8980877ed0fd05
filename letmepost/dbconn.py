"""Database connection plumbing shared by the publish path and the platforms it waits on."""

from __future__ import annotations

from django.db import connection


def release_pooled_connection() -> None:
    """Give this thread's pooled PostgreSQL connection back before a long wait (a platform call).

    Hundreds of concurrent publishes then share the pool's few connections instead of each holding
    one of PostgreSQL's `max_connections` while it waits; the next query borrows one again. No-op
    without a pool (SQLite, `LETMEPOST_DB_POOL_SIZE=0`) and inside a transaction.
    """
    if getattr(connection, "pool", None) and not connection.in_atomic_block:
        connection.close()

"""Django's SQLite backend, with the write lock taken in-process before SQLite's own.

SQLite runs one writer at a time, and embedded mode (`make run`) runs every writer in one process:
the server's request threads and the runner's. A transaction that finds the database locked waits
in SQLite's busy handler, which sleeps in steps of up to 100 ms and wakes nobody when the lock is
freed, so under 8 concurrent writers a few requests lost the race again and again (p99 ~1.8 s
for accepted posts, measured with `bench.web_throughput --role embedded`). Here a transaction
first takes a per-database lock of this process, which hands over as soon as the holder commits
or rolls back; SQLite's lock and busy timeout still guard against other processes.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

_writers: dict[str, threading.Lock] = {}
_writers_guard = threading.Lock()


def _writer_lock(name: str) -> threading.Lock:
    with _writers_guard:
        return _writers.setdefault(name, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    # As long as SQLite's own busy timeout (the PRAGMA in settings): a writer waits no longer
    # than it did, and a transaction waiting on its own thread's other transaction still fails.
    WRITER_WAIT_SECONDS = 5.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writer: threading.Lock | None = None

    def set_autocommit(
        self,
        autocommit: bool,
        force_begin_transaction_with_broken_autocommit: bool = False,
    ) -> None:
        # How an outermost atomic block begins its transaction on SQLite (BEGIN IMMEDIATE).
        begins = not autocommit and force_begin_transaction_with_broken_autocommit
        if begins:
            self._take_writer()
        try:
            super().set_autocommit(
                autocommit, force_begin_transaction_with_broken_autocommit
            )
        except BaseException:
            if begins:
                self._release_writer()
            raise

    def _take_writer(self) -> None:
        lock = _writer_lock(str(self.settings_dict["NAME"]))
        if not lock.acquire(timeout=self.WRITER_WAIT_SECONDS):
            raise OperationalError(
                "database is locked (by another thread's transaction)"
            )
        self._writer = lock

    def _release_writer(self) -> None:
        lock, self._writer = self._writer, None
        if lock is not None:
            lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release_writer()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release_writer()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release_writer()

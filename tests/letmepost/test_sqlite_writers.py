"""Embedded mode queues SQLite writers in-process (letmepost/sqlite/base.py)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection, connections, transaction

from accounts.models import Workspace

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="the in-process writer lock is SQLite's"
    ),
]


def _in_thread(work) -> threading.Thread:
    def run() -> None:
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_second_writer_waits_for_the_first_and_goes_on_when_it_commits() -> None:
    holding, release = threading.Event(), threading.Event()
    order: list[str] = []

    def first() -> None:
        with transaction.atomic():
            Workspace.objects.create(name="first")
            holding.set()
            release.wait(5)
            order.append("first commits")

    def second() -> None:
        holding.wait(5)
        with transaction.atomic():
            order.append("second begins")
            Workspace.objects.create(name="second")

    threads = [_in_thread(first), _in_thread(second)]
    holding.wait(5)
    time.sleep(0.3)  # the second is now queued behind the first's transaction
    assert order == []
    release.set()
    for thread in threads:
        thread.join(10)
    assert order == ["first commits", "second begins"]
    assert set(Workspace.objects.values_list("name", flat=True)) >= {"first", "second"}


def test_a_writer_gives_up_after_the_busy_timeout_like_sqlite_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(type(connections["default"]), "WRITER_WAIT_SECONDS", 0.2)
    holding, release = threading.Event(), threading.Event()
    failures: list[Exception] = []

    def first() -> None:
        with transaction.atomic():
            Workspace.objects.create(name="holder")
            holding.set()
            release.wait(5)

    def second() -> None:
        holding.wait(5)
        try:
            with transaction.atomic():
                Workspace.objects.create(name="too late")
        except OperationalError as exc:
            failures.append(exc)

    threads = [_in_thread(first), _in_thread(second)]
    threads[1].join(5)
    release.set()
    threads[0].join(5)
    assert len(failures) == 1 and "another thread" in str(failures[0])
    assert not Workspace.objects.filter(name="too late").exists()
    # The lock was handed back: the next transaction runs at once.
    with transaction.atomic():
        Workspace.objects.create(name="after")

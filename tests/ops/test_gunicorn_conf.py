"""The web role's gunicorn settings: clients spread over the processes (docs/performance.md)."""

from __future__ import annotations

import runpy
from typing import Any

import pytest

from tests.e2e.support import REPO

CONF = REPO / "letmepost" / "gunicorn.conf.py"


def conf(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in (
        "LETMEPOST_WEB_WORKERS",
        "LETMEPOST_WEB_THREADS",
        "LETMEPOST_WEB_CONNECTIONS",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # The file sets a default pool size in os.environ: set it here, so it is restored after.
    monkeypatch.setenv("LETMEPOST_DB_POOL_SIZE", "0")
    return runpy.run_path(str(CONF))


def test_a_process_holds_two_connections_per_thread_unless_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = conf(monkeypatch, LETMEPOST_WEB_THREADS="3")
    assert (default["worker_class"], default["worker_connections"]) == ("gthread", 6)
    assert default["keepalive"] <= 2  # a held idle connection blocks a waiting client
    assert conf(monkeypatch, LETMEPOST_WEB_CONNECTIONS="50")["worker_connections"] == 50

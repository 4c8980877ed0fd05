"""On PostgreSQL, hot statements are prepared on each connection (LETMEPOST_DB_PREPARED_STATEMENTS)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from accounts.models import Workspace

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "LETMEPOST_SECRET_KEY": "settings-test-" + "x" * 40,
    "LETMEPOST_ENCRYPTION_KEYS": "3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
}


def _database_options(**env: str) -> dict[str, object]:
    """OPTIONS of the default database as letmepost.settings builds them in a fresh process."""
    script = (
        "import json; from letmepost import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {}), default=str))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LETMEPOST_")}
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        env={**clean, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_postgresql_prepares_by_default_and_the_switch_turns_it_off() -> None:
    on = _database_options()
    assert on["server_side_binding"] is True and on["prepare_threshold"] == 2
    off = _database_options(LETMEPOST_DB_PREPARED_STATEMENTS="false")
    assert "server_side_binding" not in off and "prepare_threshold" not in off


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_a_repeated_query_runs_as_a_prepared_statement() -> None:
    for _ in range(3):
        list(Workspace.objects.filter(name="prepared?").values_list("pk"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("accounts_workspace" in sql for sql in prepared), prepared

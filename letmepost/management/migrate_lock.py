"""Migrations one process at a time: `serve` and `bootstrap` both migrate before they start.

Started together on a fresh data dir (`make run`, then the README's second terminal), two plain
`migrate` runs would both plan the same migrations and one would fail with "table ... already
exists" or "database is locked". An exclusive lock on a file in LETMEPOST_DATA_DIR makes the second
wait, then find nothing left to apply. Production migrates once per release (the `migrate` role).
"""

from __future__ import annotations

import fcntl

from django.conf import settings
from django.core.management import call_command

LOCK_NAME = "migrate.lock"


def migrate_under_lock() -> None:
    """Apply every pending migration while holding LETMEPOST_DATA_DIR/migrate.lock."""
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    with (settings.DATA_DIR / LOCK_NAME).open("a") as lock:
        # Blocks until the holder is done; the kernel releases it if the holder dies.
        fcntl.flock(lock, fcntl.LOCK_EX)
        call_command("migrate", interactive=False, verbosity=0)

"""Secrets and file modes for embedded mode, and validation of the token-encryption keys."""

from __future__ import annotations

import json
import os
import secrets
import warnings
from pathlib import Path

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured


def embedded_secrets(data_dir: Path) -> dict:
    """Return the secrets kept in DATA_DIR/secrets.json, creating them on first run.

    Embedded mode must start with no configuration, yet sessions and encrypted tokens must survive
    a restart, so the generated values are persisted (mode 0600) beside the database.
    """
    path = data_dir / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    data_dir.mkdir(parents=True, exist_ok=True)
    values = {
        "secret_key": secrets.token_urlsafe(50),
        "encryption_keys": [Fernet.generate_key().decode()],
    }
    # Write a private temp file, then link it into place: the link either creates the whole file
    # or fails because another process's first start got there, never exposing a half-written one.
    tmp = data_dir / f".secrets-{os.getpid()}-{secrets.token_hex(4)}.json"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(values, fh)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return json.loads(path.read_text())
    finally:
        tmp.unlink()
    return values


def secure_data_dir(data_dir: Path, database: str) -> None:
    """Make DATA_DIR 0700 and the SQLite database files 0600, also when an older install left
    them readable: the database holds password hashes and encrypted tokens.

    SQLite creates its -wal and -shm files with the database file's mode, so creating the empty
    database file 0600 before Django opens it keeps all three private whatever the umask.
    """
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    _restrict(data_dir, 0o700)
    if database in ("", ":memory:") or database.startswith("file:"):
        return
    if not Path(database).parent.is_dir():
        return  # SQLite itself will say the database cannot be opened
    os.close(os.open(database, os.O_RDONLY | os.O_CREAT, 0o600))  # no-op if it exists
    for suffix in ("", "-wal", "-shm", "-journal"):
        if (path := Path(database + suffix)).exists():
            _restrict(path, 0o600)


def _restrict(path: Path, mode: int) -> None:
    if path.stat().st_mode & 0o777 == mode:
        return
    try:
        path.chmod(mode)
    except PermissionError:
        # Owned by another user (a mounted volume): say so, but still start.
        warnings.warn(
            f"{path} is mode {path.stat().st_mode & 0o777:o} and cannot be changed to "
            f"{mode:o}; make it private to the user running letmepost.",
            stacklevel=2,
        )


def validate_fernet_keys(keys: list[str]) -> list[str]:
    """Fail at boot on a key that is not a Fernet key (32 url-safe base64-encoded bytes)."""
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"LETMEPOST_ENCRYPTION_KEYS entry {position} is not a Fernet key; "
                "generate one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            ) from None
    return keys

"""Secrets for embedded mode, and validation of the token-encryption keys."""

from __future__ import annotations

import json
import os
import secrets
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

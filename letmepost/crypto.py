"""Encryption at rest for secrets: MultiFernet over LETMEPOST_ENCRYPTION_KEYS.

Platform credentials, Mastodon app secrets, webhook signing secrets and stored idempotent
responses (which carry API keys and `whsec_` secrets) all use this one key ring.

The first key encrypts; every key decrypts, so keys rotate by prepending a new one and running
`manage.py rotate_encryption_keys`. A wrong key raises instead of returning ciphertext.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    # django-stubs types a model attribute from its field's generic parameters (set, get): a JSON
    # object here, not the stored text. Django's fields are not subscriptable at run time.
    _JSONText = models.TextField[dict[str, Any] | Combinable, dict[str, Any]]
else:
    _JSONText = models.TextField


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """Re-encrypt a token under the first key (it may have been made with any of them)."""
    return fernet().rotate(token.encode()).decode()


class EncryptedJSONField(_JSONText):
    """A JSON object stored as one Fernet token. Never filter on it: every write has a fresh IV."""

    def from_db_value(
        self, value: str | None, expression: Any, connection: Any
    ) -> dict | None:
        return None if value is None else json.loads(decrypt(value))

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        return None if value is None else encrypt(json.dumps(value))


class EncryptedBinaryField(models.BinaryField):
    """Bytes stored as one Fernet token; reads decrypt, so callers only ever see plaintext.

    Encrypting in the field rather than at call sites means no writer can forget to, including
    `QuerySet.update()`, which also prepares values through `get_prep_value`.
    """

    def from_db_value(
        self, value: bytes | memoryview | None, expression: Any, connection: Any
    ) -> bytes | None:
        return None if value is None else fernet().decrypt(bytes(value))

    def get_prep_value(self, value: Any) -> bytes | None:
        return None if value is None else fernet().encrypt(bytes(value))

"""allauth hooks: a new person gets a workspace of their own; MFA seeds are encrypted at rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest

from accounts.models import User
from accounts.services import create_workspace, default_workspace_name
from letmepost import crypto


class AccountAdapter(DefaultAccountAdapter):
    def save_user(
        self, request: HttpRequest, user: User, form: Any, commit: bool = True
    ) -> User:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            create_workspace(owner=user, name=default_workspace_name(user))
        return user


class MfaAdapter(DefaultMFAAdapter):
    """Keep TOTP and recovery-code seeds under our key ring: allauth stores them in the clear."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)


def convert_authenticator_data(
    data: dict[str, Any], change: Callable[[str], str]
) -> dict[str, Any]:
    """Apply `change` to every value MfaAdapter encrypts in an `mfa.Authenticator.data`.

    For the upgrade that encrypts existing seeds and for `rotate_encryption_keys`.
    """
    converted = dict(data)
    for name in ("secret", "seed"):  # TOTP; recovery codes
        if name in converted:
            converted[name] = change(converted[name])
    if "migrated_codes" in converted:  # recovery codes imported from django-allauth-2fa
        converted["migrated_codes"] = [change(c) for c in converted["migrated_codes"]]
    return converted

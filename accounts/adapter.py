"""allauth hooks: a new person gets a workspace of their own, however they signed up; MFA seeds
are encrypted at rest; a sign-in provider that is not configured does not exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.http import Http404, HttpRequest

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


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(
        self, request: HttpRequest, sociallogin: Any, form: Any = None
    ) -> User:
        user = super().save_user(request, sociallogin, form)
        # With a signup form, AccountAdapter.save_user has made the workspace already.
        if form is None:
            create_workspace(owner=user, name=default_workspace_name(user))
        return user

    def get_app(
        self, request: HttpRequest, provider: Any, client_id: Any = None
    ) -> Any:
        # Unconfigured (no LETMEPOST_LOGIN_<PROVIDER>_CLIENT_ID/SECRET): a 404, not a 500.
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404(f"Sign-in with {provider} is not configured.") from None


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

"""Writes: record a consent, revoke it, and trade a token for an API key."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import (
    AbstractApplication,
    clear_expired,
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_refresh_token_model,
)

from accounts.models import ApiKey, Profile, User, Workspace
from accounts.oauth.models import Authorization
from accounts.oauth.selectors import OAuthAccess
from accounts.services import MintedKey, mint_api_key

EXCHANGE_KEY_NAME = "letmepost-cli"  # the reference names the key it mints this way
UNUSED_CLIENT_DAYS = 1  # a registered client nobody consented to within this is deleted


def _revoke_tokens(*, user: User, application: AbstractApplication) -> None:
    """Every code, access and refresh token this client holds for this person stops working."""
    get_grant_model().objects.filter(user=user, application=application).delete()
    for refresh in get_refresh_token_model().objects.filter(
        user=user, application=application, revoked__isnull=True
    ):
        refresh.revoke()  # also revokes (deletes) its access token
    get_access_token_model().objects.filter(user=user, application=application).delete()


@transaction.atomic
def record_consent(
    *,
    user: User,
    application: AbstractApplication,
    workspace: Workspace,
    profile: Profile | None,
    scope: str,
) -> Authorization:
    """Store what the person granted. A different workspace or profile than before revokes the
    tokens issued under the old choice, so no token silently changes where it acts."""
    previous = (
        Authorization.objects.select_for_update()
        .filter(user=user, application=application)
        .first()
    )
    if previous and (previous.workspace_id, previous.profile_id) != (
        workspace.pk,
        profile.pk if profile else None,
    ):
        _revoke_tokens(user=user, application=application)
    authorization, _ = Authorization.objects.update_or_create(
        user=user,
        application=application,
        defaults={"workspace": workspace, "profile": profile, "scope": scope},
    )
    return authorization


@transaction.atomic
def revoke_authorization(*, authorization: Authorization) -> None:
    _revoke_tokens(user=authorization.user, application=authorization.application)
    authorization.delete()


def exchange_for_api_key(*, access: OAuthAccess) -> MintedKey:
    """Mint a live key confined to what the person granted: its workspace and profile."""
    authorization = access.authorization
    return mint_api_key(
        workspace=authorization.workspace,
        name=EXCHANGE_KEY_NAME,
        prefix=ApiKey.Prefix.LIVE,
        profile=authorization.profile,
        scopes=sorted(access.scopes),
        created_by=access.membership.user,
    )


def purge_stale() -> None:
    """Maintenance: expired codes and tokens, and clients registered (registration is open)
    that no person consented to within a day."""
    clear_expired()
    Application = get_application_model()
    consented = Authorization.objects.values("application_id")
    Application.objects.filter(
        registration_source=Application.RegistrationSource.DCR,
        created__lt=timezone.now() - timedelta(days=UNUSED_CLIENT_DAYS),
    ).exclude(pk__in=consented).delete()

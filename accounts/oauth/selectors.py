"""Reads: which person, workspace and scopes an access token stands for."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from oauth2_provider.models import get_access_token_model

from accounts.models import Membership, User
from accounts.oauth.models import Authorization
from letmepost.errors import NotFound
from letmepost.ids import parse_uuid


@dataclass(frozen=True)
class OAuthAccess:
    """A live access token: whose it is, where it acts and what it may do."""

    authorization: Authorization
    membership: Membership
    scopes: frozenset[str]


def _for_us(resources: list[str]) -> bool:
    """RFC 8707: a token bound to resources must be bound to ours (the API and /mcp)."""
    base = settings.PUBLIC_URL.rstrip("/")
    return all(r.rstrip("/") == base or r.startswith(f"{base}/") for r in resources)


def access_for_token(raw: str) -> OAuthAccess | None:
    """The access a bearer token grants, or None if it is unknown, expired or revoked.

    Tokens are stored as SHA-256 checksums only; the membership is read on every call, so a
    person who leaves the workspace takes their tokens' access with them.
    """
    checksum = hashlib.sha256(raw.encode()).hexdigest()
    token = (
        get_access_token_model()
        .objects.filter(token_checksum=checksum)
        .only("user_id", "application_id", "scope", "expires", "resource")
        .first()
    )
    if token is None or token.user_id is None or token.is_expired():
        return None
    if not _for_us(token.resource or []):
        return None
    authorization = (
        Authorization.objects.select_related("workspace", "profile", "application")
        .filter(user_id=token.user_id, application_id=token.application_id)
        .first()
    )
    if authorization is None:
        return None
    membership = (
        Membership.objects.select_related("user", "workspace")
        .filter(user_id=token.user_id, workspace_id=authorization.workspace_id)
        .first()
    )
    if membership is None:
        return None
    # A token never carries more than the person granted, whatever it was minted with.
    return OAuthAccess(
        authorization=authorization,
        membership=membership,
        scopes=frozenset(token.scope.split()) & authorization.scopes,
    )


def list_authorizations(user: User) -> QuerySet[Authorization]:
    return Authorization.objects.filter(user=user).select_related(
        "application", "workspace", "profile"
    )


def get_authorization_for_user(user: User, authorization_id: str) -> Authorization:
    pk = parse_uuid(authorization_id)
    found = list_authorizations(user).filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound("No such connected app.", resource="connected app")
    return found

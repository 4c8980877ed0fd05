"""Writes for people and tenants: workspaces, profiles and API keys."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import ApiKey, Membership, Profile, User, Workspace
from letmepost.errors import NotFound, Unauthorized, ValidationFailed
from letmepost.prepared import PreparedQuery

API_KEY_PATTERN = re.compile(r"^(lmp_live_|lmp_test_)([A-Za-z0-9_-]{32})$")
LAST_USED_RESOLUTION = timedelta(minutes=1)  # don't write on every request


@dataclass(frozen=True)
class MintedKey:
    api_key: ApiKey
    secret: str  # shown once, never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- workspaces and profiles ---------------------------------------------------------------


@transaction.atomic
def create_workspace(*, owner: User, name: str) -> Workspace:
    """Create a workspace owned by `owner`, with its `default` profile."""
    workspace = Workspace.objects.create(name=name.strip()[:120] or "Workspace")
    Membership.objects.create(
        workspace=workspace, user=owner, role=Membership.Role.OWNER
    )
    Profile.objects.create(
        workspace=workspace, name="Default", slug=Profile.DEFAULT_SLUG
    )
    return workspace


def default_workspace_name(user: User) -> str:
    return f"{user.email.split('@', 1)[0]}'s workspace"


def get_default_profile(*, workspace: Workspace) -> Profile:
    profile, _ = Profile.objects.get_or_create(
        workspace=workspace, slug=Profile.DEFAULT_SLUG, defaults={"name": "Default"}
    )
    return profile


def _slug_from_name(name: str) -> str:
    slug = slugify(name)[:64].strip("-")
    return slug or f"profile-{secrets.token_hex(3)}"


def create_profile(
    *, workspace: Workspace, name: str, slug: str | None = None
) -> Profile:
    try:
        with transaction.atomic():
            return Profile.objects.create(
                workspace=workspace, name=name, slug=slug or _slug_from_name(name)
            )
    except IntegrityError:
        raise _slug_taken(slug or _slug_from_name(name)) from None


def update_profile(
    *, profile: Profile, name: str | None = None, slug: str | None = None
) -> Profile:
    if name is not None:
        profile.name = name
    if slug is not None:
        if profile.slug == Profile.DEFAULT_SLUG and slug != Profile.DEFAULT_SLUG:
            raise ValidationFailed(
                "The default profile's slug cannot change.",
                status=409,
                rule="profile.slug.default",
                remediation="Rename the profile instead; its slug stays `default`.",
            )
        profile.slug = slug
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        raise _slug_taken(profile.slug) from None
    return profile


def delete_profile(*, profile: Profile) -> None:
    if profile.slug == Profile.DEFAULT_SLUG:
        raise ValidationFailed(
            "The default profile cannot be deleted.",
            status=409,
            rule="profile.delete.default",
            remediation="Delete other profiles; every workspace keeps its default profile.",
        )
    try:
        profile.delete()  # platform accounts protect their profile (on_delete=PROTECT)
    except ProtectedError as exc:
        raise ValidationFailed(
            f"Profile still owns {len(exc.protected_objects)} platform account(s).",
            status=409,
            rule="profile.delete.not_empty",
            remediation="Move or disconnect the profile's accounts first.",
        ) from None


def _slug_taken(slug: str) -> ValidationFailed:
    return ValidationFailed(
        f"A profile with slug {slug!r} already exists in this workspace.",
        status=409,
        rule="profile.slug.unique",
        remediation="Choose another slug.",
    )


# --- API keys ------------------------------------------------------------------------------


def mint_api_key(
    *,
    workspace: Workspace,
    name: str,
    prefix: str = ApiKey.Prefix.LIVE,
    profile: Profile | None = None,
    scopes: list[str] | None = None,
    created_by: User | None = None,
) -> MintedKey:
    """Create a key and return its secret, which exists only in this return value."""
    body = secrets.token_urlsafe(24)  # 24 random bytes → 32 base64url chars
    secret = f"{prefix}{body}"
    api_key = ApiKey.objects.create(
        workspace=workspace,
        profile=profile,
        name=name,
        prefix=prefix,
        lookup=body[:8],
        digest=_digest(secret),
        last4=secret[-4:],
        scopes=scopes or [],
        created_by=created_by,
    )
    return MintedKey(api_key=api_key, secret=secret)


# Every API request runs this read: compiled once (letmepost/prepared.py).
_active_keys_by_lookup = PreparedQuery(
    lambda lookup: ApiKey.objects.select_related("workspace", "profile").filter(
        lookup=lookup, revoked_at__isnull=True
    ),
    lookup="\x00lookup\x00",
)


def authenticate_api_key(secret: str) -> ApiKey | None:
    """Return the active key whose secret this is, or None. Constant-time on the digest."""
    match = API_KEY_PATTERN.fullmatch(secret)
    if not match:
        return None
    digest = _digest(secret)
    for candidate in _active_keys_by_lookup(lookup=match.group(2)[:8]):
        if hmac.compare_digest(candidate.digest, digest):
            _touch(candidate)
            return candidate
    return None


def _touch(api_key: ApiKey) -> None:
    now = timezone.now()
    if (
        api_key.last_used_at is None
        or now - api_key.last_used_at > LAST_USED_RESOLUTION
    ):
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


def revoke_api_key(*, api_key: ApiKey) -> ApiKey:
    """Revoke an active key; an already revoked key is reported as not found."""
    now = timezone.now()
    if not ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
        revoked_at=now
    ):
        raise NotFound(
            "API key not found or already revoked.",
            resource="API key",
            rule="api_key.revoked",
        )
    api_key.revoked_at = now
    return api_key


def check_can_mint(
    *, minted_by_key: ApiKey | None, prefix: str, profile: Profile | None
) -> None:
    """A key may only mint keys no stronger than itself: same profile scope, and test stays test."""
    if minted_by_key is None:
        return
    if minted_by_key.profile_id and (
        profile is None or profile.pk != minted_by_key.profile_id
    ):
        raise Unauthorized(
            "A profile-scoped key can only create keys scoped to its own profile.",
            rule="api_key.scope_forbidden",
            remediation="Pass your key's profileId, or use an unscoped key.",
        )
    if not minted_by_key.livemode and prefix == ApiKey.Prefix.LIVE:
        raise Unauthorized(
            "A test key cannot create live keys.",
            rule="api_key.livemode",
            remediation="Create live keys from the dashboard or with a live key.",
        )


# --- bootstrap -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bootstrapped:
    user: User
    workspace: Workspace
    profile: Profile
    key: MintedKey


@transaction.atomic
def bootstrap(
    *, email: str, password: str, workspace_name: str | None, test_key: bool
) -> Bootstrapped:
    """Create or reuse a verified user and their workspace, then mint a fresh key."""
    from allauth.account.models import EmailAddress

    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        try:
            validate_password(password, User(email=email))
        except DjangoValidationError as exc:
            raise ValidationFailed(" ".join(exc.messages), rule="password") from None
        user = User.objects.create_user(email=email, password=password)
    elif not user.check_password(password):
        raise Unauthorized(f"{email} exists and the password does not match.")
    EmailAddress.objects.update_or_create(
        user=user,
        email__iexact=email,
        defaults={"email": email, "verified": True, "primary": True},
    )
    # Only a workspace the user administers: bootstrap mints workspace-wide keys.
    administered = user.memberships.select_related("workspace").filter(
        role__in=(Membership.Role.OWNER, Membership.Role.ADMIN)
    )
    if workspace_name:
        administered = administered.filter(workspace__name=workspace_name)
    membership = administered.order_by("created_at").first()
    workspace = (
        membership.workspace
        if membership
        else create_workspace(
            owner=user, name=workspace_name or default_workspace_name(user)
        )
    )
    profile = get_default_profile(workspace=workspace)
    key = mint_api_key(
        workspace=workspace,
        name="bootstrap",
        created_by=user,
        prefix=ApiKey.Prefix.TEST if test_key else ApiKey.Prefix.LIVE,
    )
    return Bootstrapped(user=user, workspace=workspace, profile=profile, key=key)

"""Reads for people and tenants. Everything takes the workspace first: not yours is not found."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import ApiKey, Membership, Profile, User, Workspace
from letmepost.errors import NotFound
from letmepost.ids import parse_uuid


def get_profile_for_workspace(
    workspace: Workspace, profile_id: str, *, rule: str | None = None
) -> Profile:
    pk = parse_uuid(profile_id)
    profile = Profile.objects.filter(workspace=workspace, pk=pk).first() if pk else None
    if profile is None:
        raise NotFound("No such profile.", resource="profile", rule=rule)
    return profile


def list_profiles(workspace: Workspace) -> QuerySet[Profile]:
    return Profile.objects.filter(workspace=workspace)


def holds_live_objects(profile: Profile) -> bool:
    """Whether anything live depends on the profile: an account (shared by both modes), a
    live key, live media or a live post. Profiles have no mode of their own (D23)."""
    from media.models import Media
    from platforms.models import PlatformAccount
    from posts.models import PostTarget

    return (
        PlatformAccount.objects.filter(profile=profile).exists()
        or profile.api_keys.filter(prefix=ApiKey.Prefix.LIVE).exists()
        or Media.objects.filter(profile=profile, livemode=True).exists()
        or PostTarget.objects.filter(profile=profile, livemode=True).exists()
    )


def get_api_key_for_workspace(
    workspace: Workspace, key_id: str, *, livemode: bool
) -> ApiKey:
    pk = parse_uuid(key_id)
    api_key = (
        list_api_keys(workspace, livemode=livemode).filter(pk=pk).first()
        if pk
        else None
    )
    if api_key is None:
        raise NotFound("No such API key.", resource="API key")
    return api_key


def list_api_keys(workspace: Workspace, *, livemode: bool) -> QuerySet[ApiKey]:
    """The keys a caller of this mode administers (D23): a live caller every key of the
    workspace, a test key only test keys; a live key is as absent to it as another workspace's."""
    keys = ApiKey.objects.filter(workspace=workspace)
    return keys if livemode else keys.filter(prefix=ApiKey.Prefix.TEST)


def get_membership(user: User, workspace_id: str | None) -> Membership | None:
    """The membership for the session's chosen workspace, else the user's oldest one."""
    memberships = (
        Membership.objects.select_related("workspace")
        .filter(user=user)
        .order_by("created_at")
    )
    if workspace_id and (pk := parse_uuid(workspace_id)):
        chosen = memberships.filter(workspace_id=pk).first()
        if chosen:
            return chosen
    return memberships.first()

"""Reads for people and tenants. Everything takes the workspace first: not yours is not found."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import ApiKey, Membership, Profile, User, Workspace
from accounts.signals import profile_holds_live_objects
from letmepost.ids import get_by_id, parse_uuid


def get_profile_for_workspace(
    workspace: Workspace, profile_id: str, *, rule: str | None = None
) -> Profile:
    return get_by_id(list_profiles(workspace), profile_id, "profile", rule=rule)


def list_profiles(workspace: Workspace) -> QuerySet[Profile]:
    return Profile.objects.filter(workspace=workspace)


def holds_live_objects(profile: Profile) -> bool:
    """Whether anything live depends on the profile: a live key, or what another app answers (an
    account, shared by both modes; live media; a live post). Profiles have no mode of their own
    (D23)."""
    if profile.api_keys.filter(prefix=ApiKey.Prefix.LIVE).exists():
        return True
    answers = profile_holds_live_objects.send(sender=Profile, profile=profile)
    return any(held for _, held in answers)


def get_api_key_for_workspace(
    workspace: Workspace, key_id: str, *, livemode: bool
) -> ApiKey:
    return get_by_id(list_api_keys(workspace, livemode=livemode), key_id, "API key")


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

"""`/v1/profiles` and `/v1/api-keys`: usable with API keys and with dashboard sessions (D14)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors, services
from accounts.api.serializers import (
    ApiKeyCreatedOut,
    ApiKeyIn,
    ApiKeyOut,
    ApiKeyRevokedOut,
    DeletedOut,
    ProfileIn,
    ProfileOut,
    ProfilePatchIn,
)
from accounts.models import Profile
from letmepost.api.auth import Principal, require_admin
from letmepost.api.views import ApiView
from letmepost.errors import NotFound, Unauthorized


def _list_of(
    serializer: type[serializers.Serializer], name: str
) -> serializers.Serializer:
    return inline_serializer(name, fields={"data": serializer(many=True)})


def visible_profile(principal: Principal, profile_id: str) -> Profile:
    """A scoped key sees only its own profile; anything else is not found."""
    profile = selectors.get_profile_for_workspace(principal.workspace, profile_id)
    if principal.profile and principal.profile.pk != profile.pk:
        raise NotFound(
            "No such profile.", resource="profile", rule="api_key.profile_scope"
        )
    return profile


def changeable_profile(principal: Principal, profile_id: str) -> Profile:
    """A test key changes only profiles nothing live depends on (D23)."""
    profile = visible_profile(principal, profile_id)
    if not principal.livemode and selectors.holds_live_objects(profile):
        raise Unauthorized(
            "Live accounts, keys, media or posts depend on this profile; a test key "
            "cannot change it.",
            rule="api_key.livemode",
            remediation="Use a live key or the dashboard.",
        )
    return profile


@extend_schema(tags=["profiles"])
class ProfileListApi(ApiView):
    @extend_schema(
        operation_id="listProfiles",
        responses={200: _list_of(ProfileOut, "ProfileList")},
    )
    def get(self, request: Request) -> Response:
        """List profiles.

        The workspace's profiles, each grouping accounts, keys and media; a profile-scoped key sees
        its own only.
        """
        principal = self.principal
        profiles = selectors.list_profiles(principal.workspace)
        if principal.profile:
            profiles = profiles.filter(pk=principal.profile.pk)
        return Response({"data": ProfileOut(profiles, many=True).data})

    @extend_schema(
        operation_id="createProfile", request=ProfileIn, responses={201: ProfileOut}
    )
    def post(self, request: Request) -> Response:
        """Create a profile.

        A new profile of the workspace (`slug` is optional and unique in it). Owners and admins,
        with a workspace-wide key.
        """
        principal = self.principal
        self.require_unscoped("create profiles")
        require_admin(principal, "create profiles")
        data = self.validated(ProfileIn)
        profile = services.create_profile(
            workspace=principal.workspace, name=data["name"], slug=data.get("slug")
        )
        return Response(ProfileOut(profile).data, status=201)


@extend_schema(tags=["profiles"])
class ProfileDetailApi(ApiView):
    @extend_schema(operation_id="getProfile", responses={200: ProfileOut})
    def get(self, request: Request, profile_id: str) -> Response:
        """Get a profile.

        One profile by id.
        """
        return Response(ProfileOut(visible_profile(self.principal, profile_id)).data)

    @extend_schema(
        operation_id="updateProfile",
        request=ProfilePatchIn,
        responses={200: ProfileOut},
    )
    def patch(self, request: Request, profile_id: str) -> Response:
        """Rename a profile.

        Changes a profile's name or slug; the default profile keeps the slug `default`.
        """
        profile = changeable_profile(self.principal, profile_id)
        require_admin(self.principal, "change profiles")
        data = self.validated(ProfilePatchIn)
        profile = services.update_profile(
            profile=profile, name=data.get("name"), slug=data.get("slug")
        )
        return Response(ProfileOut(profile).data)

    @extend_schema(operation_id="deleteProfile", responses={200: DeletedOut})
    def delete(self, request: Request, profile_id: str) -> Response:
        """Delete a profile.

        Deletes a profile that owns no accounts; the default profile cannot be deleted.
        """
        profile = changeable_profile(self.principal, profile_id)
        self.require_unscoped("delete profiles")
        require_admin(self.principal, "delete profiles")
        deleted_id = profile.pk
        services.delete_profile(profile=profile)
        return Response({"id": deleted_id, "deleted": True})


@extend_schema(tags=["api-keys"])
class ApiKeyListApi(ApiView):
    @extend_schema(
        operation_id="listApiKeys", responses={200: _list_of(ApiKeyOut, "ApiKeyList")}
    )
    def get(self, request: Request) -> Response:
        """List API keys.

        The workspace's API keys of the caller's mode (live keys for a live key, test keys for a
        test key), without their secrets; a profile-scoped key sees its profile's keys only.
        """
        keys = selectors.list_api_keys(
            self.principal.workspace, livemode=self.principal.livemode
        )
        if self.principal.profile:
            keys = keys.filter(profile=self.principal.profile)
        return Response({"data": ApiKeyOut(keys, many=True).data})

    @extend_schema(
        operation_id="createApiKey", request=ApiKeyIn, responses={201: ApiKeyCreatedOut}
    )
    def post(self, request: Request) -> Response:
        """Create an API key.

        Mints a key (`lmp_live_…`, or `lmp_test_…` for the sandbox), optionally scoped to one
        profile. The secret is in this answer only: it is stored hashed. Owners and admins only; a
        test key cannot mint a live key.
        """
        principal = self.principal
        require_admin(principal, "create API keys")
        data = self.validated(ApiKeyIn)
        profile = None
        if data.get("profile_id"):
            profile = selectors.get_profile_for_workspace(
                principal.workspace, str(data["profile_id"]), rule="profile.unknown"
            )
        services.check_can_mint(
            minted_by_key=principal.api_key, prefix=data["prefix"], profile=profile
        )
        minted = services.mint_api_key(
            workspace=principal.workspace,
            name=data["name"],
            prefix=data["prefix"],
            profile=profile,
            scopes=data["scopes"],
            created_by=principal.user,
        )
        minted.api_key.key = minted.secret  # type: ignore[attr-defined]  # serialized once, never stored
        return Response(ApiKeyCreatedOut(minted.api_key).data, status=201)


@extend_schema(tags=["api-keys"])
class ApiKeyDetailApi(ApiView):
    @extend_schema(operation_id="revokeApiKey", responses={200: ApiKeyRevokedOut})
    def delete(self, request: Request, key_id: str) -> Response:
        """Revoke an API key.

        The key stops authenticating at once; revoking cannot be undone.
        """
        principal = self.principal
        require_admin(principal, "revoke API keys")
        api_key = selectors.get_api_key_for_workspace(
            principal.workspace, key_id, livemode=principal.livemode
        )
        if principal.profile and api_key.profile_id != principal.profile.pk:
            raise NotFound(
                "No such API key.", resource="API key", rule="api_key.profile_scope"
            )
        api_key = services.revoke_api_key(api_key=api_key)
        return Response(
            ApiKeyRevokedOut({"id": api_key.pk, "revoked_at": api_key.revoked_at}).data
        )

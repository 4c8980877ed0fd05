"""`/v1/accounts`: list, read and disconnect accounts; connect credential platforms (D21)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Profile
from accounts.selectors import get_profile_for_workspace
from accounts.services import get_default_profile
from letmepost.api.views import ApiView
from letmepost.errors import NotFound, PlatformNotEnabled, ValidationFailed
from platforms import selectors, services
from platforms.api.serializers import AccountOut, ConnectIn
from platforms.registry import KNOWN_PLATFORMS, PLATFORMS, adapter_class

PLATFORM_PARAM = OpenApiParameter(
    "platform",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=KNOWN_PLATFORMS,
    description="Platform slug.",
)
_AccountList = inline_serializer("AccountList", fields={"data": AccountOut(many=True)})


class AccountListApi(ApiView):
    @extend_schema(
        operation_id="listAccounts", tags=["accounts"], responses={200: _AccountList}
    )
    def get(self, request: Request) -> Response:
        profile = self.principal.profile
        if (profile_id := request.query_params.get("profileId")) is not None:
            if profile and str(profile.pk) != profile_id:
                raise NotFound(
                    "No such profile.", resource="profile", rule="api_key.profile_scope"
                )
            profile = get_profile_for_workspace(self.principal.workspace, profile_id)
        accounts = selectors.live_accounts(self.principal.workspace, profile=profile)
        return Response({"data": AccountOut(accounts, many=True).data})


class AccountDetailApi(ApiView):
    def account(self, account_id: str) -> Any:
        return selectors.get_account_for_workspace(
            self.principal.workspace, account_id, scope=self.principal.profile
        )

    @extend_schema(
        operation_id="getAccount", tags=["accounts"], responses={200: AccountOut}
    )
    def get(self, request: Request, account_id: str) -> Response:
        return Response(AccountOut(self.account(account_id)).data)

    @extend_schema(
        operation_id="disconnectAccount",
        tags=["accounts"],
        responses={
            200: inline_serializer(
                "DeletedAccount",
                fields={
                    "id": serializers.UUIDField(),
                    "deleted": serializers.BooleanField(),
                },
            )
        },
    )
    def delete(self, request: Request, account_id: str) -> Response:
        account = self.account(account_id)
        services.disconnect_account(account=account)
        return Response({"id": str(account.pk), "deleted": True})


def _platform(slug: str) -> str:
    if slug not in KNOWN_PLATFORMS:
        raise ValidationFailed(
            f"Unknown platform {slug!r}.",
            rule="platform",
            remediation=f"Use one of: {', '.join(KNOWN_PLATFORMS)}.",
        )
    if slug not in PLATFORMS:
        raise PlatformNotEnabled(
            platform=slug,
            remediation="This platform is not available on this installation yet.",
        )
    return slug


def _target_profile(view: ApiView, profile_id: Any) -> Profile:
    principal = view.principal
    if principal.profile:
        if profile_id and str(profile_id) != str(principal.profile.pk):
            raise NotFound(
                "No such profile.", resource="profile", rule="api_key.profile_scope"
            )
        return principal.profile
    if profile_id:
        return get_profile_for_workspace(
            principal.workspace, str(profile_id), rule="profile.unknown"
        )
    return get_default_profile(workspace=principal.workspace)


class ConnectApi(ApiView):
    @extend_schema(
        operation_id="connectAccount",
        parameters=[PLATFORM_PARAM],
        tags=["accounts"],
        request=ConnectIn,
        responses={
            200: inline_serializer(
                "ConnectResponse",
                fields={
                    "platform": serializers.CharField(),
                    "state": serializers.CharField(),
                    "descriptor": serializers.DictField(),
                },
            )
        },
    )
    def post(self, request: Request, platform: str) -> Response:
        slug = _platform(platform)
        self.validated(ConnectIn)
        adapter = adapter_class(slug)
        if adapter.connect_kind != "credentials":
            raise ValidationFailed(
                f"{slug} connects with OAuth, which this install does not offer yet.",
                rule="platform",
            )
        descriptor = {
            "kind": "credentials",
            "helpText": f"Send these fields to POST /v1/accounts/connect/{slug}/complete.",
            "fields": [
                {
                    "name": f.name,
                    "label": f.label,
                    "type": f.type,
                    "required": f.required,
                    **({"placeholder": f.placeholder} if f.placeholder else {}),
                }
                for f in adapter.credential_fields
            ],
        }
        return Response({"platform": slug, "state": "live", "descriptor": descriptor})


class ConnectCompleteApi(ApiView):
    @extend_schema(
        operation_id="completeConnect",
        parameters=[PLATFORM_PARAM],
        tags=["accounts"],
        request=inline_serializer(
            "ConnectCompleteRequest",
            fields={
                "profileId": serializers.UUIDField(required=False),
                "handle": serializers.CharField(required=False),
            },
        ),
        responses={200: AccountOut, 201: AccountOut},
    )
    def post(self, request: Request, platform: str) -> Response:
        slug = _platform(platform)
        payload = request.data if isinstance(request.data, dict) else {}
        profile = _target_profile(self, payload.get("profile_id"))
        account, created = services.connect_with_credentials(
            workspace=self.principal.workspace,
            profile=profile,
            platform=slug,
            payload=dict(payload),
        )
        return Response(AccountOut(account).data, status=201 if created else 200)

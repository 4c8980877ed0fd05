"""`/v1/accounts`: list, read and disconnect accounts; connect credential platforms (D21)."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpResponseRedirect
from djangorestframework_camel_case.settings import api_settings as camel_settings
from djangorestframework_camel_case.util import underscoreize
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Profile
from accounts.selectors import get_profile_for_workspace
from accounts.services import get_default_profile
from letmepost.api.unknown_fields import reject_unknown_fields
from letmepost.api.views import ApiView
from letmepost.errors import (
    LetmepostError,
    NotFound,
    PlatformNotEnabled,
    ValidationFailed,
)
from platforms import oauth, selection, selectors, services, versions
from platforms.api.serializers import (
    AccountOut,
    ConnectIn,
    OAuthCompleteIn,
    PlatformVersionOut,
    SelectIn,
    SelectionOut,
)
from platforms.registry import KNOWN_PLATFORMS, PLATFORMS, adapter_class

PLATFORM_PARAM = OpenApiParameter(
    "platform",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=KNOWN_PLATFORMS,
    description="Platform slug.",
)
logger = logging.getLogger("letmepost.platforms.api")
_AccountList = inline_serializer("AccountList", fields={"data": AccountOut(many=True)})


@extend_schema(tags=["accounts"])
class AccountListApi(ApiView):
    @extend_schema(
        operation_id="listAccounts",
        parameters=[
            OpenApiParameter(
                "profileId",
                OpenApiTypes.UUID,
                OpenApiParameter.QUERY,
                description="Only this profile's accounts.",
            )
        ],
        responses={200: _AccountList},
    )
    def get(self, request: Request) -> Response:
        """List connected accounts.

        The platform accounts connected in the caller's workspace, with their status and token
        expiry; a profile-scoped key sees its own profile's only. Filter with `profileId`.
        """
        profile = self.principal.profile
        if (profile_id := request.query_params.get("profileId")) is not None:
            if profile and str(profile.pk) != profile_id:
                raise NotFound(
                    "No such profile.", resource="profile", rule="api_key.profile_scope"
                )
            profile = get_profile_for_workspace(self.principal.workspace, profile_id)
        accounts = selectors.live_accounts(self.principal.workspace, profile=profile)
        return Response({"data": AccountOut(accounts, many=True).data})


@extend_schema(tags=["accounts"])
class AccountDetailApi(ApiView):
    def account(self, account_id: str) -> Any:
        return selectors.get_account_for_workspace(
            self.principal.workspace, account_id, scope=self.principal.profile
        )

    @extend_schema(operation_id="getAccount", responses={200: AccountOut})
    def get(self, request: Request, account_id: str) -> Response:
        """Get a connected account.

        One connected account by id; the id of another workspace's account answers 404.
        """
        return Response(AccountOut(self.account(account_id)).data)

    @extend_schema(
        operation_id="disconnectAccount",
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
        """Disconnect an account.

        Deletes the account and its stored credentials; its queued posts are canceled
        (`post.canceled`). A test key may disconnect only sandbox accounts.
        """
        account = self.account(account_id)
        selectors.require_test_may_disconnect(account, livemode=self.principal.livemode)
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
    adapter = adapter_class(slug)
    if issubclass(adapter, oauth.OAuthConnect):
        adapter.ensure_enabled()  # before any validation: the first thing to fix
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


@extend_schema(tags=["accounts"])
class ConnectApi(ApiView):
    @extend_schema(
        operation_id="connectAccount",
        parameters=[PLATFORM_PARAM],
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
        """Start connecting an account.

        Answers a descriptor of the next step. OAuth platforms: the authorization URL to open in a
        browser; the provider then sends it to the OAuth callback, which finishes the connect.
        Credential platforms (Bluesky, sandbox): the fields to send to `POST
        /v1/accounts/connect/{platform}/complete`. Mastodon needs `instanceUrl`, the server to
        connect.
        """
        slug = _platform(platform)
        selectors.require_live_for(slug, livemode=self.principal.livemode)
        data = self.validated(ConnectIn)
        adapter = adapter_class(slug)
        if adapter.connect_kind == "oauth":
            descriptor = oauth.start_connect(
                workspace=self.principal.workspace,
                profile=_target_profile(self, data.get("profile_id")),
                platform=slug,
                params=data,
                return_to=data.get("return_to") or "",
            )
            return Response(
                {"platform": slug, "state": "live", "descriptor": descriptor}
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


@extend_schema(tags=["accounts"])
class ConnectCompleteApi(ApiView):
    @extend_schema(
        operation_id="completeConnect",
        parameters=[PLATFORM_PARAM],
        request=inline_serializer(
            "ConnectComplete",
            fields={
                "profileId": serializers.UUIDField(required=False),
                "handle": serializers.CharField(required=False),
                "identifier": serializers.CharField(required=False),
                "appPassword": serializers.CharField(required=False),
                "pdsUrl": serializers.CharField(required=False),
                "webhookUrl": serializers.CharField(required=False),  # discord
                "botToken": serializers.CharField(required=False),  # discord, telegram
                "channelId": serializers.CharField(required=False),  # discord
                "chatId": serializers.CharField(required=False),  # telegram
                "privateKey": serializers.CharField(required=False),  # nostr
                "relays": serializers.JSONField(
                    required=False,
                    help_text="Nostr relay addresses (wss://…): a list, or one string "
                    "separated by spaces or commas.",
                ),  # nostr
                "instanceUrl": serializers.CharField(required=False),  # lemmy, devto
                "apiKey": serializers.CharField(required=False),  # devto
                "username": serializers.CharField(required=False),  # lemmy
                "password": serializers.CharField(required=False),  # lemmy
                "code": serializers.CharField(required=False),
                "state": serializers.CharField(required=False),
            },
        ),
        responses={200: AccountOut, 201: AccountOut, 202: SelectionOut},
    )
    def post(self, request: Request, platform: str) -> Response:
        """Finish connecting an account.

        Credential platforms (bluesky, sandbox): send the descriptor's fields. OAuth platforms: send
        `{code, state}` from the provider's redirect. When the authorization found several
        accounts to choose from (Google Business Profile locations), nothing is connected yet: the
        answer is 202 with a `selectionId` and the `candidates`; connect the chosen ones with
        `POST /v1/accounts/connect/{platform}/select`.
        """
        slug = _platform(platform)
        selectors.require_live_for(slug, livemode=self.principal.livemode)
        payload = request.data if isinstance(request.data, dict) else {}
        if adapter_class(slug).connect_kind == "oauth":
            data = self.validated(OAuthCompleteIn)
            done = oauth.finish_connect(
                platform=slug,
                code=data["code"],
                state=data["state"],
                workspace=self.principal.workspace,
            )
            if done.selection is not None:
                return Response(SelectionOut(done.selection).data, status=202)
            assert done.account is not None  # stored, since no selection waits
            account, created = done.account, done.created
        else:
            credentials = underscoreize(
                {f.name: None for f in adapter_class(slug).credential_fields},
                **camel_settings.JSON_UNDERSCOREIZE,
            )
            reject_unknown_fields(payload, {"profile_id": None, **credentials})
            profile = _target_profile(self, payload.get("profile_id"))
            account, created = services.connect_with_credentials(
                workspace=self.principal.workspace,
                profile=profile,
                platform=slug,
                payload=dict(payload),
            )
        return Response(AccountOut(account).data, status=201 if created else 200)


@extend_schema(tags=["accounts"])
class OAuthCallbackApi(APIView):
    """Where the provider sends the browser back. No credential: the state is the credential.

    Answers 302 to the flow's returnTo (else the dashboard) with `connected=` or `connect_error=`
    (spec/api.md §10.5). One exception: a state we never issued (forged, or already used) names
    no page to go back to, so a client that does not ask for HTML gets the 400 envelope instead.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="oauthCallback",
        parameters=[
            # Any slug: a browser is always sent back with connect_error, never shown an error page.
            OpenApiParameter(
                "platform",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Platform slug.",
            ),
            OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.QUERY),
            OpenApiParameter("state", OpenApiTypes.STR, OpenApiParameter.QUERY),
            OpenApiParameter("error", OpenApiTypes.STR, OpenApiParameter.QUERY),
        ],
        responses={302: None},
    )
    def get(self, request: Request, platform: str) -> HttpResponseRedirect:
        """OAuth redirect target (browsers only).

        Answers 302: to returnTo (or the dashboard) with `connected=` or `connect_error=`. An
        unknown state from a client that does not accept text/html gets 400 instead.
        """
        params = request.query_params
        if params.get("error"):
            return _back({"connect_error": params["error"], "platform": platform})
        if not params.get("code") or not params.get("state"):
            return _back({"connect_error": "missing_params", "platform": platform})
        try:
            done = oauth.finish_connect(
                platform=platform, code=params["code"], state=params["state"]
            )
        except oauth.InvalidState as exc:
            if not exc.return_to and not _is_browser(request):
                raise  # unknown state, no page to go back to: the JSON envelope (400)
            return _back(
                {"connect_error": exc.reason, "platform": platform}, to=exc.return_to
            )
        except LetmepostError as exc:
            logger.info("connecting %s failed: %s", platform, exc.message)
            return _back(
                {
                    "connect_error": exc.code,
                    "platform": platform,
                    **{
                        f"connect_{name}": str(exc.fields[name])
                        for name in ("rule", "remediation")
                        if exc.fields.get(name)
                    },
                    "connect_message": exc.message,
                },
                to=getattr(exc, "return_to", ""),
            )
        if done.selection is not None:
            # The choice is the person's: the dashboard shows a picker for this id.
            query = {"selection": str(done.selection.pk), "platform": platform}
            return _back(query, to=done.return_to)
        return _back(
            {"connected": platform, "accounts": str(done.count)}, to=done.return_to
        )


@extend_schema(tags=["accounts"])
class ConnectSelectApi(ApiView):
    @extend_schema(
        operation_id="getAccountSelection",
        parameters=[
            PLATFORM_PARAM,
            OpenApiParameter("selectionId", OpenApiTypes.UUID, OpenApiParameter.QUERY),
        ],
        responses={200: SelectionOut},
    )
    def get(self, request: Request, platform: str) -> Response:
        """List the accounts waiting to be chosen.

        The candidates of the selection an OAuth callback named (`selection=` on its redirect);
        another workspace's, an expired or a used selection answers 404.
        """
        held = selection.get_selection(
            self.principal.workspace,
            request.query_params.get("selectionId", ""),
            platform=_platform(platform),
            scope=self.principal.profile,
        )
        return Response(SelectionOut(held).data)

    @extend_schema(
        operation_id="selectAccounts",
        parameters=[PLATFORM_PARAM],
        request=SelectIn,
        responses={201: _AccountList},
    )
    def post(self, request: Request, platform: str) -> Response:
        """Connect the chosen accounts.

        Connects the candidates named in `externalIds` (at least one) from the selection that
        `complete` answered or the callback named, then forgets the selection (single use).
        """
        slug = _platform(platform)
        selectors.require_live_for(slug, livemode=self.principal.livemode)
        data = self.validated(SelectIn)
        stored = selection.connect_selected(
            workspace=self.principal.workspace,
            selection_id=str(data["selection_id"]),
            external_ids=data["external_ids"],
            platform=slug,
            scope=self.principal.profile,
        )
        accounts = [account for account, _ in stored]
        return Response({"data": AccountOut(accounts, many=True).data}, status=201)


def _is_browser(request: Request) -> bool:
    return "text/html" in request.headers.get("Accept", "")


def _back(query: dict[str, str], to: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(
        oauth.with_query(to or oauth.default_return_to(), query)
    )


@extend_schema(tags=["platforms"])
class PlatformVersionListApi(APIView):
    """The platform-version registry (spec D12): public, like a status page."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="listPlatformVersions",
        auth=[],
        responses={
            200: inline_serializer(
                "PlatformVersionList", fields={"data": PlatformVersionOut(many=True)}
            )
        },
    )
    def get(self, request: Request) -> Response:
        """List platform API versions.

        The upstream API version letmepost is pinned to for each platform, with any announced sunset
        date. Public, no credentials, like a status page.
        """
        rows = versions.list_versions()
        return Response({"data": PlatformVersionOut(rows, many=True).data})

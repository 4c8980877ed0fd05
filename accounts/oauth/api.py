"""`POST /v1/oauth-exchange`: an OAuth access token buys an `lmp_live_` API key (reference CLI)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.oauth import services
from letmepost.api.auth import require_admin
from letmepost.api.views import ApiView
from letmepost.errors import Unauthenticated


class OAuthExchangeApi(ApiView):
    @extend_schema(
        exclude=True
    )  # a sign-in step of the CLI, not an operation (as the reference)
    def post(self, request: Request) -> Response:
        access = self.principal.oauth
        if access is None:
            raise Unauthenticated(
                "This endpoint takes an OAuth access token.",
                rule="oauth.token_required",
                remediation="Sign in with `letmepost login`; API keys need no exchange.",
            )
        require_admin(self.principal, "mint API keys")
        minted = services.exchange_for_api_key(access=access)
        workspace_id = str(minted.api_key.workspace_id)
        return Response(
            {
                "key": minted.secret,
                "organizationId": workspace_id,  # the reference's name for a workspace
                "workspaceId": workspace_id,
                "profileId": str(minted.api_key.profile_id)
                if minted.api_key.profile_id
                else None,
            }
        )

"""The consent page, the discovery documents, and the dashboard list of connected apps."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.views import (
    AuthorizationView,
    OAuthProtectedResourceMetadataView,
)
from oauthlib.oauth2.rfc6749.errors import InvalidRequestError

from accounts.oauth import selectors, services
from accounts.oauth.forms import ConsentForm
from accounts.oauth.scopes import SCOPES
from letmepost.dashboard import DashboardRequest, dashboard_view

# RFC 9728 path-component form: the resources we protect, by their well-known suffix.
RESOURCES = {"": "", "mcp": "/mcp", "v1": "/v1"}


class ConsentView(AuthorizationView):
    """`/oauth2/authorize`: sign in, pick a workspace (or one profile), allow or deny."""

    template_name = "oauth/consent.html"
    form_class = ConsentForm

    def validate_authorization_request(self, request: HttpRequest) -> Any:
        """OAuth 2.1: refuse a `plain` PKCE challenge before the person is asked anything
        (the toolkit would refuse it only once they consent)."""
        scopes, credentials = super().validate_authorization_request(request)
        if credentials.get("code_challenge_method") != "S256":
            raise OAuthToolkitError(
                error=InvalidRequestError(
                    description='PKCE needs code_challenge_method "S256".',
                    state=credentials.get("state"),
                ),
                redirect_uri=credentials["redirect_uri"],
            )
        return scopes, credentials

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form: ConsentForm) -> HttpResponse:
        """Record the consent, then let the toolkit issue the code (or the error redirect).

        Recorded first: consenting elsewhere revokes the client's earlier codes and tokens, and
        must not revoke the code this very answer carries."""
        if form.cleaned_data.get("allow"):
            workspace, profile = form.chosen()
            services.record_consent(
                user=self.request.user,
                application=get_application_model().objects.get(
                    client_id=form.cleaned_data["client_id"]
                ),
                workspace=workspace,
                profile=profile,
                scope=form.cleaned_data["scope"],
            )
        return super().form_valid(form)


class ProtectedResourceView(OAuthProtectedResourceMetadataView):
    """RFC 9728 for the API as a whole, for `/mcp` and for `/v1`."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if kwargs.get("resource_path", "") not in RESOURCES:
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_resource(self, request: HttpRequest) -> str:
        return settings.PUBLIC_URL + RESOURCES[self.kwargs.get("resource_path", "")]

    def get_authorization_servers(self, request: HttpRequest) -> list[str]:
        return [settings.PUBLIC_URL]

    def get_scopes_supported(self) -> list[str]:
        return list(SCOPES)

    def get_resource_name(self) -> str:
        return "letmepost"

    def get_resource_documentation(self) -> str:
        return f"{settings.DOCS_BASE_URL}/api"


# --- dashboard -------------------------------------------------------------------------------


@require_GET
@dashboard_view
def connected_apps_page(request: DashboardRequest) -> HttpResponse:
    return render(
        request,
        "oauth/connected_apps.html",
        {
            "authorizations": selectors.list_authorizations(request.user),
            "scopes": SCOPES,
        },
    )


@require_POST
@dashboard_view
def connected_app_revoke(
    request: DashboardRequest, authorization_id: str
) -> HttpResponse:
    authorization = selectors.get_authorization_for_user(request.user, authorization_id)
    name = authorization.application.name or "The app"
    services.revoke_authorization(authorization=authorization)
    messages.success(request, f"{name} can no longer act for you.")
    return redirect("oauth:connected-apps")

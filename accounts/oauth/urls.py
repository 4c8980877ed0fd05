"""The OAuth server's routes, at the paths the reference CLI and MCP clients use.

The namespace is django-oauth-toolkit's own, because its metadata and registration views
reverse `oauth2_provider:<name>` to advertise these endpoints.
"""

from django.urls import path
from oauth2_provider import views as toolkit

from accounts.oauth.registration import RegisterView
from accounts.oauth.views import ConsentView, ProtectedResourceView

app_name = "oauth2_provider"

urlpatterns = [
    path(
        ".well-known/oauth-authorization-server",
        toolkit.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
    path(
        ".well-known/oauth-protected-resource",
        ProtectedResourceView.as_view(),
        name="oauth-resource-metadata",
    ),
    path(
        ".well-known/oauth-protected-resource/<path:resource_path>",
        ProtectedResourceView.as_view(),
        name="oauth-resource-metadata-path",
    ),
    path("oauth2/authorize", ConsentView.as_view(), name="authorize"),
    path("oauth2/token", toolkit.TokenView.as_view(), name="token"),
    path("oauth2/revoke", toolkit.RevokeTokenView.as_view(), name="revoke-token"),
    path("oauth2/register", RegisterView.as_view(), name="dcr-register"),
    path(
        "oauth2/register/<str:client_id>",
        toolkit.DynamicClientRegistrationManagementView.as_view(),
        name="dcr-register-management",
    ),
]

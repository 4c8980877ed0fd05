"""The authorization server's routes, and an X-shaped `GET /2/users/me` its tokens protect."""

from django.contrib.auth.views import LoginView
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views import View
from oauth2_provider.views import AuthorizationView, TokenView
from oauth2_provider.views.mixins import OAuthLibMixin

from tests.e2e.oauth_provider.identity import GitHubEmails, GitHubUser, GoogleUserinfo


class XUsersMe(OAuthLibMixin, View):
    """`GET /2/users/me` as X documents it: `{"data": {"id", "name", "username"}}`.

    A missing, expired or revoked token gets X's 401 problem body (DOT's own protected view
    would answer 403).
    """

    def get(self, request: HttpRequest) -> JsonResponse:
        valid, oauth_request = self.verify_request(request)
        if not valid:
            return JsonResponse(
                {
                    "title": "Unauthorized",
                    "type": "about:blank",
                    "status": 401,
                    "detail": "Unauthorized",
                },
                status=401,
            )
        user = oauth_request.user
        return JsonResponse(
            {
                "data": {
                    "id": str(1_000_000 + user.pk),
                    "name": user.get_full_name() or user.username,
                    "username": user.username,
                }
            }
        )


urlpatterns = [
    path("login/", LoginView.as_view()),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("2/users/me", XUsersMe.as_view()),
    # Google's and GitHub's paths for the same server (sign-in e2e).
    path("o/oauth2/v2/auth", AuthorizationView.as_view()),
    path("token", TokenView.as_view()),
    path("oauth2/v2/userinfo", GoogleUserinfo.as_view()),
    path("login/oauth/authorize", AuthorizationView.as_view()),
    path("login/oauth/access_token", TokenView.as_view()),
    path("api/v3/user", GitHubUser.as_view()),
    path("api/v3/user/emails", GitHubEmails.as_view()),
]

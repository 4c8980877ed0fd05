"""Google- and GitHub-shaped identity endpoints, for the sign-in e2e (tests/e2e/test_social_login.py).

Google: `GET /oauth2/v2/userinfo` → `{"id", "email", "verified_email", "name", ...}`
(developers.google.com/identity/openid-connect/openid-connect, the v2 userinfo shape allauth
reads). GitHub: `GET /api/v3/user` and `/api/v3/user/emails` (docs.github.com/en/rest/users),
under GitHub Enterprise Server's `/api/v3` prefix, with GitHub's `Authorization: token …`.
"""

from django.http import HttpRequest, JsonResponse
from django.views import View
from oauth2_provider.views.mixins import OAuthLibMixin


class _Protected(OAuthLibMixin, View):
    def get(self, request: HttpRequest) -> JsonResponse:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "token":  # GitHub's scheme; DOT reads Bearer
            request.META["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        valid, oauth_request = self.verify_request(request)
        if not valid:
            return JsonResponse({"message": "Bad credentials"}, status=401)
        return JsonResponse(self.body(oauth_request.user), safe=False)

    def body(self, user) -> object:
        raise NotImplementedError


class GoogleUserinfo(_Protected):
    def body(self, user) -> object:
        return {
            "id": str(108204268033311374519 + user.pk),
            "email": user.email,
            "verified_email": True,
            "name": user.get_full_name() or user.username,
            "given_name": user.first_name,
        }


class GitHubUser(_Protected):
    def body(self, user) -> object:
        return {
            "login": user.username,
            "id": 583231 + user.pk,
            "name": user.get_full_name() or user.username,
            "email": None,  # private: the address comes from /user/emails
            "type": "User",
        }


class GitHubEmails(_Protected):
    def body(self, user) -> object:
        return [
            {
                "email": user.email,
                "verified": True,
                "primary": True,
                "visibility": "private",
            }
        ]

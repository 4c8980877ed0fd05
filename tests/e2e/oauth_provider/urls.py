"""The authorization server's routes, and an X-shaped `GET /2/users/me` its tokens protect."""

from django.contrib.auth.views import LoginView
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from oauth2_provider.views import ProtectedResourceView


class XUsersMe(ProtectedResourceView):
    """`GET /2/users/me` as X documents it: `{"data": {"id", "name", "username"}}`."""

    def get(self, request: HttpRequest) -> JsonResponse:
        user = request.resource_owner
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
]

"""Meta's app-review callbacks: deauthorize, data deletion, and the public deletion status page.

Meta POSTs a form-encoded `signed_request` (no session, no CSRF token). Errors answer the
envelope; the signed request is never logged (`sensitive_post_parameters` keeps it out of error
reports too). The paths mirror letmepost.dev's (`/deauth/meta`, `/data-deletion/meta`); a
`/<platform>` suffix checks that platform's app secret only.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET

from letmepost.api.errors import error_response
from letmepost.errors import LetmepostError, NotFound
from platforms.meta import callbacks
from platforms.meta.models import MetaDataDeletion
from platforms.meta.signed_request import META_PLATFORMS, verify
from platforms.oauth import client_settings


@method_decorator(
    [csrf_exempt, sensitive_post_parameters("signed_request")], name="dispatch"
)
class SignedRequestView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, platform: str | None = None) -> HttpResponse:
        try:
            if platform is not None and platform not in META_PLATFORMS:
                raise NotFound(resource="Meta platform")
            candidates = [platform] if platform else list(META_PLATFORMS)
            platforms, user_id = verify(
                request.POST.get("signed_request", ""),
                {p: client_settings(p).get("client_secret", "") for p in candidates},
            )
            return self.act(request, platforms, user_id)
        except LetmepostError as exc:
            return error_response(exc, request)

    def act(
        self, request: HttpRequest, platforms: list[str], user_id: str
    ) -> HttpResponse:
        raise NotImplementedError


class DeauthorizeView(SignedRequestView):
    """The person removed the app: disconnect their accounts. Meta only needs a 200."""

    def act(
        self, request: HttpRequest, platforms: list[str], user_id: str
    ) -> HttpResponse:
        callbacks.deauthorize(platforms=platforms, user_id=user_id)
        return HttpResponse(status=200)


class DataDeletionView(SignedRequestView):
    """Erase the person's data and answer Meta's `{url, confirmation_code}` (its names, as is)."""

    def act(
        self, request: HttpRequest, platforms: list[str], user_id: str
    ) -> HttpResponse:
        deletion = callbacks.erase(platforms=platforms, user_id=user_id)
        url = f"{settings.PUBLIC_URL}{reverse('meta-deletion-status')}?code={deletion.code}"
        return JsonResponse({"url": url, "confirmation_code": deletion.code})


@require_GET
def deletion_status(request: HttpRequest) -> HttpResponse:
    """Public: anyone holding the confirmation code may read what became of the request."""
    code = request.GET.get("code", "")
    deletion = MetaDataDeletion.objects.filter(code=code).first() if code else None
    return render(
        request,
        "platforms/meta_deletion_status.html",
        {"deletion": deletion, "code": code},
        status=200 if deletion else 404,
    )

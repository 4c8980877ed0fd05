"""Dynamic client registration (RFC 7591) for public clients with loopback or https callbacks.

django-oauth-toolkit registers the client; this module decides what it may register: a public
client (no secret: a CLI or a desktop agent cannot keep one), the authorization-code grant, and
redirect URIs that are loopback addresses (RFC 8252, any port) or https. Registration is open, as
MCP clients expect, so it is rate-limited per client address.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.views import DynamicClientRegistrationView

from letmepost.api.ratelimit import client_address, hit

MAX_REDIRECT_URIS = 10
GRANT_TYPES = {"authorization_code", "refresh_token"}


class Refused(Exception):
    """An RFC 7591 §3.2.2 error: `error` code and a human description."""

    def __init__(
        self, description: str, error: str = "invalid_client_metadata"
    ) -> None:
        super().__init__(description)
        self.error = error
        self.description = description

    def response(self, status: int = 400) -> JsonResponse:
        body = {"error": self.error, "error_description": self.description}
        return JsonResponse(body, status=status)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_redirect_uri(uri: Any) -> None:
    """Refuse a redirect URI that is not https or http on a loopback address."""
    if not isinstance(uri, str) or not uri:
        raise Refused(
            "Each redirect URI must be a non-empty string.", "invalid_redirect_uri"
        )
    try:
        parts = urlsplit(uri)
        host = parts.hostname or ""
    except ValueError:
        raise Refused(f"{uri!r} is not a URL.", "invalid_redirect_uri") from None
    if "#" in uri or "*" in uri or parts.username or parts.password:
        raise Refused(
            f"{uri!r} must not carry a fragment, a wildcard or credentials.",
            "invalid_redirect_uri",
        )
    if not (
        (parts.scheme == "https" and host)
        or (parts.scheme == "http" and is_loopback(host))
    ):
        raise Refused(
            f"{uri!r} must be https, or http on a loopback address "
            "(127.0.0.1, [::1] or localhost).",
            "invalid_redirect_uri",
        )


def normalized_metadata(data: Any) -> dict[str, Any]:
    """The metadata to register, or `Refused`.

    RFC 7591 §3.2.1 lets the server replace requested values: every client is registered as a
    public one (`token_endpoint_auth_method: none`), and the response tells the client so.
    """
    if not isinstance(data, dict):
        raise Refused("The request body must be a JSON object.")
    uris = data.get("redirect_uris")
    if not isinstance(uris, list) or not uris:
        raise Refused(
            "redirect_uris must list at least one URI.", "invalid_redirect_uri"
        )
    if len(uris) > MAX_REDIRECT_URIS:
        raise Refused(f"Register at most {MAX_REDIRECT_URIS} redirect URIs.")
    for uri in uris:
        check_redirect_uri(uri)
    grants = data.get("grant_types", ["authorization_code"])
    if not isinstance(grants, list) or not set(grants) <= GRANT_TYPES:
        raise Refused(
            "Only the authorization_code and refresh_token grants are supported."
        )
    return {
        **data,
        "grant_types": ["authorization_code"],
        "token_endpoint_auth_method": "none",
        "client_name": str(data.get("client_name") or "")[:255],
    }


@method_decorator(csrf_exempt, name="dispatch")
class RegisterView(DynamicClientRegistrationView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        window = hit(
            f"oauth-register:{client_address(request)}",
            limit=settings.OAUTH_REGISTRATIONS_PER_HOUR,
            window=3600,
        )
        if window.exceeded:
            response = Refused(
                "Too many client registrations from this address.", "rate_limited"
            ).response(status=429)
            response["Retry-After"] = str(window.reset)
            return response
        try:
            metadata = normalized_metadata(json.loads(request.body))
        except ValueError:
            return Refused("The request body must be JSON.").response()
        except Refused as refused:
            return refused.response()
        request._body = json.dumps(metadata).encode()  # what the toolkit's view parses
        return super().post(request, *args, **kwargs)

"""Who is calling: an API key (`Authorization: Bearer lmp_…`) or a dashboard session.

`ApiAuthMiddleware` resolves the caller once per API request into a `Principal`, so the rate
limiter and the idempotency layer can key on it before any view runs. DRF's
`PrincipalAuthentication` hands the same principal to views as `request.auth`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.models import ApiKey, Membership, Profile, User, Workspace
from accounts.oauth.scopes import allows
from accounts.oauth.selectors import OAuthAccess, access_for_token
from accounts.selectors import get_membership
from accounts.services import authenticate_api_key
from letmepost.api.errors import is_api_path
from letmepost.errors import LetmepostError, Unauthenticated, Unauthorized

SESSION_WORKSPACE_KEY = "workspace_id"
# Postiz clients send the bare key, without a scheme (D20, spec/postiz-compat.md §2).
BARE_KEY_PREFIXES = ("/public/v1/", "/api/public/v1/")


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of one request, and the workspace it acts in."""

    workspace: Workspace
    api_key: ApiKey | None = None
    user: User | None = None
    role: str | None = None  # the session user's membership role; keys carry none
    oauth: OAuthAccess | None = None  # an OAuth access token's grant (accounts.oauth)

    @property
    def profile(self) -> Profile | None:
        """The profile a scoped key or grant is confined to; None means the whole workspace."""
        if self.oauth:
            return self.oauth.authorization.profile
        return self.api_key.profile if self.api_key else None

    @property
    def livemode(self) -> bool:
        """The mode every read and write of this request runs in (D23): the key's prefix.

        A dashboard session is live: people act on live data; test data is a test key's.
        """
        return self.api_key.livemode if self.api_key else True

    @property
    def credential_id(self) -> str:
        """Stable id of the credential, for idempotency scopes and rate-limit buckets."""
        if self.oauth:
            return f"oauth:{self.oauth.authorization.pk}"
        return f"key:{self.api_key.pk}" if self.api_key else f"user:{self.user.pk}"  # type: ignore[union-attr]

    @property
    def can_administer(self) -> bool:
        """Keys act for the workspace; people need the owner or admin role."""
        return self.api_key is not None or self.role in (
            Membership.Role.OWNER,
            Membership.Role.ADMIN,
        )


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request: HttpRequest, reason: str) -> HttpResponse:
        raise Unauthorized(
            f"CSRF check failed: {reason}.",
            rule="csrf",
            remediation="Send the csrftoken cookie's value in the X-CSRFToken header.",
        )


def resolve_principal(request: HttpRequest) -> Principal | None:
    """Return the caller, None for an anonymous request, or raise for a bad credential."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if not token and request.path.startswith(BARE_KEY_PREFIXES):
            scheme, token = "bearer", scheme
        if scheme.lower() == "bearer" and is_oauth_token(token):
            return resolve_oauth_principal(request, token.strip())
        if scheme.lower() != "bearer" or not token.strip().startswith(
            ("lmp_live_", "lmp_test_")
        ):
            raise Unauthenticated(
                "Malformed Authorization header.",
                remediation="Send `Authorization: Bearer lmp_live_…` (or `lmp_test_…`).",
            )
        api_key = authenticate_api_key(token.strip())
        if api_key is None:
            raise Unauthenticated("API key is invalid or revoked.")
        return Principal(workspace=api_key.workspace, api_key=api_key)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    membership = get_membership(user, request.session.get(SESSION_WORKSPACE_KEY))
    if membership is None:
        raise Unauthorized("No workspace on this session.")
    _CsrfCheck(lambda r: HttpResponse()).process_view(request, None, (), {})  # type: ignore[arg-type]
    return Principal(workspace=membership.workspace, user=user, role=membership.role)


def is_oauth_token(token: str) -> bool:
    """Not an API key: an access token from our OAuth server (accounts.oauth)."""
    token = token.strip()
    return bool(token) and not token.startswith(("lmp_live_", "lmp_test_"))


class OAuthUnauthenticated(Unauthenticated):
    """No usable token: the challenge names our RFC 9728 metadata, where an OAuth client
    (an MCP client, the CLI) discovers how to sign in (MCP authorization spec)."""

    def __init__(
        self, message: str | None = None, *, resource: str = "", **fields: Any
    ) -> None:
        super().__init__(message, **fields)
        self.resource = resource  # "mcp", "v1" or "" (the whole API)

    def headers(self) -> dict[str, str]:
        url = f"{settings.PUBLIC_URL}/.well-known/oauth-protected-resource/{self.resource}"
        return {"WWW-Authenticate": f'Bearer resource_metadata="{url.rstrip("/")}"'}


def resolve_oauth_principal(request: HttpRequest, token: str) -> Principal:
    """An OAuth access token acts as its person, in the workspace (and profile) they granted,
    within its scopes: `read` reads, `publish` also writes."""
    access = access_for_token(token)
    if access is None:
        raise OAuthUnauthenticated(
            "Access token is invalid, expired or revoked.",
            rule="oauth.token_invalid",
            remediation="Sign in again (refresh the token), or send an API key.",
        )
    if not allows(access.scopes, request.method or "GET"):
        raise Unauthorized(
            "This access token may only read.",
            rule="oauth.insufficient_scope",
            remediation="Sign in again and grant the `publish` scope.",
        )
    membership = access.membership
    return Principal(
        workspace=membership.workspace,
        user=membership.user,
        role=membership.role,
        oauth=access,
    )


class ApiAuthMiddleware:
    """Attach `request.principal` (or `request.auth_error`) on API paths; never answers itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.principal = None  # type: ignore[attr-defined]
        request.auth_error = None  # type: ignore[attr-defined]
        if is_api_path(request.path):
            try:
                request.principal = resolve_principal(request)  # type: ignore[attr-defined]
            except LetmepostError as exc:
                request.auth_error = exc  # type: ignore[attr-defined]
        return self.get_response(request)


class PrincipalAuthentication(BaseAuthentication):
    """DRF adapter: the principal the middleware resolved becomes `request.auth`."""

    def authenticate(self, request: Request) -> tuple[Any, Principal] | None:
        raw = request._request
        if error := getattr(raw, "auth_error", None):
            raise error
        principal: Principal | None = getattr(raw, "principal", None)
        if principal is None:
            return None
        return principal.user or AnonymousUser(), principal

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="letmepost"'


class IsWorkspaceMember(BasePermission):
    """Any authenticated caller; the workspace scoping itself happens in selectors."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.auth, Principal):
            raise Unauthenticated()
        return True


def require_admin(principal: Principal, action: str) -> None:
    if not principal.can_administer:
        raise Unauthorized(
            f"Only workspace owners and admins can {action}.", rule="membership.role"
        )

"""Connecting accounts with OAuth 2.0 authorization code (+ PKCE S256), for every OAuth platform.

The flow is data-driven: an adapter mixes in `OAuthConnect` and describes its provider with an
`OAuthConfig`. Static providers (X, LinkedIn...) return one config built from settings; Mastodon
builds one per instance after registering an app there (`prepare_oauth`). Then:

1. `start_connect()` stores an `OAuthState` (random 256-bit `state`, PKCE verifier, redirect URI,
   trusted returnTo, 10-minute TTL) and returns the connect descriptor with the authorization URL.
2. The provider sends the browser to `GET /v1/accounts/oauth/<platform>/callback?code&state`, or a
   client posts `{code, state}` to `/v1/accounts/connect/<platform>/complete`.
3. `finish_connect()` consumes the state (deleted under a row lock: single use), exchanges the
   code at the token URL through platforms.http, asks the adapter who the account is
   (`connect_with_token`) and stores it with `platforms.services.store_connected`; an adapter
   with `choose_at_connect` that found several accounts stores none yet: they wait for the
   person's choice in a selection (platforms.selection).

The token exchange is plain form-encoded OAuth (RFC 6749 §4.1.3, RFC 7636) over our one HTTP
session, so the SSRF guard, timeouts and User-Agent apply to every provider alike.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from letmepost.errors import (
    LetmepostError,
    PlatformAuthFailed,
    PlatformNotEnabled,
    ValidationFailed,
)
from platforms import http as platform_http
from platforms.base import ConnectedAccount
from platforms.models import OAuthState, PendingSelection, PlatformAccount
from platforms.registry import adapter_class
from platforms.upstream import Failure, UpstreamClient

if TYPE_CHECKING:
    from accounts.models import Profile, Workspace

logger = logging.getLogger("letmepost.platforms.oauth")

STATE_TTL = timedelta(minutes=10)


@dataclass(frozen=True)
class OAuthConfig:
    """One OAuth 2.0 provider: where to send people, where to exchange codes, what to ask for."""

    authorize_url: str
    token_url: str
    client_id: str
    client_secret: str = ""
    scopes: tuple[str, ...] = ()
    scope_delimiter: str = " "
    pkce: bool = True
    client_auth: str = (
        "body"  # "body": id and secret in the form; "basic": HTTP basic auth
    )
    client_id_param: str = "client_id"  # TikTok calls it client_key
    revoke_url: str = ""  # RFC 7009 endpoint; empty when the platform has none
    extra_authorize_params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 - a scheme name, not a secret
    refresh_token: str | None = None
    expires_at: datetime | None = None
    scope: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OAuthProvider:
    """A platform's fixed OAuth endpoints; the client id and secret come from settings.

    `<SLUG>_OAUTH_AUTHORIZE_URL`, `_TOKEN_URL` and `_REVOKE_URL` override the URLs (tests point
    them at a loopback server). When `api_base` is given, the token and revoke URLs under it
    follow `<SLUG>_API_BASE` too, unless set on their own (a sandbox with its own token endpoint).
    """

    authorize_url: str
    token_url: str
    scopes: tuple[str, ...] = ()
    scope_delimiter: str = " "
    pkce: bool = True
    client_auth: str = "body"
    client_id_param: str = "client_id"
    revoke_url: str = ""
    extra_authorize_params: Mapping[str, str] = field(default_factory=dict)
    api_base: str = ""  # the documented API base its token and revoke URLs live under


def google_provider(scopes: tuple[str, ...]) -> OAuthProvider:
    """Google's OAuth (YouTube, Business Profile): offline access, consent asked each time so a
    refresh token always comes back."""
    return OAuthProvider(
        authorize_url="https://accounts.google.com/o/oauth2/v2/auth",
        token_url="https://oauth2.googleapis.com/token",  # noqa: S106 - a URL
        scopes=scopes,
        revoke_url="https://oauth2.googleapis.com/revoke",
        extra_authorize_params={"access_type": "offline", "prompt": "consent"},
    )


def client_settings(platform: str) -> Mapping[str, str]:
    return settings.OAUTH_CLIENTS.get(platform, {})


def configured(platform: str, provider: OAuthProvider) -> OAuthConfig:
    """The provider with this install's credentials; 403 platform_not_enabled without them."""
    client = client_settings(platform)
    if not client.get("client_id") or not client.get("client_secret"):
        prefix = platform.upper()
        raise PlatformNotEnabled(
            platform=platform,
            rule="platform.not_configured",
            remediation=(
                f"Set {prefix}_CLIENT_ID and {prefix}_CLIENT_SECRET (or "
                f"{prefix}_CLIENT_SECRET_FILE) to the app credentials from {platform}'s "
                f"developer portal, with the redirect URI {redirect_uri_for(platform)}, "
                "then restart letmepost."
            ),
        )
    return OAuthConfig(
        authorize_url=client.get("authorize_url") or provider.authorize_url,
        token_url=client.get("token_url")
        or _moved(provider.token_url, provider, client),
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        scopes=provider.scopes,
        scope_delimiter=provider.scope_delimiter,
        pkce=provider.pkce,
        client_auth=provider.client_auth,
        client_id_param=provider.client_id_param,
        revoke_url=client.get("revoke_url")
        or _moved(provider.revoke_url, provider, client),
        extra_authorize_params=provider.extra_authorize_params,
    )


def _moved(url: str, provider: OAuthProvider, client: Mapping[str, str]) -> str:
    """`url` moved onto `<SLUG>_API_BASE` when it lives under the provider's `api_base`."""
    base = client.get("api_base")
    if base and provider.api_base and url.startswith(provider.api_base):
        return base.rstrip("/") + url.removeprefix(provider.api_base)
    return url


def api_base(platform: str, default: str) -> str:
    """`<SLUG>_API_BASE` when set (tests), else the platform's documented base URL."""
    return (client_settings(platform).get("api_base") or default).rstrip("/")


class TokenClient(UpstreamClient):
    """An upstream client acting with one account's access token on the platform's documented
    API host, `default_base` (`<SLUG>_API_BASE` replaces it: tests, a sandbox)."""

    default_base: ClassVar[str]
    version: str  # always the pinned label (UpstreamClient allows None)

    def __init__(self, token: str, *, version: str) -> None:
        super().__init__(version=version)
        self.token = token
        self.base = api_base(self.platform, self.default_base)

    def bearer_call(
        self, method: str, path: str, *, write: bool = False, **kwargs: Any
    ) -> Any:
        """One JSON call to `base + path` with the account's token: the 2xx body as sent, or
        the mapped error (`write`: see `UpstreamClient.request`)."""
        headers = {
            "Accept": "application/json",
            "Authorization": f"Bearer {self.token}",
        }
        response = self.request(
            method, f"{self.base}{path}", write=write, headers=headers, **kwargs
        )
        return self.read(response)


def token_credentials(token: TokenSet, **extra: Any) -> dict[str, Any]:
    """The credentials dict every OAuth adapter stores (encrypted) for an account."""
    out: dict[str, Any] = {"accessToken": token.access_token}
    if token.refresh_token:
        out["refreshToken"] = token.refresh_token
    if token.scope:
        out["scope"] = token.scope
    return out | extra


def access_token(account: PlatformAccount) -> str:
    """The account's stored access token (`token_credentials`); '' when it is missing, which
    the platform answers with a 401 like any other dead token."""
    return str(account.credentials.get("accessToken", ""))


@dataclass(frozen=True)
class RefreshedToken:
    """What a refresh produced: the credentials to store and the new expiry (None: never)."""

    credentials: dict[str, Any]
    expires_at: datetime | None


class OAuthConnect:
    """Mixin for adapters that connect with the generic OAuth flow above.

    Override `oauth_config` (always), `prepare_oauth` (when the provider is chosen by the user,
    as a Mastodon instance is) and `connect_with_token` (always).
    """

    connect_kind: ClassVar[str] = "oauth"
    # Static providers (every platform but Mastodon) describe themselves here.
    oauth_provider: ClassVar[OAuthProvider | None] = None
    # Several accounts found: let the person choose which to connect (platforms.selection).
    choose_at_connect: ClassVar[bool] = False
    # Refresh this long before the token expires (spec/webhooks.md §5).
    refresh_horizon: ClassVar[timedelta] = timedelta(minutes=15)

    @classmethod
    def prepare_oauth(
        cls, params: Mapping[str, Any], *, redirect_uri: str
    ) -> dict[str, Any]:
        """Validate the connect request's extra fields; return the context kept in the state."""
        return {}

    @classmethod
    def oauth_config(
        cls, context: Mapping[str, Any], *, redirect_uri: str
    ) -> OAuthConfig:
        slug = getattr(cls, "slug", "?")
        if cls.oauth_provider is None:
            raise PlatformNotEnabled(platform=slug)
        return configured(slug, cls.oauth_provider)

    @classmethod
    def ensure_enabled(cls) -> None:
        """Raise 403 platform_not_enabled when this install has no app credentials."""
        if cls.oauth_provider is not None:
            configured(getattr(cls, "slug", "?"), cls.oauth_provider)

    @classmethod
    def can_refresh(cls, account: PlatformAccount) -> bool:
        """Whether `refresh_credentials` can renew this account's token without the user."""
        return bool(account.credentials.get("refreshToken"))

    @classmethod
    def refresh_credentials(cls, account: PlatformAccount) -> RefreshedToken:
        """Renew the account's token (RFC 6749 §6 by default; the caller holds the row lock).

        Raise PlatformAuthFailed when the platform refuses for good (the account then needs
        reconnecting) and PlatformUnavailable when it may work later.
        """
        config = cls.oauth_config(
            account.metadata, redirect_uri=redirect_uri_for(account.platform)
        )
        token = refresh_token(
            config,
            platform=account.platform,
            refresh=account.credentials["refreshToken"],
        )
        credentials = {**account.credentials, **token_credentials(token)}
        return RefreshedToken(credentials=credentials, expires_at=token.expires_at)

    @classmethod
    def revoke_credentials(cls, account: PlatformAccount) -> None:
        """Tell the platform to forget the account's tokens (RFC 7009), best effort."""
        try:
            config = cls.oauth_config(
                account.metadata, redirect_uri=redirect_uri_for(account.platform)
            )
        except LetmepostError:
            return
        if config.revoke_url:
            cls.revoke(config, account)

    @classmethod
    def revoke(cls, config: OAuthConfig, account: PlatformAccount) -> None:
        """The revocation call itself: RFC 7009 unless the platform has its own."""
        revoke_tokens(
            config, platform=account.platform, credentials=account.credentials
        )

    @classmethod
    def connect_with_token(
        cls, token: TokenSet, context: Mapping[str, Any]
    ) -> ConnectedAccount | list[ConnectedAccount]:
        """Ask the platform who the token belongs to and describe the account(s) to store.

        A list connects several accounts at once (Facebook: one per Page the person manages).
        """
        raise NotImplementedError


class InvalidState(LetmepostError):
    """The callback's state is unknown, used, expired or for another platform."""

    code = "validation_failed"
    template = "The connect link is invalid or has expired."

    def __init__(self, reason: str, return_to: str = "") -> None:
        super().__init__(
            rule="oauth.state",
            remediation="Start connecting the account again.",
        )
        self.reason = reason  # the callback's connect_error value
        self.return_to = (
            return_to  # known when the state existed (expired, other platform)
        )


@dataclass(frozen=True)
class Connected:
    """What a finished flow did: stored `count` accounts, or held a selection to choose from."""

    account: PlatformAccount | None  # the first stored; None when a selection waits
    created: bool
    return_to: str
    count: int = 1
    selection: PendingSelection | None = None


def oauth_adapter(platform: str) -> type[OAuthConnect]:
    """The platform's adapter class, which must connect through this module."""
    adapter = adapter_class(platform)
    if not issubclass(adapter, OAuthConnect):
        raise ValidationFailed(
            f"{platform} does not connect with OAuth.",
            rule="platform",
            remediation=f"Use POST /v1/accounts/connect/{platform}/complete with its fields.",
        )
    return adapter


def redirect_uri_for(platform: str) -> str:
    return f"{settings.PUBLIC_URL}/v1/accounts/oauth/{platform}/callback"


def default_return_to() -> str:
    return f"{settings.PUBLIC_URL}/"


def trusted_return_to(url: str | None) -> str:
    """`url` if its origin is the public URL or a LETMEPOST_TRUSTED_ORIGINS entry, else ""."""
    if not url:
        return ""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    trusted = {o.rstrip("/").lower() for o in settings.TRUSTED_ORIGINS}
    return url if parts.scheme in ("http", "https") and origin in trusted else ""


def with_query(url: str, params: Mapping[str, str]) -> str:
    """`url` with `params` appended to its query string (existing parameters kept)."""
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


def pkce_pair() -> tuple[str, str]:
    """A code verifier (64 url-safe characters) and its S256 challenge (RFC 7636 §4)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(
    config: OAuthConfig, *, state: str, redirect_uri: str, challenge: str | None
) -> str:
    params = {
        "response_type": "code",
        config.client_id_param: config.client_id,
        "redirect_uri": redirect_uri,
        "scope": config.scope_delimiter.join(config.scopes),
        "state": state,
        **config.extra_authorize_params,
    }
    if challenge:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return with_query(config.authorize_url, params)


def start_connect(
    *,
    workspace: Workspace,
    profile: Profile,
    platform: str,
    params: Mapping[str, Any],
    return_to: str = "",
) -> dict[str, Any]:
    """Begin connecting an account: store the state and return the OAuth connect descriptor."""
    adapter = oauth_adapter(platform)
    redirect_uri = redirect_uri_for(platform)
    context = adapter.prepare_oauth(params, redirect_uri=redirect_uri)
    config = adapter.oauth_config(context, redirect_uri=redirect_uri)
    verifier, challenge = pkce_pair() if config.pkce else ("", None)
    state = OAuthState.objects.create(
        state=secrets.token_urlsafe(32),
        platform=platform,
        workspace=workspace,
        profile=profile,
        code_verifier=verifier,
        redirect_uri=redirect_uri,
        return_to=trusted_return_to(return_to),
        context=dict(context),
        expires_at=timezone.now() + STATE_TTL,
    )
    return {
        "kind": "oauth",
        "authorizationUrl": authorization_url(
            config, state=state.state, redirect_uri=redirect_uri, challenge=challenge
        ),
        "state": state.state,
        "scopes": list(config.scopes),
        "redirectUri": redirect_uri,
    }


def consume_state(
    *, platform: str, state: str, workspace: Workspace | None = None
) -> OAuthState:
    """Take the state out of the database (single use) and check it; raise InvalidState.

    With `workspace` (manual completion through the API), a state started by another workspace
    is treated as unknown and left alone.
    """
    with transaction.atomic():
        row = (
            OAuthState.objects.select_for_update()
            .select_related("workspace", "profile")
            .filter(state=state)
            .first()
        )
        if row is None or (workspace is not None and row.workspace_id != workspace.pk):
            raise InvalidState("invalid_state_malformed")  # unknown, forged or used
        OAuthState.objects.filter(pk=row.pk).delete()
    if row.expires_at <= timezone.now():
        raise InvalidState("invalid_state_expired", row.return_to)
    if row.platform != platform:
        raise InvalidState("platform_mismatch", row.return_to)
    return row


def finish_connect(
    *, platform: str, code: str, state: str, workspace: Workspace | None = None
) -> Connected:
    """Complete a flow: exchange the code and store the account in the state's workspace.

    `workspace` (manual completion through the API) must be the one that started the flow.
    """
    row = consume_state(platform=platform, state=state, workspace=workspace)
    from platforms.services import store_connected

    try:
        adapter = oauth_adapter(platform)
        config = adapter.oauth_config(row.context, redirect_uri=row.redirect_uri)
        token = exchange_code(
            config,
            platform=platform,
            code=code,
            redirect_uri=row.redirect_uri,
            code_verifier=row.code_verifier,
        )
        described = adapter.connect_with_token(token, row.context)
        found = described if isinstance(described, list) else [described]
        if adapter.choose_at_connect and len(found) > 1:
            from platforms.selection import hold_candidates

            selection = hold_candidates(
                workspace=row.workspace,
                profile=row.profile,
                platform=platform,
                candidates=found,
                token_expires_at=token.expires_at,
                return_to=row.return_to,
            )
            return Connected(
                account=None,
                created=False,
                return_to=row.return_to or default_return_to(),
                count=0,
                selection=selection,
            )
        stored = [
            store_connected(
                workspace=row.workspace,
                profile=row.profile,
                platform=platform,
                connected=connected,
                token_expires_at=connected.token_expires_at
                if connected.own_expiry
                else token.expires_at,
            )
            for connected in found
        ]
        account, created = stored[0]
    except LetmepostError as exc:
        # The callback sends the browser back to where the flow started, error and all.
        exc.return_to = row.return_to  # type: ignore[attr-defined]
        raise
    return Connected(
        account=account,
        created=created,
        return_to=row.return_to or default_return_to(),
        count=len(stored),
    )


def exchange_code(
    config: OAuthConfig,
    *,
    platform: str,
    code: str,
    redirect_uri: str,
    code_verifier: str = "",
) -> TokenSet:
    """POST the authorization code to the token URL; raise PlatformAuthFailed if refused."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
    }
    if code_verifier:
        form["code_verifier"] = code_verifier
    return _token_request(config, form, platform=platform, rule="oauth.code_exchange")


def refresh_token(config: OAuthConfig, *, platform: str, refresh: str) -> TokenSet:
    """Trade a refresh token for a new token set (the caller holds the account's row lock)."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh}
    return _token_request(config, form, platform=platform, rule="oauth.refresh")


def revoke_tokens(
    config: OAuthConfig, *, platform: str, credentials: Mapping[str, Any]
) -> None:
    """Revoke the refresh token (which revokes its access tokens) and the access token.

    Best effort: a disconnect must succeed even when the platform cannot be reached.
    """
    auth = (
        (config.client_id, config.client_secret)
        if config.client_auth == "basic"
        else None
    )
    for hint in ("refresh_token", "access_token"):
        value = credentials.get(
            "refreshToken" if hint == "refresh_token" else "accessToken"
        )
        if not value:
            continue
        form = {"token": str(value), "token_type_hint": hint}
        if auth is None:
            form[config.client_id_param] = config.client_id
            if config.client_secret:
                form["client_secret"] = config.client_secret
        try:
            with platform_http.session() as session:
                response = session.post(config.revoke_url, data=form, auth=auth)
            if not response.ok:
                logger.warning("%s revoke answered %s", platform, response.status_code)
        except requests.RequestException as exc:
            logger.warning("%s revoke failed: %s", platform, type(exc).__name__)


class TokenEndpoint(UpstreamClient):
    """A provider's token URL: code exchanges and refreshes, over the one upstream path."""

    def __init__(self, platform: str, *, rule: str, grant: str) -> None:
        from platforms.versions import pinned_label

        super().__init__(version=pinned_label(platform) or None)
        self.platform = platform
        self.name = f"The {platform} token endpoint"
        self.rule = rule
        self.grant = grant  # "authorization code" or "refresh token", for messages

    def fields(self, **extra: Any) -> dict[str, Any]:
        return super().fields(rule=self.rule, **extra)

    def read(self, response: requests.Response) -> Any:
        body = super().read(response)
        if isinstance(body, dict) and "access_token" not in body:
            # Instagram Login documents its token inside a one-element `data` list.
            wrapped = body.get("data")
            if (
                isinstance(wrapped, list)
                and len(wrapped) == 1
                and isinstance(wrapped[0], dict)
            ):
                return wrapped[0]
        return body

    def classify(self, failure: Failure) -> LetmepostError:
        if failure.status >= 500:
            return failure.unavailable()
        return failure.error(
            PlatformAuthFailed,
            f"{self.platform} refused the {self.grant}.",
            status=502,
            remediation="Start connecting the account again.",
        )


def _token_request(
    config: OAuthConfig, form: dict[str, str], *, platform: str, rule: str
) -> TokenSet:
    auth = None
    if config.client_auth == "basic":
        auth = (config.client_id, config.client_secret)
    else:
        form[config.client_id_param] = config.client_id
        if config.client_secret:
            form["client_secret"] = config.client_secret
    refresh = form.get("grant_type") == "refresh_token"
    grant = "refresh token" if refresh else "authorization code"
    with TokenEndpoint(platform, rule=f"{platform}.{rule}", grant=grant) as endpoint:
        response = endpoint.request(
            "POST",
            config.token_url,
            data=form,
            auth=auth,
            headers={"Accept": "application/json"},
        )
        body = endpoint.read(response)
        if not isinstance(body, dict) or not body.get("access_token"):
            raise endpoint.error_for(response)
    expires_at = None
    if isinstance(body.get("expires_in"), int | float):
        expires_at = timezone.now() + timedelta(seconds=float(body["expires_in"]))
    return TokenSet(
        access_token=str(body["access_token"]),
        token_type=str(body.get("token_type") or "Bearer"),
        refresh_token=body.get("refresh_token"),
        expires_at=expires_at,
        scope=body.get("scope"),
        raw=body,
    )


def purge_expired_states(now: datetime | None = None) -> int:
    """Delete flows that were never completed (maintenance job)."""
    deleted, _ = OAuthState.objects.filter(
        expires_at__lt=now or timezone.now()
    ).delete()
    return deleted


def required_text(payload: Mapping[str, Any], name: str, wire_name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(
            f"{wire_name} is required.",
            rule=wire_name,
            remediation=f"Send {{{wire_name!r}: ...}} from the OAuth callback.",
        )
    return value.strip()

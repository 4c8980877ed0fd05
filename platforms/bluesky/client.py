"""XRPC over our one HTTP session: the handful of AT Protocol calls the Bluesky adapter makes.

Transport (XRPC spec): a `query` is `GET /xrpc/<nsid>?params`, a `procedure` is
`POST /xrpc/<nsid>` with the lexicon's input encoding. Errors come back as
`{"error": "<Name>", "message": "..."}`; this module turns every failure into the error catalog:

| upstream | raised |
|---|---|
| `ExpiredToken` / `InvalidToken` (any status) | `SessionExpired` (a PlatformAuthFailed): refresh once, then final |
| other 401, `AuthenticationRequired`, `AccountTakedown`... | `PlatformAuthFailed` |
| 429 | `PlatformRateLimited`, `retry_after` from `ratelimit-reset` (or `Retry-After`) |
| other 4xx | `PlatformRejected`, the body untouched as `platformResponse` |
| 5xx | `ServerError` (a PlatformUnavailable); for a write the adapter checks what landed |
| no connection (refused, DNS, connect timeout) | `PlatformUnavailable`: nothing was sent |
| read timeout / connection lost after sending a write | `PublishOutcomeUnknown` |
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from letmepost.errors import (
    LetmepostError,
    PlatformAuthFailed,
    PlatformRateLimited,
    PlatformRejected,
    PlatformUnavailable,
    PublishOutcomeUnknown,
)
from platforms import http as platform_http
from platforms.upstream import body_of, delta_seconds, network_failure, never_sent

PLATFORM = "bluesky"
POST_COLLECTION = "app.bsky.feed.post"
REFRESHABLE_ERRORS = frozenset({"ExpiredToken", "InvalidToken"})
AUTH_ERRORS = frozenset(
    {
        "AuthenticationRequired",
        "AuthMissing",
        "AuthFactorTokenRequired",
        "AccountTakedown",
        "AccountDeactivated",
    }
)
DEFAULT_RETRY_AFTER = 60


class SessionExpired(PlatformAuthFailed):
    """The access token is expired or no longer valid: refresh the session and try once more."""


class ServerError(PlatformUnavailable):
    """The server answered 5xx. For a read nothing happened; for a write it must be checked."""


@dataclass(frozen=True)
class Session:
    """What createSession and refreshSession return."""

    did: str
    handle: str
    access_jwt: str
    refresh_jwt: str
    pds_url: str | None  # the didDoc's #atproto_pds endpoint, when the server sends one
    expires_at: datetime | None  # the access JWT's `exp`

    @classmethod
    def from_response(cls, body: dict[str, Any]) -> Session:
        return cls(
            did=body["did"],
            handle=body.get("handle", ""),
            access_jwt=body["accessJwt"],
            refresh_jwt=body["refreshJwt"],
            pds_url=pds_endpoint(body.get("didDoc")),
            expires_at=jwt_expiry(body["accessJwt"]),
        )


def pds_endpoint(did_doc: Any) -> str | None:
    if not isinstance(did_doc, dict):
        return None
    for service in did_doc.get("service") or []:
        if isinstance(service, dict) and str(service.get("id", "")).endswith(
            "#atproto_pds"
        ):
            endpoint = service.get("serviceEndpoint")
            if isinstance(endpoint, str) and endpoint.startswith(
                ("http://", "https://")
            ):
                return endpoint.rstrip("/")
    return None


def jwt_expiry(token: str) -> datetime | None:
    """The `exp` claim of a JWT, read without verifying it (it is ours, from the PDS)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(
            base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        )
        return datetime.fromtimestamp(int(claims["exp"]), tz=UTC)
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def retry_after(response: requests.Response) -> int:
    """Seconds until the rate-limit window resets (`ratelimit-reset` is a unix time)."""
    if (reset := delta_seconds(response.headers.get("ratelimit-reset"))) is not None:
        return max(1, reset - int(time.time()))
    if (after := delta_seconds(response.headers.get("Retry-After"))) is not None:
        return max(1, after)
    return DEFAULT_RETRY_AFTER


class Xrpc:
    """Calls to one XRPC host (a PDS, or the video service) with an optional bearer token."""

    def __init__(
        self, base_url: str, *, token: str | None = None, version: str = "atproto"
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.version = version
        self.http = platform_http.session()

    def query(
        self,
        nsid: str,
        params: dict[str, Any] | None = None,
        *,
        auth: bool = True,
        token: str | None = None,
        timeout: float | None = None,
    ) -> Any:
        return self._call(
            "GET", nsid, params=params, auth=auth, token=token, timeout=timeout
        )

    def procedure(
        self,
        nsid: str,
        body: dict[str, Any] | None = None,
        *,
        data: bytes | None = None,
        content_type: str | None = None,
        params: dict[str, Any] | None = None,
        auth: bool = True,
        token: str | None = None,
        timeout: float | None = None,
        write: bool = False,
    ) -> Any:
        """POST a procedure. `write=True` marks a call that may create a post if it lands."""
        headers = {"Content-Type": content_type} if content_type else {}
        return self._call(
            "POST",
            nsid,
            params=params,
            json=body,
            data=data,
            headers=headers,
            auth=auth,
            token=token,
            timeout=timeout,
            write=write,
        )

    def _call(
        self,
        method: str,
        nsid: str,
        *,
        auth: bool,
        token: str | None,
        write: bool = False,
        timeout: float | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        headers = dict(headers or {})
        bearer = token or (self.token if auth else None)
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        if timeout is not None:
            kwargs["timeout"] = timeout
        url = f"{self.base_url}/xrpc/{nsid}"
        try:
            response = self.http.request(method, url, headers=headers, **kwargs)
        except requests.RequestException as exc:
            raise self._network_error(nsid, exc, write=write) from exc
        if response.status_code < 400:
            return response.json() if response.content else {}
        raise self.error_for(nsid, response)

    def fields(self, **extra: Any) -> dict[str, Any]:
        return {"platform": PLATFORM, "platform_version": self.version, **extra}

    def _network_error(
        self, nsid: str, exc: requests.RequestException, *, write: bool
    ) -> LetmepostError:
        response = network_failure(exc)
        if write and not never_sent(exc):
            return PublishOutcomeUnknown(
                f"{nsid} was sent to {self.base_url} but no answer came back: {exc}",
                **self.fields(platform_response=response),
                remediation="letmepost reads the record back before trying again.",
            )
        return PlatformUnavailable(
            f"{self.base_url} could not be reached ({type(exc).__name__}).",
            **self.fields(platform_response=response),
            remediation="Check the PDS URL and that the server is up; letmepost retries.",
        )

    def error_for(self, nsid: str, response: requests.Response) -> LetmepostError:
        body = body_of(response)
        name = body.get("error", "") if isinstance(body, dict) else ""
        detail = body.get("message", "") if isinstance(body, dict) else ""
        message = f"{nsid} answered {response.status_code}" + (
            f" {name}: {detail}" if name or detail else "."
        )
        fields = self.fields(platform_response=body)
        if name in REFRESHABLE_ERRORS:
            return SessionExpired(message, **fields)
        if response.status_code == 401 or name in AUTH_ERRORS:
            return PlatformAuthFailed(
                message,
                **fields,
                remediation="Create a new app password in Bluesky and reconnect the account.",
            )
        if response.status_code == 429:
            return PlatformRateLimited(
                message, retry_after=retry_after(response), **fields
            )
        if response.status_code >= 500:
            return ServerError(message, status=503, **fields)
        return PlatformRejected(message, **fields)

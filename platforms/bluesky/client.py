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

from letmepost.errors import LetmepostError, PlatformAuthFailed, PlatformUnavailable
from platforms.upstream import Failure, HostClient, delta_seconds
from platforms.upstream import retry_after as wait_or_default

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
    reset = delta_seconds(response.headers.get("ratelimit-reset"))
    return wait_or_default(
        response, None if reset is None else reset - int(time.time())
    )


class Xrpc(HostClient):
    """Calls to one XRPC host (a PDS, or the video service) with an optional bearer token."""

    platform = PLATFORM
    unreachable_remediation = (
        "Check the PDS URL and that the server is up; letmepost retries."
    )
    unanswered_remediation = "letmepost reads the record back before trying again."

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
        response = self.request(
            method, url, what=nsid, write=write, headers=headers, **kwargs
        )
        return response.json() if response.content else {}

    def detail(self, body: Any) -> str:
        if not isinstance(body, dict):
            return ""
        return " ".join(str(body.get(k) or "") for k in ("error", "message")).strip()

    def classify(self, failure: Failure) -> LetmepostError:
        body = failure.body
        name = body.get("error", "") if isinstance(body, dict) else ""
        if name in REFRESHABLE_ERRORS:
            return failure.error(SessionExpired)
        if failure.status == 401 or name in AUTH_ERRORS:
            return failure.auth_failed(
                remediation="Create a new app password in Bluesky and reconnect the account."
            )
        if failure.status == 429:
            return failure.rate_limited(retry_after(failure.response))
        if failure.status >= 500:  # for a write the adapter checks what landed
            return failure.error(ServerError, status=503)
        return failure.rejected()

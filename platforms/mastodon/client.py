"""The Mastodon client API calls the adapter makes, over our one HTTP session.

Shapes follow the Mastodon OpenAPI description (tests/fixtures/platform-apis/mastodon/schema.json,
Mastodon 4.7): JSON bodies for apps and statuses, multipart for media. Failures map to the error
catalog:

| upstream | raised |
|---|---|
| 401, 403 | `PlatformAuthFailed` (token revoked, or a scope is missing) |
| 429 | `PlatformRateLimited`, `retry_after` from `X-RateLimit-Reset` (or `Retry-After`) |
| other 4xx (422 validation...) | `PlatformRejected`, the body untouched as `platformResponse` |
| 5xx, or no answer, to `POST /api/v1/statuses` | `PublishOutcomeUnknown` (the Idempotency-Key makes re-sending safe for an hour) |
| 5xx otherwise, or no connection | `PlatformUnavailable` |
"""

from __future__ import annotations

from datetime import datetime
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
from platforms.upstream import (
    body_of,
    delta_seconds,
    network_failure,
    never_sent,
    seconds_until,
)

PLATFORM = "mastodon"
DEFAULT_RETRY_AFTER = 60


def retry_after(response: requests.Response, now: datetime | None = None) -> int:
    """Seconds until the window resets: `X-RateLimit-Reset` is an ISO 8601 time."""
    reset = seconds_until(response.headers.get("X-RateLimit-Reset"), now)
    if reset is not None:
        return max(1, reset)
    after = delta_seconds(response.headers.get("Retry-After"))
    return max(1, after) if after is not None else DEFAULT_RETRY_AFTER


class MastodonClient:
    """Calls to one instance, with the account's token when it has one."""

    def __init__(
        self,
        instance_url: str,
        *,
        token: str | None = None,
        version: str = "mastodon-v1",
    ) -> None:
        self.instance_url = instance_url.rstrip("/")
        self.token = token
        self.version = version
        self.http = platform_http.session()

    def fields(self, **extra: Any) -> dict[str, Any]:
        return {"platform": PLATFORM, "platform_version": self.version, **extra}

    def request(
        self,
        method: str,
        path: str,
        *,
        write: bool = False,
        headers: dict[str, str] | None = None,
        allow: tuple[int, ...] = (),
        **kwargs: Any,
    ) -> requests.Response:
        """Send one request; return the 2xx (or `allow`ed) response or raise the mapped error."""
        headers = {"Accept": "application/json", **(headers or {})}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        url = f"{self.instance_url}{path}"
        try:
            response = self.http.request(method, url, headers=headers, **kwargs)
        except requests.RequestException as exc:
            if write and not never_sent(exc):
                raise PublishOutcomeUnknown(
                    f"{method} {path} was sent to {self.instance_url} but no answer came back: {exc}",
                    **self.fields(platform_response=network_failure(exc)),
                ) from exc
            raise PlatformUnavailable(
                f"{self.instance_url} could not be reached ({type(exc).__name__}).",
                **self.fields(platform_response=network_failure(exc)),
                remediation="Check the instance address and that it is up; letmepost retries.",
            ) from exc
        if response.status_code < 400 or response.status_code in allow:
            return response
        raise self.error_for(method, path, response, write=write)

    def error_for(
        self, method: str, path: str, response: requests.Response, *, write: bool
    ) -> LetmepostError:
        body = body_of(response)
        detail = body.get("error") if isinstance(body, dict) else None
        message = f"{method} {path} answered {response.status_code}" + (
            f": {detail}" if detail else "."
        )
        fields = self.fields(platform_response=body)
        if response.status_code in (401, 403):
            return PlatformAuthFailed(
                message,
                **fields,
                remediation="Reconnect the Mastodon account and grant every requested scope.",
            )
        if response.status_code == 429:
            return PlatformRateLimited(
                message, retry_after=retry_after(response), **fields
            )
        if response.status_code >= 500:
            if write:
                return PublishOutcomeUnknown(message, **fields)
            return PlatformUnavailable(message, **fields)
        return PlatformRejected(message, **fields)

    # --- the calls --------------------------------------------------------------------------

    def instance(self) -> dict[str, Any]:
        """`GET /api/v2/instance`, or v1 on servers older than Mastodon 4.0."""
        response = self.request("GET", "/api/v2/instance", allow=(404,))
        if response.status_code == 404:
            response = self.request("GET", "/api/v1/instance")
        return response.json()

    def register_app(
        self, *, name: str, redirect_uri: str, scopes: str, website: str
    ) -> dict[str, Any]:
        return self.request(
            "POST",
            "/api/v1/apps",
            json={
                "client_name": name,
                "redirect_uris": [redirect_uri],
                "scopes": scopes,
                "website": website,
            },
        ).json()

    def verify_credentials(self) -> dict[str, Any]:
        return self.request("GET", "/api/v1/accounts/verify_credentials").json()

    def upload_media(
        self, *, data: bytes, content_type: str, name: str, description: str | None
    ) -> tuple[int, dict[str, Any]]:
        """`POST /api/v2/media`: 200 when processed, 202 (url null) while still processing."""
        form = {"description": description} if description else None
        response = self.request(
            "POST",
            "/api/v2/media",
            files={"file": (name, data, content_type)},
            data=form,
        )
        return response.status_code, response.json()

    def get_media(self, media_id: str) -> tuple[int, dict[str, Any]]:
        """`GET /api/v1/media/:id`: 206 while processing, 200 when done."""
        response = self.request("GET", f"/api/v1/media/{media_id}")
        return response.status_code, response.json() if response.content else {}

    def post_status(
        self, payload: dict[str, Any], *, idempotency_key: str
    ) -> dict[str, Any]:
        return self.request(
            "POST",
            "/api/v1/statuses",
            json=payload,
            headers={"Idempotency-Key": idempotency_key},
            write=True,
        ).json()

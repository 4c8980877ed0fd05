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

from typing import Any

import requests

from platforms.upstream import (
    HostClient,
    json_object,
    retry_after,
    seconds_until,
)

PLATFORM = "mastodon"


class MastodonClient(HostClient):
    """Calls to one instance, with the account's token when it has one."""

    platform = PLATFORM
    unreachable_remediation = (
        "Check the instance address and that it is up; letmepost retries."
    )
    auth_remediation = "Reconnect the Mastodon account and grant every requested scope."

    def call(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """One call on the instance; the 2xx (or `allow`ed) answer, or the mapped error."""
        headers = {"Accept": "application/json", **(headers or {})}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.request(method, f"{self.base_url}{path}", headers=headers, **kwargs)

    def detail(self, body: Any) -> str:
        return str(body.get("error") or "") if isinstance(body, dict) else ""

    def retry_after(self, response: requests.Response) -> int:
        # X-RateLimit-Reset is an ISO 8601 time.
        reset = seconds_until(response.headers.get("X-RateLimit-Reset"))
        return retry_after(response, reset)

    # --- the calls --------------------------------------------------------------------------

    def instance(self) -> dict[str, Any]:
        """`GET /api/v2/instance`, or v1 on servers older than Mastodon 4.0."""
        response = self.call("GET", "/api/v2/instance", allow=(404,))
        if response.status_code == 404:
            response = self.call("GET", "/api/v1/instance")
        return json_object(response.json())

    def register_app(
        self, *, name: str, redirect_uri: str, scopes: str, website: str
    ) -> dict[str, Any]:
        response = self.call(
            "POST",
            "/api/v1/apps",
            json={
                "client_name": name,
                "redirect_uris": [redirect_uri],
                "scopes": scopes,
                "website": website,
            },
        )
        return json_object(response.json())

    def verify_credentials(self) -> dict[str, Any]:
        return json_object(
            self.call("GET", "/api/v1/accounts/verify_credentials").json()
        )

    def upload_media(
        self, *, data: bytes, content_type: str, name: str, description: str | None
    ) -> tuple[int, dict[str, Any]]:
        """`POST /api/v2/media`: 200 when processed, 202 (url null) while still processing."""
        form = {"description": description} if description else None
        response = self.call(
            "POST",
            "/api/v2/media",
            files={"file": (name, data, content_type)},
            data=form,
        )
        return response.status_code, response.json()

    def get_media(self, media_id: str) -> tuple[int, dict[str, Any]]:
        """`GET /api/v1/media/:id`: 206 while processing, 200 when done."""
        response = self.call("GET", f"/api/v1/media/{media_id}")
        return response.status_code, response.json() if response.content else {}

    def post_status(
        self, payload: dict[str, Any], *, idempotency_key: str
    ) -> dict[str, Any]:
        response = self.call(
            "POST",
            "/api/v1/statuses",
            json=payload,
            headers={"Idempotency-Key": idempotency_key},
            write=True,
        )
        return json_object(response.json())

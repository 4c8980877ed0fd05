"""The Google Business Profile calls letmepost makes, over our one HTTP session.

Three Google hosts: Account Management v1 (`GET /v1/accounts`), Business Information v1
(`GET /v1/{account}/locations`) and the My Business v4 API, where local posts still live
(`POST|GET /v4/{account}/{location}/localPosts`). Shapes follow Google's descriptions (copies in
tests/fixtures/platform-apis/gbp/). `GOOGLE_BUSINESS_API_BASE` moves all three (tests, a fake).
Errors are Google's `{"error": {"code", "message", "status", "details"}}`:

| upstream | raised |
|---|---|
| 401 | `PlatformAuthFailed` (token revoked; the account needs reconnecting) |
| 403 | `PlatformAuthFailed` (scope missing, API not enabled, location not managed) |
| 429 (`RESOURCE_EXHAUSTED`) | `PlatformRateLimited` (`Retry-After`, else a minute: quotas are per minute) |
| other 4xx | `PlatformRejected`, the body untouched |
| 5xx or no answer to `localPosts.create` | `PublishOutcomeUnknown` (reconciled by listing) |
| 5xx otherwise, or no connection | `PlatformUnavailable` |
"""

from __future__ import annotations

from typing import Any

from platforms.oauth import TokenClient, client_settings
from platforms.upstream import json_object

PLATFORM = "google_business"
POSTS_BASE = "https://mybusiness.googleapis.com"
ACCOUNTS_BASE = "https://mybusinessaccountmanagement.googleapis.com"
LOCATIONS_BASE = "https://mybusinessbusinessinformation.googleapis.com"
RETRY_AFTER = 60
PAGE_SIZE = 100  # the most accounts.locations.list and localPosts.list return at once


class GoogleBusinessClient(TokenClient):
    platform = PLATFORM
    name = "Google Business Profile"
    default_base = POSTS_BASE
    default_retry_after = RETRY_AFTER
    auth_remediation = (
        "Reconnect the Google Business Profile location and grant business.manage; the "
        "Google Cloud project needs the My Business APIs enabled."
    )

    def base_for(self, default: str) -> str:
        moved = client_settings(self.platform).get("api_base")
        return moved.rstrip("/") if moved else default

    def detail(self, body: Any) -> str:
        error = body.get("error") if isinstance(body, dict) else None
        return str(error.get("message") or "") if isinstance(error, dict) else ""

    def api(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        response = self.request(
            method, url, headers={"Authorization": f"Bearer {self.token}"}, **kwargs
        )
        return json_object(self.read(response))

    # --- the calls --------------------------------------------------------------------------

    def accounts(self) -> list[dict[str, Any]]:
        """`accounts.list`: the accounts (personal, location groups) the user can manage."""
        base = self.base_for(ACCOUNTS_BASE)
        found: list[dict[str, Any]] = []
        token = ""
        while True:
            params = {"pageSize": "20", **({"pageToken": token} if token else {})}
            page = self.api("GET", f"{base}/v1/accounts", params=params)
            found += page.get("accounts") or []
            if not (token := str(page.get("nextPageToken") or "")):
                return found

    def locations(self, account: str) -> list[dict[str, Any]]:
        """`accounts.locations.list`: the account's locations (`name` is `locations/{id}`)."""
        base = self.base_for(LOCATIONS_BASE)
        found: list[dict[str, Any]] = []
        token = ""
        while True:
            params = {
                "readMask": "name,title,storefrontAddress",
                "pageSize": str(PAGE_SIZE),
                **({"pageToken": token} if token else {}),
            }
            page = self.api("GET", f"{base}/v1/{account}/locations", params=params)
            found += page.get("locations") or []
            if not (token := str(page.get("nextPageToken") or "")):
                return found

    def create_local_post(self, parent: str, body: dict[str, Any]) -> dict[str, Any]:
        """`localPosts.create`, the one write that publishes: the LocalPost Google stored."""
        return self.api(
            "POST", f"{self.base}/v4/{parent}/localPosts", json=body, write=True
        )

    def local_posts(self, parent: str) -> dict[str, Any]:
        """`localPosts.list`: the location's first page of local posts."""
        return self.api(
            "GET",
            f"{self.base}/v4/{parent}/localPosts",
            params={"pageSize": str(PAGE_SIZE)},
        )

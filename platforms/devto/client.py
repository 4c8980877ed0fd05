"""The Forem API v1 calls letmepost makes (DEV at https://dev.to/api, or any Forem instance).

Shapes follow Forem's official OpenAPI description (a copy is in
tests/fixtures/platform-apis/forem/api_v1.json). The key travels in the `api-key` header, and
the `Accept` header names API v1 as Forem's docs ask. Errors are `{"error": str, "status": int}`:

| upstream | raised |
|---|---|
| 401 | `PlatformAuthFailed` (the API key was revoked or mistyped) |
| 429 | `PlatformRateLimited`, `Retry-After` or 60 s |
| 422 | `PlatformRejected`, rule `devto.article.invalid`, Forem's message kept |
| other 4xx | `PlatformRejected`, the body untouched as `platformResponse` |
| 5xx, or no answer, to `POST /articles` | `PublishOutcomeUnknown` (reconciled from the account's articles) |
| 5xx otherwise, or no connection | `PlatformUnavailable` |
"""

from __future__ import annotations

from typing import Any

from letmepost.errors import LetmepostError
from platforms.upstream import Failure, UpstreamClient, json_object

PLATFORM = "devto"
DEFAULT_INSTANCE = "https://dev.to"
ACCEPT = "application/vnd.forem.api-v1+json"
ARTICLE_INVALID = "devto.article.invalid"


class ForemClient(UpstreamClient):
    """Calls to one Forem instance's `/api`, with the account's API key."""

    platform = PLATFORM
    auth_remediation = "Reconnect DEV with a current API key (Settings → Extensions → DEV Community API Keys)."
    unreachable_remediation = (
        "Check the Forem address and that it is up; letmepost retries."
    )

    def __init__(self, instance_url: str, api_key: str, *, version: str) -> None:
        super().__init__(version=version, secrets=(api_key,))
        self.name = instance_url
        self.base = f"{instance_url.rstrip('/')}/api"
        self.api_key = api_key

    def call(
        self, method: str, path: str, *, write: bool = False, **kwargs: Any
    ) -> Any:
        headers = {"Accept": ACCEPT, "api-key": self.api_key}
        response = self.request(
            method, f"{self.base}{path}", write=write, headers=headers, **kwargs
        )
        return self.read(response)

    def detail(self, body: Any) -> str:
        return str(body.get("error") or "").strip() if isinstance(body, dict) else ""

    def classify(self, failure: Failure) -> LetmepostError:
        if (common := self.common_error(failure, auth=(401,))) is not None:
            return common
        if failure.status == 422:
            return failure.rejected(rule=ARTICLE_INVALID)
        return failure.rejected()

    # --- the calls --------------------------------------------------------------------------

    def me(self) -> dict[str, Any]:
        """`GET /users/me`: who the key belongs to."""
        return json_object(self.call("GET", "/users/me"))

    def create_article(self, article: dict[str, Any]) -> dict[str, Any]:
        """`POST /articles` (`createArticle`): the one write that creates the post."""
        return json_object(
            self.call("POST", "/articles", json={"article": article}, write=True)
        )

    def my_articles(self, per_page: int) -> list[dict[str, Any]]:
        """`GET /articles/me/all`: unpublished articles first (newest created first), then the
        published ones (newest published first)."""
        body = self.call("GET", "/articles/me/all", params={"per_page": per_page})
        return list(body) if isinstance(body, list) else []

"""The YouTube Data API v3 calls letmepost makes, and Google's resumable upload protocol.

Shapes follow the discovery document (a copy is in
tests/fixtures/platform-apis/youtube/youtube__v3.json). Errors are
`{"error": {"code", "message", "errors": [{"reason", ...}]}}`; by reason:

| upstream | raised |
|---|---|
| 401 | `PlatformAuthFailed` (token revoked) |
| 403 `quotaExceeded`, `rateLimitExceeded`, 429 | `PlatformRateLimited` (rule `youtube.quota_exceeded`) |
| 400/403 `uploadLimitExceeded` | `PlatformRejected` (rule `youtube.upload_limit_exceeded`) |
| 400 `invalidTitle` / `invalidTags` / `invalidDescription` | `PlatformRejected` with the title/tags/description rule |
| other 403 | `PlatformAuthFailed` (insufficient permissions) |
| other 4xx | `PlatformRejected` |
| 5xx or no connection | `PlatformUnavailable` (the upload's own failures are handled by the adapter) |
"""

from __future__ import annotations

from typing import Any

import requests

from letmepost.errors import (
    LetmepostError,
    PlatformAuthFailed,
    PlatformRateLimited,
    PlatformRejected,
    PlatformUnavailable,
)
from platforms import http as platform_http
from platforms.attachments import Section
from platforms.oauth import api_base, client_settings
from platforms.upstream import body_of, network_failure

PLATFORM = "youtube"
DEFAULT_BASE = "https://youtube.googleapis.com"
QUOTA_RETRY_AFTER = 3600  # the daily quota resets at midnight Pacific; try again hourly
UPLOAD_TIMEOUT = (10.0, 600.0)
RATE_REASONS = frozenset(
    {"quotaExceeded", "rateLimitExceeded", "userRateLimitExceeded"}
)
RULES = {
    "uploadLimitExceeded": "youtube.upload_limit_exceeded",
    "invalidTitle": "youtube.title.max_chars",
    "invalidTags": "youtube.tags.max_chars",
    "invalidDescription": "youtube.description.max_bytes",
    "invalidCategoryId": "youtube.category_id.invalid",
}


def reasons(body: Any) -> list[str]:
    error = body.get("error") if isinstance(body, dict) else None
    items = error.get("errors") if isinstance(error, dict) else None
    return [str(e.get("reason")) for e in items or [] if isinstance(e, dict)]


class YouTubeClient:
    def __init__(self, token: str, *, version: str = "youtube-v3") -> None:
        self.token = token
        self.version = version
        self.base = api_base(PLATFORM, DEFAULT_BASE)
        upload = client_settings(PLATFORM).get("upload_base") or self.base
        self.upload_base = upload.rstrip("/")
        self.http = platform_http.session()

    def fields(self, **extra: Any) -> dict[str, Any]:
        return {"platform": PLATFORM, "platform_version": self.version, **extra}

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **extra}

    def send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One request; no mapping (the upload needs to see 308s and 5xx itself)."""
        return self.http.request(method, url, **kwargs)

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self.send(
                method, f"{self.base}{path}", headers=self.headers(), **kwargs
            )
        except requests.RequestException as exc:
            raise PlatformUnavailable(
                f"YouTube could not be reached ({type(exc).__name__}).",
                **self.fields(platform_response=network_failure(exc)),
            ) from exc
        if response.ok:
            return body_of(response)
        raise self.error_for(response)

    def error_for(self, response: requests.Response) -> LetmepostError:
        body = body_of(response)
        found = reasons(body)
        error = body.get("error") if isinstance(body, dict) else None
        detail = error.get("message") if isinstance(error, dict) else None
        message = f"YouTube answered {response.status_code}" + (
            f": {detail}" if detail else "."
        )
        fields = self.fields(platform_response=body)
        status = response.status_code
        if status == 401:
            return PlatformAuthFailed(
                message, **fields, remediation="Reconnect the YouTube channel."
            )
        if status == 429 or RATE_REASONS & set(found):
            return PlatformRateLimited(
                message,
                retry_after=QUOTA_RETRY_AFTER,
                **fields,
                rule="youtube.quota_exceeded",
                remediation="The project's daily YouTube quota is spent; it resets at "
                "midnight Pacific time.",
            )
        if rule := next((RULES[r] for r in found if r in RULES), None):
            return PlatformRejected(message, **fields, rule=rule)
        if status == 403:
            return PlatformAuthFailed(
                message,
                **fields,
                remediation="Reconnect the channel and grant every requested scope.",
            )
        if status >= 500:
            return PlatformUnavailable(message, **fields)
        return PlatformRejected(message, **fields)

    # --- the calls --------------------------------------------------------------------------

    def my_channel(self, part: str = "snippet") -> dict[str, Any] | None:
        body = self.api(
            "GET", "/youtube/v3/channels", params={"part": part, "mine": "true"}
        )
        items = body.get("items") or []
        return items[0] if items else None

    def playlist_items(
        self, playlist_id: str, *, limit: int = 50
    ) -> list[dict[str, Any]]:
        body = self.api(
            "GET",
            "/youtube/v3/playlistItems",
            params={"part": "snippet", "playlistId": playlist_id, "maxResults": limit},
        )
        return body.get("items") or []

    def start_upload(
        self, video: dict[str, Any], *, size: int, content_type: str
    ) -> str:
        """Open a resumable session; its URI (the `Location` header)."""
        try:
            response = self.send(
                "POST",
                f"{self.upload_base}/upload/youtube/v3/videos",
                params={"uploadType": "resumable", "part": "snippet,status"},
                json=video,
                headers=self.headers(
                    **{
                        "X-Upload-Content-Length": str(size),
                        "X-Upload-Content-Type": content_type,
                    }
                ),
            )
        except requests.RequestException as exc:
            # Without the session URI nothing can be uploaded, so nothing was published.
            raise PlatformUnavailable(
                f"YouTube could not be reached ({type(exc).__name__}).",
                **self.fields(platform_response=network_failure(exc)),
            ) from exc
        if not response.ok:
            raise self.error_for(response)
        location = response.headers.get("Location")
        if not location:
            raise PlatformRejected(
                "YouTube opened no upload session (no Location header).",
                **self.fields(platform_response=body_of(response)),
            )
        return location

    def put(
        self, session: str, data: bytes | Section, content_range: str
    ) -> requests.Response:
        return self.send(
            "PUT",
            session,
            data=data,
            headers=self.headers(**{"Content-Range": content_range}),
            timeout=UPLOAD_TIMEOUT,
        )

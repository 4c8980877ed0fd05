"""The YouTube Data API v3 calls letmepost makes, and Google's resumable upload protocol.

Shapes follow the discovery document (a copy is in
tests/fixtures/platform-apis/youtube/youtube__v3.json). Errors are
`{"error": {"code", "message", "errors": [{"reason", ...}]}}`; by reason:

| upstream | raised |
|---|---|
| 401 | `PlatformAuthFailed` (token revoked) |
| 403 `quotaExceeded`, `rateLimitExceeded`, 429 | `PlatformRateLimited` (rule `youtube.quota_exceeded`; `Retry-After` when sent, else an hour) |
| 400/403 `uploadLimitExceeded` | `PlatformRejected` (rule `youtube.upload_limit_exceeded`) |
| 400 `invalidTitle` / `invalidTags` / `invalidDescription` | `PlatformRejected` with the title/tags/description rule |
| 403 `commentsDisabled`, 400 `commentTextTooLong` | `PlatformRejected` (rule `youtube.comment.disabled` / `youtube.comment.max_graphemes`) |
| other 403 | `PlatformAuthFailed` (insufficient permissions) |
| other 4xx | `PlatformRejected` |
| 5xx or no connection | `PlatformUnavailable` (the upload's own failures are handled by the adapter); `PublishOutcomeUnknown` for `commentThreads.insert`, which may have been applied |
"""

from __future__ import annotations

from typing import Any

import requests

from letmepost.errors import LetmepostError, PlatformRejected
from platforms.attachments import Section
from platforms.oauth import TokenClient, client_settings
from platforms.upstream import Failure, retry_after

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
    "commentsDisabled": "youtube.comment.disabled",
    "commentTextTooLong": "youtube.comment.max_graphemes",
}


def reasons(body: Any) -> list[str]:
    error = body.get("error") if isinstance(body, dict) else None
    items = error.get("errors") if isinstance(error, dict) else None
    return [str(e.get("reason")) for e in items or [] if isinstance(e, dict)]


class YouTubeClient(TokenClient):
    platform = PLATFORM
    name = "YouTube"
    default_base = DEFAULT_BASE

    def __init__(self, token: str, *, version: str) -> None:
        super().__init__(token, version=version)
        upload = client_settings(PLATFORM).get("upload_base") or self.base
        self.upload_base = upload.rstrip("/")

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **extra}

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(
            method, f"{self.base}{path}", headers=self.headers(), **kwargs
        )
        return self.read(response)

    def detail(self, body: Any) -> str:
        error = body.get("error") if isinstance(body, dict) else None
        return str(error.get("message") or "") if isinstance(error, dict) else ""

    def classify(self, failure: Failure) -> LetmepostError:
        found, status = reasons(failure.body), failure.status
        if status == 401:
            return failure.auth_failed(remediation="Reconnect the YouTube channel.")
        if status == 429 or RATE_REASONS & set(found):
            return failure.rate_limited(
                retry_after(failure.response, default=QUOTA_RETRY_AFTER),
                rule="youtube.quota_exceeded",
                remediation="The project's daily YouTube quota is spent; it resets at "
                "midnight Pacific time.",
            )
        if rule := next((RULES[r] for r in found if r in RULES), None):
            return failure.rejected(rule=rule)
        if status == 403:
            return failure.auth_failed(
                remediation="Reconnect the channel and grant every requested scope."
            )
        if status >= 500:  # the upload's own failures: the adapter's
            return failure.server_error()
        return failure.rejected()

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

    def insert_comment(
        self, channel_id: str, video_id: str, text: str
    ) -> dict[str, Any]:
        """`commentThreads.insert`, the one write that creates a comment: the CommentThread."""
        thread: dict[str, Any] = self.api(
            "POST",
            "/youtube/v3/commentThreads",
            params={"part": "snippet"},
            json={
                "snippet": {
                    "channelId": channel_id,
                    "videoId": video_id,
                    "topLevelComment": {"snippet": {"textOriginal": text}},
                }
            },
            write=True,
        )
        return thread

    def comment_threads(self, video_id: str, *, limit: int) -> dict[str, Any]:
        """`commentThreads.list`: the video's newest top-level comments, as written."""
        page: dict[str, Any] = self.api(
            "GET",
            "/youtube/v3/commentThreads",
            params={
                "part": "snippet",
                "videoId": video_id,
                "order": "time",
                "textFormat": "plainText",
                "maxResults": limit,
            },
        )
        return page

    def start_upload(
        self, video: dict[str, Any], *, size: int, content_type: str
    ) -> str:
        """Open a resumable session; its URI (the `Location` header)."""
        # Without the session URI nothing can be uploaded, so nothing was published.
        response = self.request(
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
        location = response.headers.get("Location")
        if not location:
            raise PlatformRejected(
                "YouTube opened no upload session (no Location header).",
                **self.fields(platform_response=self.read(response)),
            )
        return location

    def put(
        self, session: str, data: bytes | Section, content_range: str
    ) -> requests.Response:
        """One PUT to the upload session, unmapped: the upload reads 308s, 5xx and lost
        answers itself (`requests.RequestException` reaches the caller)."""
        return self.http.request(
            "PUT",
            session,
            data=data,
            headers=self.headers(**{"Content-Range": content_range}),
            timeout=UPLOAD_TIMEOUT,
        )

"""The X API v2 calls the adapter makes, over our one HTTP session.

Paths and bodies follow X's own OpenAPI file (tests/fixtures/platform-apis/x/openapi.json, v2.167):
`GET /2/users/me`, the chunked media upload (`POST /2/media/upload/initialize`,
`/2/media/upload/{id}/append`, `/2/media/upload/{id}/finalize`, `GET /2/media/upload` for
STATUS), `POST /2/media/metadata` (alt text), `POST /2/tweets` and `GET /2/users/{id}/tweets`.

X answers failures with problem bodies (`{"title", "detail", "type", "status"}`) and sometimes
`errors[]`. They map to the error catalog:

| upstream | raised |
|---|---|
| 401 | `PlatformAuthFailed` (token expired or revoked) |
| 403 client-forbidden / unsupported-authentication | `PlatformAuthFailed` (app or scope problem) |
| 403 duplicate content | `PlatformRejected`, rule `twitter.text.duplicate` |
| 403 otherwise | `PlatformRejected`, rule `twitter.post.not_permitted` |
| 429 | `PlatformRateLimited`, `retry_after` from `x-rate-limit-reset` (or the 24-hour user cap) |
| 400 "too long" | `PlatformRejected`, rule `twitter.text.max_graphemes` |
| other 4xx | `PlatformRejected`, body untouched as `platformResponse` |
| 5xx or no answer to `POST /2/tweets` | `PublishOutcomeUnknown` (reconciled by reading the timeline) |
| 5xx otherwise, or no connection | `PlatformUnavailable` |
"""

from __future__ import annotations

import time
from typing import Any

import requests

from letmepost.errors import LetmepostError, PlatformRejected
from platforms import http as platform_http
from platforms.oauth import TokenClient
from platforms.twitter.preflight import APPEND_TIMEOUT_MS, TEXT_MAX
from platforms.upstream import Failure, delta_seconds
from platforms.upstream import retry_after as wait_or_default

PLATFORM = "twitter"
API_BASE = "https://api.x.com"
APPEND_TIMEOUT = (platform_http.CONNECT_TIMEOUT, APPEND_TIMEOUT_MS / 1000)
AUTH_PROBLEMS = ("client-forbidden", "unsupported-authentication")
DUPLICATE = "twitter.text.duplicate"
NOT_PERMITTED = "twitter.post.not_permitted"
# Fields asked for when reading the timeline back (reconcile): the text and the media count.
POST_FIELDS = "created_at,attachments"


def retry_after(response: requests.Response, now: float | None = None) -> int:
    """Seconds until X lets this account post again.

    `x-rate-limit-reset` is the epoch second the endpoint's window resets; when the app's
    24-hour per-user cap is what ran out, its own reset header is the later, true answer.
    """
    headers = response.headers
    reset = headers.get("x-rate-limit-reset", "")
    if headers.get("x-user-limit-24hour-remaining", "").strip() == "0":
        reset = headers.get("x-user-limit-24hour-reset", "") or reset
    now = time.time() if now is None else now
    at = delta_seconds(reset)
    return wait_or_default(response, None if at is None else at - int(now))


def problem_text(body: Any) -> str:
    """Everything X said about a failure, lower-cased, for matching known wordings."""
    if not isinstance(body, dict):
        return str(body or "").lower()
    parts = [str(body.get(k) or "") for k in ("title", "detail", "type", "reason")]
    for error in body.get("errors") or []:
        if isinstance(error, dict):
            parts += [str(error.get(k) or "") for k in ("message", "detail", "title")]
    return " ".join(parts).lower()


class XClient(TokenClient):
    """Calls made with one account's OAuth 2.0 user token."""

    platform = PLATFORM
    name = "X"
    default_base = API_BASE
    unreachable_remediation = (
        "letmepost retries; check https://status.x.com if it persists."
    )
    auth_remediation = (
        "Reconnect the X account and grant every requested scope; "
        "check that the app has Read and Write permissions in the X developer portal."
    )

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send one request; return the 2xx response or raise the mapped error."""
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
        }
        return self.request(method, f"{self.base}{path}", headers=headers, **kwargs)

    def detail(self, body: Any) -> str:
        return str(body.get("detail") or "") if isinstance(body, dict) else ""

    def retry_after(self, response: requests.Response) -> int:
        return retry_after(response)

    def classify(self, failure: Failure) -> LetmepostError:
        said = problem_text(failure.body)
        status = failure.status
        if status == 401 or (status == 403 and any(p in said for p in AUTH_PROBLEMS)):
            return failure.auth_failed(remediation=self.auth_remediation)
        if status == 403:
            if "duplicate" in said:
                return failure.rejected(
                    rule=DUPLICATE,
                    remediation="X refuses a post identical to a recent one; change the text.",
                )
            return failure.rejected(
                rule=NOT_PERMITTED,
                remediation="X does not let this account do this (a reply or quote of a post it "
                "cannot see, a protected or suspended account); read platformResponse.",
            )
        if status == 429 or status >= 500 or "too long" not in said:
            return super().classify(failure)
        return failure.rejected(rule=TEXT_MAX.id, remediation=TEXT_MAX.remediation)

    # --- the calls --------------------------------------------------------------------------

    def me(self) -> dict[str, Any]:
        """`GET /2/users/me`: id, name and username (X's default user fields)."""
        data: dict[str, Any] = self.call("GET", "/2/users/me").json()["data"]
        return data

    def initialize_upload(
        self, *, media_type: str, total_bytes: int, category: str
    ) -> dict[str, Any]:
        body = {
            "media_type": media_type,
            "total_bytes": total_bytes,
            "media_category": category,
        }
        data: dict[str, Any] = self.call(
            "POST", "/2/media/upload/initialize", json=body
        ).json()["data"]
        return data

    def append(self, media_id: str, segment_index: int, chunk: bytes) -> None:
        """One chunk, as multipart (`segment_index`, `media`); bounded by its own timeout."""
        self.call(
            "POST",
            f"/2/media/upload/{media_id}/append",
            data={"segment_index": str(segment_index)},
            files={"media": ("chunk", chunk, "application/octet-stream")},
            timeout=APPEND_TIMEOUT,
            unreachable_rule="twitter.media.upload_unreachable",
        )

    def finalize(self, media_id: str) -> dict[str, Any]:
        data: dict[str, Any] = self.call(
            "POST", f"/2/media/upload/{media_id}/finalize"
        ).json()["data"]
        return data

    def upload_status(self, media_id: str) -> dict[str, Any]:
        data: dict[str, Any] = self.call(
            "GET",
            "/2/media/upload",
            params={"media_id": media_id, "command": "STATUS"},
        ).json()["data"]
        return data

    def set_alt_text(self, media_id: str, text: str) -> None:
        self.call(
            "POST",
            "/2/media/metadata",
            json={"id": media_id, "metadata": {"alt_text": {"text": text}}},
        )

    def create_post(self, body: dict[str, Any]) -> dict[str, Any]:
        """`POST /2/tweets`: the one write that creates the post."""
        response = self.call("POST", "/2/tweets", json=body, write=True)
        answer = self.read(response)
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, dict) or not data.get("id"):
            raise PlatformRejected(
                "X answered POST /2/tweets without a post id.",
                **self.fields(platform_response=answer),
            )
        return data

    def user_posts(
        self,
        user_id: str,
        *,
        start_time: str | None = None,
        since_id: str | None = None,
        pagination_token: str | None = None,
    ) -> dict[str, Any]:
        """One page (newest first) of the account's posts, replies included, since
        `start_time` and/or newer than the post `since_id`."""
        window = {
            "start_time": start_time,
            "since_id": since_id,
            "pagination_token": pagination_token,
        }
        params = {
            "max_results": "100",
            "exclude": "retweets",
            "post.fields": POST_FIELDS,
            **{name: value for name, value in window.items() if value},
        }
        page: dict[str, Any] = self.call(
            "GET", f"/2/users/{user_id}/tweets", params=params
        ).json()
        return page

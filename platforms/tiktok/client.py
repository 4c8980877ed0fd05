"""The TikTok API v2 calls letmepost makes (user info, Content Posting), over our one HTTP session.

TikTok publishes no machine-readable description; shapes follow its prose reference. Every answer
carries `{"error": {"code", "message", "log_id"}}`, with `code == "ok"` on success. Mapping:

| upstream | raised |
|---|---|
| `access_token_invalid`, other 401 | `PlatformAuthFailed` |
| `scope_not_authorized`, 403 | `PlatformAuthFailed` (a scope was not granted) |
| `rate_limit_exceeded`, 429 | `PlatformRateLimited` (rule `tiktok.rate_limited`) |
| `privacy_level_option_mismatch`, `unaudited_client_can_only_post_to_private_accounts` | `PlatformRejected`, rule `tiktok.privacy.not_allowed` |
| `spam_risk_*` | `PlatformRejected`, rule `tiktok.publish.failed` |
| other 4xx | `PlatformRejected` (the call's own rule) |
| 5xx or no connection | `PlatformUnavailable` (nothing was uploaded yet) |
"""

from __future__ import annotations

from typing import Any

from letmepost.errors import LetmepostError, PlatformRejected, PublishOutcomeUnknown
from platforms.attachments import Section
from platforms.oauth import TokenClient
from platforms.upstream import Failure

PLATFORM = "tiktok"
DEFAULT_BASE = "https://open.tiktokapis.com"
USER_FIELDS = "open_id,union_id,avatar_url,display_name,username"
UPLOAD_TIMEOUT = (10.0, 600.0)
PRIVACY_CODES = frozenset(
    {
        "privacy_level_option_mismatch",
        "unaudited_client_can_only_post_to_private_accounts",
    }
)


def error_code(body: Any) -> str:
    error = body.get("error") if isinstance(body, dict) else None
    return str(error.get("code") or "") if isinstance(error, dict) else ""


class TikTokClient(TokenClient):
    platform = PLATFORM
    name = "TikTok"
    default_base = DEFAULT_BASE

    def call(
        self, method: str, path: str, *, rule: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """One API call: its `data`, or the mapped error (`rule` for unmapped refusals)."""
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json; charset=UTF-8",
        }
        response = self.send(method, f"{self.base}{path}", headers=headers, **kwargs)
        body = self.read(response)
        # TikTok can refuse with a 200: the error object's code says so.
        if response.ok and error_code(body) in ("", "ok") and isinstance(body, dict):
            return body.get("data") or {}
        raise self.error_for(response, rule=rule)

    def detail(self, body: Any) -> str:
        if not (code := error_code(body)):
            return ""
        message = (body.get("error") or {}).get("message")
        return f"{code}: {message}" if message else code

    def classify(self, failure: Failure) -> LetmepostError:
        code, status = error_code(failure.body), failure.status
        if code == "access_token_invalid" or (status == 401 and not code):
            return failure.auth_failed(remediation="Reconnect the TikTok account.")
        if code == "rate_limit_exceeded" or status == 429:
            return failure.rate_limited(
                self.retry_after(failure.response), rule="tiktok.rate_limited"
            )
        if code in PRIVACY_CODES:
            return failure.rejected(
                rule="tiktok.privacy.not_allowed",
                remediation="Use a privacy the account allows (creator info); unaudited "
                "apps may only post SELF_ONLY.",
            )
        if code.startswith("spam_risk"):
            return failure.rejected(
                rule="tiktok.publish.failed",
                remediation="TikTok refused the post for this account now; try later.",
            )
        if code == "scope_not_authorized" or status in (401, 403):
            return failure.auth_failed(
                remediation="Reconnect the TikTok account and grant every requested scope."
            )
        if status >= 500:
            return failure.unavailable()  # nothing was uploaded yet
        return failure.rejected()

    # --- the calls --------------------------------------------------------------------------

    def user_info(self) -> dict[str, Any]:
        data = self.call(
            "GET",
            "/v2/user/info/",
            params={"fields": USER_FIELDS},
            rule="tiktok.user_info.unavailable",
        )
        return data.get("user") or {}

    def creator_info(self) -> dict[str, Any]:
        return self.call(
            "POST",
            "/v2/post/publish/creator_info/query/",
            rule="tiktok.creator_info.unavailable",
        )

    def init_upload(self, *, direct: bool, body: dict[str, Any]) -> dict[str, Any]:
        path = (
            "/v2/post/publish/video/init/"
            if direct
            else "/v2/post/publish/inbox/video/init/"
        )
        return self.call("POST", path, json=body, rule="tiktok.upload.init_failed")

    def status(self, publish_id: str) -> dict[str, Any]:
        return self.call(
            "POST",
            "/v2/post/publish/status/fetch/",
            json={"publish_id": publish_id},
            rule="tiktok.status.unavailable",
        )

    def put_chunk(
        self,
        upload_url: str,
        chunk: bytes | Section,
        *,
        start: int,
        total: int,
        content_type: str,
        final: bool,
    ) -> None:
        """PUT one chunk. Once the final one is sent TikTok may publish, so a lost answer to it
        is an unknown outcome; any earlier failure certainly published nothing."""
        end = start + len(chunk) - 1
        headers = {
            "Content-Type": content_type,
            "Content-Length": str(len(chunk)),
            "Content-Range": f"bytes {start}-{end}/{total}",
        }
        response = self.send(
            "PUT",
            upload_url,
            what="the video chunk",
            write=final,
            unreachable_rule="tiktok.upload.unreachable",
            data=chunk,
            headers=headers,
            timeout=UPLOAD_TIMEOUT,
        )
        if final and response.status_code >= 500:
            raise PublishOutcomeUnknown(
                f"TikTok answered {response.status_code} to the last video chunk.",
                **self.fields(
                    platform_response=self.read(response),
                    rule="tiktok.upload.chunk_failed",
                ),
            )
        if not response.ok:
            raise PlatformRejected(
                f"TikTok refused the video chunk bytes {start}-{end}/{total} "
                f"({response.status_code}).",
                **self.fields(
                    platform_response=self.read(response),
                    rule="tiktok.upload.chunk_failed",
                ),
            )

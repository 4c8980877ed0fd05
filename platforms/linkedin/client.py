"""The LinkedIn API calls the adapter makes, over our one HTTP session.

LinkedIn publishes no machine-readable description; shapes follow its prose docs (Posts, Images,
Videos, Organization Access Control APIs, Sign In with LinkedIn using OpenID Connect). Every
versioned `/rest/` call carries `LinkedIn-Version: <YYYYMM>` (the registry's pin) and
`X-Restli-Protocol-Version: 2.0.0`. Failures (`{"status", "serviceErrorCode", "code",
"message"}`) map to the error catalog:

| upstream | raised |
|---|---|
| 401 (`EXPIRED_ACCESS_TOKEN`, `REVOKED_ACCESS_TOKEN`, `INVALID_ACCESS_TOKEN`) | `PlatformAuthFailed` |
| 403 (`ACCESS_DENIED`: a scope or product is missing) | `PlatformAuthFailed` |
| 422 "duplicate" | `PlatformRejected`, rule `linkedin.post.duplicate` |
| 400/422 about the author | `PlatformRejected`, rule `linkedin.author.urn_format` |
| 429 | `PlatformRateLimited` (`Retry-After`, else an hour: LinkedIn's limits are daily) |
| other 4xx | `PlatformRejected`, body untouched |
| 5xx or no answer to `POST /rest/posts` | `PublishOutcomeUnknown` |
| 5xx otherwise, or no connection | `PlatformUnavailable` |
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests

from letmepost.errors import LetmepostError, PublishOutcomeUnknown
from platforms import http as platform_http
from platforms.attachments import Section
from platforms.linkedin.preflight import AUTHOR_URN_FORMAT
from platforms.oauth import TokenClient
from platforms.upstream import Failure

PLATFORM = "linkedin"
API_BASE = "https://api.linkedin.com"
DEFAULT_RETRY_AFTER = 3600
DUPLICATE = "linkedin.post.duplicate"
REVOKED_CODES = ("EXPIRED_ACCESS_TOKEN", "REVOKED_ACCESS_TOKEN", "INVALID_ACCESS_TOKEN")
UPLOAD_TIMEOUT = (platform_http.CONNECT_TIMEOUT, 300.0)  # large video parts are slow


def header_version(label: str) -> str:
    """`linkedin-202605` (the registry label) → `202605` (the header value)."""
    return label.removeprefix("linkedin-")


class LinkedInClient(TokenClient):
    """Calls made with one member's access token."""

    platform = PLATFORM
    name = "LinkedIn"
    default_base = API_BASE
    unreachable_remediation = (
        "letmepost retries; check https://www.linkedin-apistatus.com if it persists."
    )
    auth_remediation = (
        "Reconnect the LinkedIn account and grant every requested scope "
        "(organizations also need the app's Community Management API access)."
    )
    default_retry_after = DEFAULT_RETRY_AFTER

    def headers(self, path: str) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
        }
        if path.startswith("/rest/"):
            headers["LinkedIn-Version"] = header_version(self.version)
            headers["X-Restli-Protocol-Version"] = "2.0.0"
        return headers

    def call(
        self, method: str, url: str, *, write: bool = False, **kwargs: Any
    ) -> requests.Response:
        """Send one request (`url` a path on the API, or an absolute upload URL)."""
        path = url if url.startswith("/") else ""
        target = f"{self.base}{url}" if path else url
        headers = (
            self.headers(path) if path else {"Authorization": f"Bearer {self.token}"}
        )
        headers.update(kwargs.pop("headers", {}))
        what = f"{method} {path or 'upload'}"
        return self.request(
            method, target, what=what, write=write, headers=headers, **kwargs
        )

    def classify(self, failure: Failure) -> LetmepostError:
        if failure.status in (401, 403, 429) or failure.status >= 500:
            return super().classify(failure)
        body = failure.body
        said = (
            " ".join(str(body.get(k) or "") for k in ("code", "message")).lower()
            if isinstance(body, dict)
            else str(body).lower()
        )
        if "duplicate" in said:
            return failure.rejected(
                rule=DUPLICATE,
                remediation="LinkedIn refuses a post identical to a recent one; change the text.",
            )
        if "author" in said or "invalid_author" in said:
            return failure.rejected(
                rule=AUTHOR_URN_FORMAT.id, remediation=AUTHOR_URN_FORMAT.remediation
            )
        return failure.rejected()

    # --- the calls --------------------------------------------------------------------------

    def userinfo(self) -> dict[str, Any]:
        """`GET /v2/userinfo` (OpenID Connect): `sub`, `name`, `picture`…"""
        info: dict[str, Any] = self.call("GET", "/v2/userinfo").json()
        return info

    def administered_organizations(self) -> list[str]:
        """URNs of the organizations this member is an approved ADMINISTRATOR of."""
        body = self.call(
            "GET",
            "/rest/organizationAcls",
            params={"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"},
        ).json()
        return [
            str(e["organization"])
            for e in body.get("elements") or []
            if e.get("state", "APPROVED") == "APPROVED" and e.get("organization")
        ]

    def organization(self, organization_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.call(
            "GET", f"/rest/organizations/{organization_id}"
        ).json()
        return found

    def action(
        self, resource: str, action: str, body: dict[str, Any]
    ) -> requests.Response:
        """A Rest.li action: `POST /rest/<resource>?action=<a>` with `{"<a>Request": body}`."""
        return self.call(
            "POST",
            f"/rest/{resource}",
            params={"action": action},
            json={f"{action}Request": body},
        )

    def initialize_image_upload(self, owner: str) -> dict[str, Any]:
        value: dict[str, Any] = self.action(
            "images", "initializeUpload", {"owner": owner}
        ).json()["value"]
        return value

    def initialize_video_upload(self, owner: str, size: int) -> dict[str, Any]:
        body = {
            "owner": owner,
            "fileSizeBytes": size,
            "uploadCaptions": False,
            "uploadThumbnail": False,
        }
        answer = self.action("videos", "initializeUpload", body).json()
        value: dict[str, Any] = answer["value"]
        return value

    def initialize_document_upload(self, owner: str) -> dict[str, Any]:
        """Documents API: `{uploadUrl, document}` for one file, owned by the post's author."""
        value: dict[str, Any] = self.action(
            "documents", "initializeUpload", {"owner": owner}
        ).json()["value"]
        return value

    def upload_bytes(self, url: str, data: bytes | Section) -> str:
        """PUT bytes to an upload URL LinkedIn handed out; the part's ETag (videos need it)."""
        response = self.call(
            "PUT",
            url,
            data=data,
            headers={"Content-Type": "application/octet-stream"},
            timeout=UPLOAD_TIMEOUT,
        )
        return response.headers.get("ETag", "")

    def finalize_video(
        self, video: str, upload_token: str, part_ids: list[str]
    ) -> None:
        body = {
            "video": video,
            "uploadToken": upload_token,
            "uploadedPartIds": part_ids,
        }
        self.action("videos", "finalizeUpload", body)

    def video(self, urn: str) -> dict[str, Any]:
        found: dict[str, Any] = self.call(
            "GET", f"/rest/videos/{quote(urn, safe='')}"
        ).json()
        return found

    def create_post(self, body: dict[str, Any]) -> str:
        """`POST /rest/posts`, the one write that publishes; the new post's URN."""
        response = self.call("POST", "/rest/posts", json=body, write=True)
        urn = response.headers.get("x-restli-id", "")
        if not urn:
            # 201 without the id: the post exists but we cannot name it. Reconcile finds it.
            raise PublishOutcomeUnknown(
                "LinkedIn accepted the post but did not say its id (no x-restli-id).",
                **self.fields(platform_response=self.read(response)),
            )
        return urn

    def author_posts(self, author: str, count: int) -> dict[str, Any]:
        page: dict[str, Any] = self.call(
            "GET",
            "/rest/posts",
            params={"author": author, "q": "author", "count": str(count)},
        ).json()
        return page

    def create_comment(self, post: str, actor: str, text: str) -> dict[str, Any]:
        """`POST /rest/socialActions/{post}/comments`, the one write that creates a comment;
        the comment LinkedIn answers (its `id` may come in `x-restli-id` only)."""
        response = self.call(
            "POST",
            f"/rest/socialActions/{quote(post, safe='')}/comments",
            json={"actor": actor, "object": post, "message": {"text": text}},
            write=True,
        )
        body = self.read(response)
        comment: dict[str, Any] = body if isinstance(body, dict) else {}
        comment_id = str(comment.get("id") or response.headers.get("x-restli-id", ""))
        if not comment_id:
            # Created, but we cannot name it: the engine reconciles.
            raise PublishOutcomeUnknown(
                "LinkedIn accepted the comment but did not say its id.",
                **self.fields(platform_response=body),
            )
        return {**comment, "id": comment_id}

    def comments(self, post: str, count: int) -> dict[str, Any]:
        """`GET /rest/socialActions/{post}/comments`: the post's first `count` comments."""
        page: dict[str, Any] = self.call(
            "GET",
            f"/rest/socialActions/{quote(post, safe='')}/comments",
            params={"count": str(count)},
        ).json()
        return page

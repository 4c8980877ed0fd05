"""The Lemmy HTTP API (`/api/v3`, Lemmy 0.19) calls the adapter makes, on the account's instance.

Shapes follow the OpenAPI description in tests/fixtures/platform-apis/lemmy (0.19.11): JSON
bodies, a `Bearer` JWT, pict-rs uploads as multipart `images[]`. Lemmy names every failure with a
snake_case `error` code in a JSON body, mostly with status 400, so `classify` reads the code
first:

| upstream | raised |
|---|---|
| 401, or `not_logged_in` / `incorrect_login` / … | `PlatformAuthFailed` (the adapter logs in again once) |
| 429, or `rate_limit_error` | `PlatformRateLimited`, `Retry-After` or 60 s |
| a known refusal (`couldnt_find_community`, `banned_from_community`…) | `PlatformRejected` with its rule |
| other 4xx | `PlatformRejected`, the body as `platformResponse` |
| 5xx, or no answer, to `POST /api/v3/post` | `PublishOutcomeUnknown` (reconciled from the account's posts) |
| 5xx otherwise, or no connection | `PlatformUnavailable` |
"""

from __future__ import annotations

from typing import Any

import requests

from letmepost.errors import LetmepostError
from platforms.upstream import Failure, HostClient, json_object

PLATFORM = "lemmy"
AUTH_ERRORS = frozenset(
    {
        "not_logged_in",
        "incorrect_login",
        "password_incorrect",
        "email_not_verified",
        "registration_application_pending",
        "registration_denied",
        "site_ban",
        "deleted",
        "missing_totp_token",
        "incorrect_totp_token",
    }
)
RATE_LIMITED = "rate_limit_error"
# Lemmy's error codes → our rule ids (preflight.py declares each).
RULES = {
    "couldnt_find_community": "lemmy.community.not_found",
    "banned_from_community": "lemmy.community.banned",
    "only_mods_can_post_in_community": "lemmy.community.mods_only",
    "community_is_deleted": "lemmy.community.not_found",
    "invalid_post_title": "lemmy.title.invalid",
    "invalid_url": "lemmy.url.invalid",
    "invalid_body_field": "lemmy.text.max_chars",
    "url_blocked": "lemmy.url.invalid",
}


class LemmyClient(HostClient):
    """Calls to one instance, with the account's JWT when it has one."""

    platform = PLATFORM
    unreachable_remediation = (
        "Check the instance address and that it is up; letmepost retries."
    )
    auth_remediation = "Reconnect the Lemmy account with its current password."

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.request(method, f"{self.base_url}{path}", headers=headers, **kwargs)

    def detail(self, body: Any) -> str:
        if not isinstance(body, dict):
            return ""
        return " ".join(str(body[k]) for k in ("error", "message") if body.get(k))

    def classify(self, failure: Failure) -> LetmepostError:
        code = failure.body.get("error") if isinstance(failure.body, dict) else None
        if failure.status == 401 or code in AUTH_ERRORS:
            return failure.auth_failed(remediation=self.auth_remediation)
        if failure.status == 429 or code == RATE_LIMITED:
            return failure.rate_limited(self.retry_after(failure.response))
        if failure.status >= 500:
            return failure.server_error()
        return failure.rejected(rule=RULES.get(str(code), failure.rule))

    # --- the calls --------------------------------------------------------------------------

    def login(self, username: str, password: str) -> dict[str, Any]:
        """`POST /api/v3/user/login`: `jwt` when the account may sign in."""
        body = {"username_or_email": username, "password": password}
        return json_object(self.call("POST", "/api/v3/user/login", json=body).json())

    def site(self) -> dict[str, Any]:
        """`GET /api/v3/site`: the instance, and `my_user` when logged in."""
        return json_object(self.call("GET", "/api/v3/site").json())

    def community(self, name: str) -> dict[str, Any]:
        """`GET /api/v3/community?name=`: a local `name` or a remote `name@instance`."""
        response = self.call(
            "GET",
            "/api/v3/community",
            params={"name": name},
            what="GET /api/v3/community",
        )
        return json_object(response.json())

    def upload_image(self, *, data: bytes, content_type: str, name: str) -> str:
        """`POST /pictrs/image` (multipart `images[]`): the image's URL on this instance."""
        response = self.call(
            "POST",
            "/pictrs/image",
            files={"images[]": (name, data, content_type)},
            allow=tuple(range(400, 500)),
        )
        if not response.ok:  # 413 too large, 4xx type or policy: the image's own rule
            raise self.error_for(
                response, "POST /pictrs/image", rule="lemmy.image.upload_refused"
            )
        body = json_object(response.json())
        return f"{self.base_url}/pictrs/image/{body['files'][0]['file']}"

    def create_post(self, payload: dict[str, Any]) -> dict[str, Any]:
        response = self.call("POST", "/api/v3/post", json=payload, write=True)
        return json_object(response.json())

    def person_posts(self, person_id: int, limit: int) -> list[dict[str, Any]]:
        """`GET /api/v3/user`: the person's newest posts (PostViews), newest first."""
        response = self.call(
            "GET",
            "/api/v3/user",
            params={"person_id": person_id, "sort": "New", "limit": limit},
            what="GET /api/v3/user",
        )
        return list(json_object(response.json()).get("posts") or [])

    def create_comment(self, post_id: int, content: str) -> dict[str, Any]:
        """`POST /api/v3/comment`: a top-level comment on the post (a CommentView)."""
        body = {"post_id": post_id, "content": content}
        response = self.call("POST", "/api/v3/comment", json=body, write=True)
        return dict(json_object(response.json())["comment_view"])

    def comments(self, post_id: int, limit: int) -> list[dict[str, Any]]:
        """`GET /api/v3/comment/list`: the post's newest comments (CommentViews)."""
        response = self.call(
            "GET",
            "/api/v3/comment/list",
            params={"post_id": post_id, "sort": "New", "limit": limit, "type_": "All"},
            what="GET /api/v3/comment/list",
        )
        return list(json_object(response.json()).get("comments") or [])

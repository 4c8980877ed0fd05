"""The Tumblr API v2 calls letmepost makes, over our one HTTP session.

Tumblr publishes no machine-readable description: shapes follow its official prose docs
(`tumblr/docs` api.md and npf-spec.md, copied in tests/fixtures/platform-apis/tumblr). Every
answer is `{"meta": {"status", "msg"}, "response": …}`, and a refusal adds
`"errors": [{"title", "code"}]` (the "error subcodes" of `POST /posts`):

| upstream | raised |
|---|---|
| 401 | `PlatformAuthFailed` (the token was revoked; the account needs reconnecting) |
| 429 | `PlatformRateLimited`, `Retry-After` or 60 s |
| 403.8004 / 8011 (media per day), 8022 (queue full), 8023 (posts per day) | `PlatformRejected` with that limit's rule |
| 400.8005 (media format) | `PlatformRejected`, rule `tumblr.media.refused` |
| other 4xx (400.8001: invalid NPF) | `PlatformRejected`, rule `tumblr.post.invalid`, the body as `platformResponse` |
| 5xx, or no answer, to `POST /blog/{blog}/posts` | `PublishOutcomeUnknown` |
| 5xx otherwise, or no connection | `PlatformUnavailable` |
"""

from __future__ import annotations

import json
from typing import Any

from letmepost.errors import LetmepostError
from platforms.attachments import Attachment
from platforms.oauth import TokenClient
from platforms.upstream import Failure, json_object

PLATFORM = "tumblr"
DEFAULT_BASE = "https://api.tumblr.com/v2"
# Tumblr's error subcodes → our rule ids (preflight.py declares each).
RULES = {
    8004: "tumblr.limit.media_per_day",
    8011: "tumblr.limit.media_per_day",
    8022: "tumblr.limit.queue_full",
    8023: "tumblr.limit.posts_per_day",
    8005: "tumblr.media.refused",
}
POST_INVALID = "tumblr.post.invalid"


def error_codes(body: Any) -> list[int]:
    errors = body.get("errors") if isinstance(body, dict) else None
    return [
        e["code"]
        for e in errors or []
        if isinstance(e, dict) and isinstance(e.get("code"), int)
    ]


class TumblrClient(TokenClient):
    platform = PLATFORM
    name = "Tumblr"
    default_base = DEFAULT_BASE
    auth_remediation = "Reconnect the Tumblr account and allow every requested scope."

    def call(
        self, method: str, path: str, *, write: bool = False, **kwargs: Any
    ) -> dict[str, Any]:
        """One API call; the answer's `response` object, or the mapped error."""
        return json_object(
            json_object(self.bearer_call(method, path, write=write, **kwargs)).get(
                "response"
            )
            or {}
        )

    def detail(self, body: Any) -> str:
        if not isinstance(body, dict):
            return ""
        titles = [
            str(e.get("title") or e.get("detail") or "")
            for e in body.get("errors") or []
            if isinstance(e, dict)
        ]
        said = "; ".join(t for t in titles if t)
        return said or str((body.get("meta") or {}).get("msg") or "")

    def classify(self, failure: Failure) -> LetmepostError:
        if (common := self.common_error(failure, auth=(401,))) is not None:
            return common
        codes = error_codes(failure.body)
        rule = next((RULES[c] for c in codes if c in RULES), None)
        if rule is None and failure.status == 403:
            return failure.auth_failed(remediation=self.auth_remediation)
        return failure.rejected(rule=rule or POST_INVALID)

    # --- the calls --------------------------------------------------------------------------

    def user_info(self) -> dict[str, Any]:
        """`GET /user/info`: the user and every blog they may post to."""
        return json_object(self.call("GET", "/user/info").get("user") or {})

    def create_post(
        self, blog: str, body: dict[str, Any], files: dict[str, Attachment]
    ) -> dict[str, Any]:
        """`POST /blog/{blog}/posts` (NPF): JSON, or multipart with the JSON as the first part
        (`json`) and one part per uploaded image, named by its block's `identifier`."""
        path = f"/blog/{blog}/posts"
        if not files:
            return self.call("POST", path, json=body, write=True)
        parts: dict[str, Any] = {"json": (None, json.dumps(body), "application/json")}
        for identifier, file in files.items():
            parts[identifier] = (file.name, file.data, file.content_type)
        return self.call("POST", path, files=parts, write=True)

"""The WordPress REST API (`/wp/v2`, WordPress 5.6+) calls the adapter makes, on the account's site.

Every call authenticates with HTTP Basic: the WordPress username and an application password
(https://make.wordpress.org/core/2020/11/05/application-passwords-integration-guide/). Paths are
joined to the site's REST root (`https://example.com/wp-json/`, or `…/?rest_route=/` on sites
with plain permalinks), found at connect time from the site's `Link: rel="https://api.w.org/"`.

WordPress names every failure with a `code` in a JSON body (`{"code", "message", "data":
{"status", "params"?}}`), so `classify` reads both:

| upstream | raised |
|---|---|
| 401 (`incorrect_password`, `rest_not_logged_in`…) | `PlatformAuthFailed`; the account is flagged for reconnecting |
| 403 (`rest_cannot_create`, `rest_cannot_publish`…) | `PlatformAuthFailed`: the user's role lacks the capability |
| 403 `rest_comment_closed` / `rest_comment_draft_post` | `PlatformRejected`, rule `wordpress.comment.refused` |
| 429, or 503 with `Retry-After` (maintenance mode) | `PlatformRateLimited`, `Retry-After` or 60 s |
| 400 `rest_invalid_param` / `rest_missing_callback_param` | `PlatformRejected`, rule `wordpress.param.invalid`, the params named |
| other 4xx | `PlatformRejected`, the body as `platformResponse` |
| 5xx, or no answer, to `POST /wp/v2/posts` | `PublishOutcomeUnknown` (reconciled by the post's slug) |
| 5xx otherwise, or no connection | `PlatformUnavailable` |
"""

from __future__ import annotations

import base64
from typing import Any

import requests

from letmepost.errors import LetmepostError
from platforms.upstream import Failure, HostClient, json_object

PLATFORM = "wordpress"
API_LINK = "https://api.w.org/"  # the rel WordPress advertises its REST root under
INVALID_PARAMS = frozenset({"rest_invalid_param", "rest_missing_callback_param"})
# 403s that are about the post, not the user: comments closed, or the post not published.
COMMENT_REFUSED = frozenset(
    {"rest_comment_closed", "rest_comment_draft_post", "rest_comment_trash_post"}
)
MAX_TERMS_PAGE = 100  # per_page's maximum


class WordPressClient(HostClient):
    """Calls to one site's REST API as one user (an application password)."""

    platform = PLATFORM
    unreachable_remediation = (
        "Check the site address and that it is up; letmepost retries."
    )
    auth_remediation = (
        "Reconnect the WordPress account with a current application password (Users → Profile "
        "→ Application Passwords); the user must be an Author, Editor or Administrator."
    )

    def __init__(
        self,
        site_url: str,
        *,
        api_root: str,
        username: str,
        password: str,
        version: str,
    ) -> None:
        super().__init__(site_url, version=version)
        self.api_root = api_root
        pair = f"{username}:{password}".encode()
        self._authorization = f"Basic {base64.b64encode(pair).decode()}"

    def call(self, method: str, route: str, **kwargs: Any) -> requests.Response:
        """`route` (`wp/v2/posts`) under the REST root, authenticated."""
        headers = {
            "Accept": "application/json",
            "Authorization": self._authorization,
            **kwargs.pop("headers", {}),
        }
        kwargs.setdefault("what", f"{method} /{route}")
        return self.request(
            method, f"{self.api_root}{route}", headers=headers, **kwargs
        )

    def detail(self, body: Any) -> str:
        if not isinstance(body, dict):
            return ""
        params = (body.get("data") or {}).get("params")
        said = str(body.get("message") or body.get("code") or "")
        if isinstance(params, dict) and params:
            said += " " + "; ".join(f"{k}: {v}" for k, v in params.items())
        return said.strip()

    def classify(self, failure: Failure) -> LetmepostError:
        code = failure.body.get("code") if isinstance(failure.body, dict) else None
        if code in COMMENT_REFUSED:
            return failure.rejected(rule="wordpress.comment.refused")
        if failure.status in (401, 403):
            return failure.auth_failed(remediation=self.auth_remediation)
        waits = failure.response.headers.get("Retry-After")
        if failure.status == 429 or (failure.status == 503 and waits):
            # WordPress's maintenance mode answers 503 + Retry-After before running anything.
            return failure.rate_limited(self.retry_after(failure.response))
        if str(code).startswith("rest_upload_"):
            # A refused upload, even the 500 `rest_upload_sideload_error` WordPress answers for
            # a type it refuses: nothing was stored.
            return failure.rejected(rule="wordpress.media.upload_refused")
        if failure.status >= 500:
            return failure.server_error()
        if code in INVALID_PARAMS:
            return failure.rejected(rule="wordpress.param.invalid")
        return failure.rejected()

    # --- the calls --------------------------------------------------------------------------

    def me(self) -> dict[str, Any]:
        """`GET /wp/v2/users/me?context=edit`: who the application password signs in as."""
        response = self.call("GET", "wp/v2/users/me", params={"context": "edit"})
        return json_object(response.json())

    def create_post(self, payload: dict[str, Any]) -> dict[str, Any]:
        response = self.call("POST", "wp/v2/posts", json=payload, write=True)
        return json_object(response.json())

    def posts_by_slug(self, slug: str) -> list[dict[str, Any]]:
        """`GET /wp/v2/posts?slug=&status=any`: drafts and scheduled posts included."""
        response = self.call(
            "GET",
            "wp/v2/posts",
            params={"slug": slug, "status": "any", "context": "edit"},
        )
        return list(response.json())

    def find_term(self, taxonomy: str, name: str) -> int | None:
        """The id of the `taxonomy` (`tags`, `categories`) term named `name`, if it exists."""
        response = self.call(
            "GET",
            f"wp/v2/{taxonomy}",
            params={"search": name, "per_page": MAX_TERMS_PAGE, "context": "edit"},
        )
        wanted = name.casefold()
        return next(
            (
                int(t["id"])
                for t in response.json()
                if str(t["name"]).casefold() == wanted
            ),
            None,
        )

    def create_term(self, taxonomy: str, name: str) -> int:
        """`POST /wp/v2/<taxonomy>`; a term created meanwhile (`term_exists`) is reused."""
        response = self.call(
            "POST", f"wp/v2/{taxonomy}", json={"name": name}, allow=(400,)
        )
        body = json_object(response.json())
        if response.ok:
            return int(body["id"])
        if body.get("code") == "term_exists":
            return int(body["data"]["term_id"])
        raise self.error_for(response, f"POST /wp/v2/{taxonomy}")

    def upload_media(
        self, *, data: bytes, content_type: str, name: str, alt_text: str | None
    ) -> int:
        """`POST /wp/v2/media` with the file as the body: the attachment's id."""
        headers = {
            "Content-Type": content_type,
            "Content-Disposition": f'attachment; filename="{name}"',
        }
        response = self.call(
            "POST",
            "wp/v2/media",
            data=data,
            headers=headers,
            params={"alt_text": alt_text} if alt_text else None,
            allow=tuple(range(400, 501)),
        )
        if not response.ok:  # too big, a type the site refuses, a sniffing failure
            raise self.error_for(
                response, "POST /wp/v2/media", rule="wordpress.media.upload_refused"
            )
        return int(json_object(response.json())["id"])

    def create_comment(self, post_id: int, content: str) -> dict[str, Any]:
        body = {"post": post_id, "content": content}
        response = self.call("POST", "wp/v2/comments", json=body, write=True)
        return json_object(response.json())

    def comments(self, post_id: int, author: int, limit: int) -> list[dict[str, Any]]:
        """`GET /wp/v2/comments`: the user's newest comments on the post, any status."""
        response = self.call(
            "GET",
            "wp/v2/comments",
            params={
                "post": post_id,
                "author": author,
                "per_page": limit,
                "status": "all",
                "context": "edit",
            },
        )
        return list(response.json())


def discover_api_root(response: requests.Response, site_url: str) -> str:
    """The REST root a site advertises in its `Link` header, else the default `/wp-json/`."""
    link = response.links.get(API_LINK, {}).get("url")
    return str(link) if link else f"{site_url}/wp-json/"

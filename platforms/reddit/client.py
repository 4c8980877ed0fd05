"""The Reddit API calls letmepost makes on `oauth.reddit.com` with the account's token.

Reddit answers `POST /api/submit` with `api_type=json` as `{"json": {"errors": [[CODE, message,
field], ...], "data": {...}}}`, **with status 200 even when it refused**: the errors list is the
verdict, so `submit()` reads it and raises like `classify` does for HTTP failures.

| upstream | raised |
|---|---|
| 401, `USER_REQUIRED` | `PlatformAuthFailed` (token revoked) |
| 403 | `PlatformAuthFailed` (a scope is missing, or the account is suspended) |
| 429, `RATELIMIT` | `PlatformRateLimited`, wait from `X-Ratelimit-Reset`, `Retry-After` or the message |
| a known error code (`SUBREDDIT_NOEXIST`, `NO_SELFS`, `SUBMIT_VALIDATION_FLAIR_REQUIRED`…) | `PlatformRejected` with its rule |
| other codes, other 4xx | `PlatformRejected` (`reddit.submit.rejected`), the body as `platformResponse` |
| 5xx, or no answer, to `POST /api/submit` | `PublishOutcomeUnknown` |
| 5xx otherwise, or no connection | `PlatformUnavailable` |
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import urlsplit

import requests

from letmepost.errors import LetmepostError
from platforms.oauth import TokenClient
from platforms.upstream import Failure, delta_seconds, json_object, retry_after

PLATFORM = "reddit"
DEFAULT_BASE = "https://oauth.reddit.com"
# Reddit's `api_type=json` error codes → our rules (preflight.py declares each).
RULES = {
    "SUBREDDIT_NOEXIST": "reddit.subreddit.not_found",
    "SUBREDDIT_NOTALLOWED": "reddit.subreddit.not_allowed",
    "SUBREDDIT_NOTALLOWED_BANNED": "reddit.subreddit.not_allowed",
    "NO_SELFS": "reddit.kind.not_allowed",
    "NO_LINKS": "reddit.kind.not_allowed",
    "NO_IMAGES": "reddit.kind.not_allowed",
    "SUBMIT_VALIDATION_FLAIR_REQUIRED": "reddit.flair.required",
    "BAD_FLAIR_TEMPLATE_ID": "reddit.flair.required",
    "ALREADY_SUB": "reddit.link.already_submitted",
    "TOO_LONG": "reddit.title.max_chars",
}
AUTH_CODES = frozenset({"USER_REQUIRED"})
RATE_LIMITED = "RATELIMIT"
WAIT = re.compile(r"(\d+)\s*(second|minute|hour)", re.IGNORECASE)
UNITS = {"second": 1, "minute": 60, "hour": 3600}


def wait_in(message: str) -> int | None:
    """`you are doing that too much. try again in 5 minutes.` → 300."""
    found = WAIT.search(message)
    return int(found.group(1)) * UNITS[found.group(2).lower()] if found else None


class RedditClient(TokenClient):
    platform = PLATFORM
    name = "Reddit"
    default_base: ClassVar[str] = DEFAULT_BASE
    auth_remediation = "Reconnect the Reddit account and allow `submit` and `identity`."

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"bearer {self.token}", **kwargs.pop("headers", {})}
        return self.request(method, f"{self.base}{path}", headers=headers, **kwargs)

    def detail(self, body: Any) -> str:
        if not isinstance(body, dict):
            return ""
        errors = (body.get("json") or {}).get("errors") or []
        if errors:
            return "; ".join(f"{e[0]}: {e[1]}" for e in errors if e)
        return str(body.get("message") or body.get("error") or "")

    def classify(self, failure: Failure) -> LetmepostError:
        errors = (
            (failure.body.get("json") or {}).get("errors") or []
            if isinstance(failure.body, dict)
            else []
        )
        codes = [str(e[0]) for e in errors if e]
        if failure.status in (401, 403) or AUTH_CODES & set(codes):
            return failure.auth_failed(remediation=self.auth_remediation)
        if failure.status == 429 or RATE_LIMITED in codes:
            said = " ".join(str(e[1]) for e in errors if e and e[0] == RATE_LIMITED)
            reset = delta_seconds(failure.response.headers.get("X-Ratelimit-Reset"))
            return failure.rate_limited(
                retry_after(failure.response, wait_in(said), reset)
            )
        if failure.status >= 500:
            return failure.server_error()
        fallback = failure.rule or "reddit.submit.rejected"
        rule = next((RULES[c] for c in codes if c in RULES), fallback)
        return failure.rejected(rule=rule)

    # --- the calls --------------------------------------------------------------------------

    def me(self) -> dict[str, Any]:
        """`GET /api/v1/me` (scope `identity`)."""
        return json_object(self.call("GET", "/api/v1/me").json())

    def submit(self, form: dict[str, str]) -> dict[str, Any]:
        """`POST /api/submit` (scope `submit`): the new post's `id`, `name` and `url`."""
        body = self._refused_or(self.call("POST", "/api/submit", data=form, write=True))
        return dict(body["json"]["data"])

    def _refused_or(self, response: requests.Response) -> dict[str, Any]:
        """The `api_type=json` answer of a write, or its errors (sent with status 200) raised
        as `classify` raises an HTTP failure."""
        body = json_object(response.json())
        if (body.get("json") or {}).get("errors"):
            request = response.request
            raise self.classify(
                Failure(
                    response=response,
                    body=body,
                    what=f"{request.method} {urlsplit(request.url or '').path}",
                    write=True,
                    detail=self.detail(body),
                    fields=self.fields(platform_response=body),
                )
            )
        return body

    def upload_image(self, *, data: bytes, content_type: str, name: str) -> str:
        """Reddit's own (undocumented) image upload, as its apps do: lease a slot with
        `POST /api/media/asset.json`, then POST the file with the lease's form fields to the
        storage `action` URL (no token there). The image's URL is `action` + the `key` field."""
        what = "POST /api/media/asset.json"
        leased = self.send(
            "POST",
            f"{self.base}/api/media/asset.json",
            headers={"Authorization": f"bearer {self.token}"},
            data={"filepath": name, "mimetype": content_type},
            what=what,
        )
        if not leased.ok:
            raise self.error_for(leased, what, rule="reddit.image.upload_failed")
        lease = json_object(leased.json())
        args = lease["args"]
        action = (
            "https:" + args["action"]
            if args["action"].startswith("//")
            else args["action"]
        )
        fields = {f["name"]: f["value"] for f in args["fields"]}
        stored = self.send(
            "POST", action, data=fields, files={"file": (name, data, content_type)}
        )
        if not stored.ok:
            raise self.error_for(
                stored, "POST (image storage)", rule="reddit.image.upload_failed"
            )
        return f"{action}/{fields['key']}"

    def comment(self, parent: str, text: str) -> dict[str, Any]:
        """`POST /api/comment` (scope `submit`): a top-level comment on the post `parent`
        (`t3_…`); the new comment's data (`name`, `permalink`)."""
        form = {"api_type": "json", "thing_id": parent, "text": text}
        body = self._refused_or(
            self.call("POST", "/api/comment", data=form, write=True)
        )
        return dict(body["json"]["data"]["things"][0]["data"])

"""The Slack Web API calls letmepost makes, over our one HTTP session.

Shapes follow Slack's Swagger description, patched with the external-upload methods (a copy is
in tests/fixtures/platform-apis/slack/slack-openapi-patched.json). Slack answers most refusals
with HTTP 200 and `{"ok": false, "error": "<code>"}`; `call()` hands those to `classify` too:

| upstream | raised |
|---|---|
| `not_authed`, `invalid_auth`, `token_revoked`, `account_inactive`, `missing_scope`… | `PlatformAuthFailed` |
| 429 (`ratelimited`) | `PlatformRateLimited`, `retry_after` from `Retry-After` |
| 5xx, `internal_error`, `fatal_error`, `service_unavailable`, `request_timeout` | `PublishOutcomeUnknown` on a posting call, else `PlatformUnavailable` |
| any other error (`channel_not_found`, `not_in_channel`, `msg_too_long`…) | `PlatformRejected` |
"""

from __future__ import annotations

import json
from typing import Any

from letmepost.errors import LetmepostError
from platforms.attachments import AttachmentStream
from platforms.oauth import TokenClient
from platforms.upstream import Failure, json_object

PLATFORM = "slack"
DEFAULT_BASE = "https://slack.com/api"
UPLOAD_TIMEOUT = (10.0, 600.0)  # sending a large file may take minutes
AUTH_ERRORS = frozenset(
    {
        "not_authed",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "no_permission",
        "missing_scope",
        "not_allowed_token_type",
        "org_login_required",
        "ekm_access_denied",
    }
)
REVOKED_ERRORS = frozenset({"invalid_auth", "account_inactive", "token_revoked"})
SERVER_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


def error_code(body: Any) -> str:
    return str(body.get("error") or "") if isinstance(body, dict) else ""


class SlackClient(TokenClient):
    platform = PLATFORM
    name = "Slack"
    default_base = DEFAULT_BASE
    auth_remediation = (
        "Reinstall the Slack app (reconnect the account) and grant every scope."
    )

    def call(
        self, method: str, form: dict[str, Any], *, write: bool = False
    ) -> dict[str, Any]:
        """POST one Web API method as a form; the `ok` answer, or the mapped error."""
        what = f"Slack {method}"
        response = self.request(
            "POST",
            f"{self.base}/{method}",
            what=what,
            write=write,
            data={k: v for k, v in form.items() if v is not None},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        body = self.read(response)
        if not isinstance(body, dict) or body.get("ok") is not True:
            raise self.error_for(response, what, write=write)
        return json_object(body)

    def detail(self, body: Any) -> str:
        return error_code(body)

    def classify(self, failure: Failure) -> LetmepostError:
        code = error_code(failure.body)
        if code in AUTH_ERRORS:
            return failure.auth_failed(remediation=self.auth_remediation)
        if failure.status == 429 or code == "ratelimited":
            return failure.rate_limited(self.retry_after(failure.response))
        if failure.status >= 500 or code in SERVER_ERRORS:
            return failure.server_error()
        return failure.rejected()

    # --- the calls --------------------------------------------------------------------------

    def auth_test(self) -> dict[str, Any]:
        return self.call("auth.test", {})

    def post_message(self, form: dict[str, Any]) -> dict[str, Any]:
        return self.call("chat.postMessage", form, write=True)

    def upload(self, file: AttachmentStream, alt_text: str | None) -> str:
        """Steps one and two of an external upload: reserve, then send the bytes; the file id.

        The bytes are streamed from the attachment (a video may be large). Nothing is shared
        yet: an upload never completed is discarded by Slack.
        """
        slot = self.call(
            "files.getUploadURLExternal",
            {"filename": file.name, "length": file.size, "alt_txt": alt_text},
        )
        response = self.send(
            "POST",
            str(slot["upload_url"]),
            what="the Slack file upload",
            data=file.section(0, file.size),
            headers={"Content-Type": "application/octet-stream"},
            timeout=UPLOAD_TIMEOUT,
        )
        if not response.ok:
            raise self.upload_refused(
                response,
                what="The file upload",
                rule="slack.media.upload_failed",
                remediation="Retry; a fresh upload URL is reserved on every attempt.",
            )
        return str(slot["file_id"])

    def complete_upload(
        self, files: list[tuple[str, str]], form: dict[str, Any]
    ) -> dict[str, Any]:
        """Share the uploaded files in the channel as one message: the write that posts."""
        listed = json.dumps([{"id": i, "title": title} for i, title in files])
        return self.call(
            "files.completeUploadExternal", {"files": listed, **form}, write=True
        )

"""The sandbox platform: a real adapter whose "network" is a table in our own database.

Every install has it (D21), so the API can be tried with no real account, and `lmp_test_` keys
publish through it whatever the account's platform (D13). Failures can be forced per target with
the `sandboxOutcome` option or the `Letmepost-Sandbox-Outcome` header.
"""

from __future__ import annotations

import re
import time
from typing import Any

from django.db import IntegrityError, transaction

from letmepost.dbconn import release_pooled_connection
from letmepost.errors import (
    ERROR_CLASSES,
    LetmepostError,
    PlatformRateLimited,
    PublishOutcomeUnknown,
    ValidationFailed,
)
from platforms.base import (
    ConnectedAccount,
    CredentialField,
    Draft,
    PlatformAdapter,
    PublishResult,
    ReplyTo,
)
from platforms.sandbox import PLATFORM_INFO, rules
from platforms.sandbox.models import SandboxPost

HANDLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# Outcomes beyond the error codes: the post lands but the answer is lost (reconciled later).
OUTCOME_UNKNOWN = "outcome_unknown"
FORCEABLE_OUTCOMES = (*sorted(ERROR_CLASSES), OUTCOME_UNKNOWN)


class SandboxAdapter(PlatformAdapter):
    platform = PLATFORM_INFO
    connect_kind = "credentials"
    credential_fields = (CredentialField("handle", "Handle", placeholder="demo"),)
    rules = rules.RULES
    thread_style = "replies"

    @classmethod
    def connect_with_credentials(cls, payload: dict[str, Any]) -> ConnectedAccount:
        handle = str(payload.get("handle", "")).strip()
        if not HANDLE.fullmatch(handle):
            raise ValidationFailed(
                "A sandbox handle is 1-64 letters, digits, dots, dashes or underscores.",
                rule="handle",
                remediation='Send {"handle": "demo"}.',
            )
        return ConnectedAccount(external_id=handle, display_name=handle, credentials={})

    def publish(self, draft: Draft) -> PublishResult:
        outcome = forced_outcome(draft)
        if outcome and outcome != OUTCOME_UNKNOWN:
            raise forced_error(outcome, draft)
        post = self._write(draft)
        if delay := int(draft.sandbox.get("delayMs") or 0):
            release_pooled_connection()  # a remote platform holds none of our connections
            time.sleep(
                min(delay, 60_000) / 1000
            )  # a slow answer, after the platform applied it
        if outcome == OUTCOME_UNKNOWN:
            raise PublishOutcomeUnknown(
                "Sandbox outcome forced: the answer was lost after sending.",
                platform=self.account.platform,
            )
        return self._result(post)

    def reconcile(self, draft: Draft) -> PublishResult | None:
        post = SandboxPost.objects.filter(token=draft.idempotency_token).first()
        return self._result(post) if post else None

    def publish_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult:
        """A reply is a sandbox post at the item's own token: forced outcomes apply to it
        when the engine hands it the target's directives (`sandboxFailItem`)."""
        return self.publish(draft)

    def reconcile_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult | None:
        return self.reconcile(draft)

    def _write(self, draft: Draft) -> SandboxPost:
        media = [
            {"kind": m.kind, "mediaId": m.media_id, "url": m.url} for m in draft.media
        ]
        try:
            with transaction.atomic():
                return SandboxPost.objects.create(
                    account=self.account,
                    token=draft.idempotency_token,
                    text=draft.text,
                    media=media,
                    first_comment=draft.first_comment or "",
                )
        except (
            IntegrityError
        ):  # the platform already has it: same answer, no second post
            return SandboxPost.objects.get(token=draft.idempotency_token)

    def _result(self, post: SandboxPost) -> PublishResult:
        uri = f"sandbox://{self.account.platform}/{post.token}"
        return PublishResult(
            uri=uri,
            cid=f"sandbox-{post.pk}",
            first_comment_uri=f"{uri}#comment" if post.first_comment else None,
        )


def forced_outcome(draft: Draft) -> str | None:
    """The outcome forced for this attempt; `failAttempts: n` forces it only on the first n."""
    outcome = draft.sandbox.get("outcome")
    if not outcome:
        return None
    fail_attempts = draft.sandbox.get("failAttempts")
    if fail_attempts is not None and draft.attempt > int(fail_attempts):
        return None
    return str(outcome)


def forced_error(outcome: str, draft: Draft) -> LetmepostError:
    message = f"Sandbox outcome forced: {outcome}."
    fields: dict[str, Any] = {
        "rule": "sandbox.outcome.forced",
        "platform_response": {"sandboxOutcome": outcome},
    }
    if outcome == "platform_rejected" and draft.sandbox.get("retryAfter"):
        return PlatformRateLimited(
            message, retry_after=int(draft.sandbox["retryAfter"]), **fields
        )
    if outcome == "rate_limited":
        return ERROR_CLASSES[outcome](
            message, retry_after=int(draft.sandbox.get("retryAfter") or 1), **fields
        )
    if outcome == "not_found":
        return ERROR_CLASSES[outcome](message, resource="post", **fields)
    return ERROR_CLASSES[outcome](message, **fields)

"""Meta Graph error envelopes → the error catalog, shared by Facebook, Instagram and Threads.

Graph answers `{"error": {"message", "type", "code", "error_subcode", "is_transient",
"fbtrace_id"}}`. The code says what kind of failure it is
(https://developers.facebook.com/docs/graph-api/guides/error-handling); the subcode, for media,
says which rule of ours was broken.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from letmepost.errors import LetmepostError
from platforms.upstream import Failure
from platforms.upstream import retry_after as wait_or_default

AUTH_CODES = frozenset({102, 190})  # invalid, expired or revoked token
AUTH_SUBCODES = frozenset(
    {458, 460, 463, 467}
)  # app removed, password changed, expired
PERMISSION_CODES = frozenset({10, *range(200, 300)})  # a permission was not granted
RATE_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
RATE_SUBCODES = frozenset(
    {2207042}
)  # Instagram: the 24-hour publishing limit was reached
TRANSIENT_CODES = frozenset({1, 2})
EXPIRED_SUBCODE = 2207020  # the container expired before it was published
DEFAULT_RETRY_AFTER = 60
PUBLISHING_LIMIT_RETRY_AFTER = 3600
USAGE_HEADERS = ("X-Business-Use-Case-Usage", "X-App-Usage", "X-Ad-Account-Usage")


@dataclass(frozen=True)
class GraphRules:
    """A platform's rule ids for the subcodes Graph answers with (`{subcode: rule}`), and for
    refusals recognised only by a phrase in Meta's message (`{lowercase phrase: rule}`)."""

    subcodes: Mapping[int, str] = field(default_factory=dict)
    phrases: Mapping[str, str] = field(default_factory=dict)
    expired: str = "meta.container.expired"


def graph_error_of(body: Any) -> dict[str, Any]:
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: 1e400 reads as inf
        return None


def retry_after(response: requests.Response, subcode: int | None = None) -> int:
    """Seconds to wait: Meta's `estimated_time_to_regain_access` (minutes) when it sends one."""
    minutes = 0
    for name in USAGE_HEADERS:
        raw = response.headers.get(name)
        if not raw:
            continue
        try:
            minutes = max(minutes, _regain_minutes(json.loads(raw)))
        except (ValueError, RecursionError):  # a header of 60,000 "[" is not usage
            continue
    limit = subcode in RATE_SUBCODES
    default = PUBLISHING_LIMIT_RETRY_AFTER if limit else DEFAULT_RETRY_AFTER
    return wait_or_default(response, minutes * 60 or None, default=default)


def _regain_minutes(usage: Any) -> int:
    """The largest `estimated_time_to_regain_access` anywhere in a usage header's JSON."""
    if isinstance(usage, dict):
        own = _int(usage.get("estimated_time_to_regain_access")) or 0
        return max([own, *(_regain_minutes(v) for v in usage.values())])
    if isinstance(usage, list):
        return max([0, *(_regain_minutes(v) for v in usage)])
    return 0


def graph_detail(body: Any) -> str:
    """What Meta said: the message meant for people when it sends one."""
    error = graph_error_of(body)
    return str(error.get("error_user_msg") or error.get("message") or "").strip()


def classify_graph_error(failure: Failure, rules: GraphRules) -> LetmepostError:
    """The catalog error for a refused Graph answer (`GraphClient.classify`).

    A 5xx to the one call that can create the post (other than an error Meta itself calls
    transient) may have been applied, so it becomes PublishOutcomeUnknown.
    """
    error = graph_error_of(failure.body)
    code, subcode = _int(error.get("code")), _int(error.get("error_subcode"))
    detail, status = failure.detail.lower(), failure.status
    if (
        status == 401
        or code in AUTH_CODES
        or subcode in AUTH_SUBCODES
        or code in PERMISSION_CODES
    ):
        return failure.auth_failed(
            remediation="Reconnect the account and grant every permission letmepost asks for."
        )
    if status == 429 or code in RATE_CODES or subcode in RATE_SUBCODES:
        return failure.rate_limited(retry_after(failure.response, subcode))
    if code in TRANSIENT_CODES and error.get("is_transient", code == 2):
        return failure.unavailable(
            remediation="Meta had a passing failure; letmepost retries."
        )
    if subcode is not None and subcode in rules.subcodes:
        return failure.rejected(rule=rules.subcodes[subcode])
    for phrase, rule in rules.phrases.items():
        if phrase in detail:
            return failure.rejected(rule=rule)
    if subcode == EXPIRED_SUBCODE:
        return failure.rejected(
            rule=rules.expired,
            remediation="Retry; the publish creates new containers.",
        )
    if code == 100 and "url" in detail:
        return failure.rejected(
            remediation="Meta could not use a media URL: host it publicly, or upload it via "
            "POST /v1/media and send the mediaId.",
        )
    if status >= 500:
        return failure.server_error()
    return failure.rejected()


def token_revoked(exc: LetmepostError) -> bool:
    """Whether an auth failure says the token itself is dead (not merely a missing permission)."""
    error = graph_error_of(exc.fields.get("platform_response"))
    return (
        _int(error.get("code")) in AUTH_CODES
        or _int(error.get("error_subcode")) in AUTH_SUBCODES
    )

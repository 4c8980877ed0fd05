"""The one upstream client every platform client builds on, and the helpers it reads answers with.

`UpstreamClient` owns the request path (healthchecks' transport with its `raise_for_response`
hook): our one guarded session from `platforms.http` (timeouts, SSRF guard, no retries), network
failures mapped to the catalog, and a non-2xx answer handed to the platform's `classify` hook with
the upstream body captured for `platformResponse`. A platform client keeps only what is its own:
URLs, auth headers, payload shapes and `classify`.

| what happened | raised |
|---|---|
| no connection was made (refused, DNS, connect timeout) | `PlatformUnavailable`: nothing was sent |
| a `write=True` call was sent and its answer was lost | `PublishOutcomeUnknown` |
| any other call got no answer | `PlatformUnavailable` |
| a non-2xx answer | whatever the platform's `classify(failure)` returns |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Self, TypeVar, cast
from urllib.parse import urlsplit

import requests
import urllib3
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from letmepost.errors import (
    LetmepostError,
    PlatformAuthFailed,
    PlatformRateLimited,
    PlatformRejected,
    PlatformUnavailable,
    PublishOutcomeUnknown,
)
from platforms import http as platform_http

DEFAULT_RETRY_AFTER = 60
REDACTED = "[redacted]"
E = TypeVar("E", bound=LetmepostError)

MAX_TEXT_BODY = 10_000  # non-JSON error pages are kept, but not megabytes of them
# Longer waits are all the same to us (the engine caps waits at a day, posts.dispatch.capped_wait),
# and int() refuses strings of more than 4,300 digits.
MAX_WAIT_DIGITS = 18


def body_of(response: requests.Response) -> Any:
    """The upstream body untouched: parsed JSON, else (truncated) text."""
    try:
        return response.json()
    except ValueError:
        return response.text[:MAX_TEXT_BODY]


def json_object(body: Any) -> dict[str, Any]:
    """A parsed 2xx body the platform documents as a JSON object, typed as one.

    Not checked: the caller's first key lookup fails on any other shape, as it always did.
    """
    return cast("dict[str, Any]", body)


def never_sent(exc: requests.RequestException) -> bool:
    """True when the request certainly did not reach the server (no connection was made).

    Refused connections, failed DNS lookups and connect timeouts qualify; a read timeout or a
    connection dropped while waiting for the answer does not: the server may have acted on it.
    """
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # MaxRetryError wraps the real cause
    return isinstance(
        reason,
        urllib3.exceptions.NewConnectionError | urllib3.exceptions.ConnectTimeoutError,
    )


def network_failure(exc: requests.RequestException) -> dict[str, str]:
    """What stands in for `platformResponse` when no response came back."""
    return {"error": type(exc).__name__, "message": str(exc)}


def delta_seconds(value: str | None) -> int | None:
    """Whole seconds from a header (`Retry-After: 120`, an epoch-second reset), else None.

    Only ASCII digits count: `"²".isdigit()` is true and int() refuses it. A value longer than
    MAX_WAIT_DIGITS reads as 10**MAX_WAIT_DIGITS; the engine caps every wait anyway.
    """
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    return int(value) if len(value) <= MAX_WAIT_DIGITS else 10**MAX_WAIT_DIGITS


def seconds_until(value: str | None, now: datetime | None = None) -> int | None:
    """Seconds from now until an ISO 8601 time in a header, else None (absent or unreadable)."""
    try:
        moment = parse_datetime((value or "").strip())
        if moment is None:
            return None
        if moment.tzinfo is None:
            moment = timezone.make_aware(moment, UTC)
        return int((moment - (now or timezone.now())).total_seconds())
    except ValueError:  # well-formed but impossible: 2026-02-30
        return None


def retry_after(
    response: requests.Response,
    *waits: int | None,
    default: int = DEFAULT_RETRY_AFTER,
) -> int:
    """Seconds to wait before asking again, at least one.

    The first known wait among `waits` (what the platform's own rate-limit headers said, already
    read), else `Retry-After`, else `default`.
    """
    for wait in (*waits, delta_seconds(response.headers.get("Retry-After"))):
        if wait is not None:
            return max(1, wait)
    return default


@dataclass(frozen=True)
class Failure:
    """A non-2xx (or otherwise refused) answer, ready to be classified into one catalog error."""

    response: requests.Response
    # Parsed JSON, else truncated text, secrets blanked: what `platformResponse` shows.
    body: Any
    what: str  # the call, for messages: "POST /2/tweets"
    write: bool  # the call can create the post, so a 5xx may have been applied
    detail: str  # what the platform said, if its error body says anything
    fields: Mapping[str, Any]  # platform, platform_version, platform_response
    rule: str | None = None  # the call's own rule for an otherwise unnamed refusal

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def message(self) -> str:
        said = f": {self.detail}" if self.detail else "."
        return f"{self.what} answered {self.status}{said}"

    def error(self, cls: type[E], message: str | None = None, **extra: Any) -> E:
        """`cls` with this failure's message and fields (`extra` adds rule, remediation...)."""
        return cls(message or self.message, **{**self.fields, **extra})

    def auth_failed(self, **extra: Any) -> PlatformAuthFailed:
        return self.error(PlatformAuthFailed, **extra)

    def rate_limited(self, retry_after: int, **extra: Any) -> PlatformRateLimited:
        return self.error(PlatformRateLimited, retry_after=retry_after, **extra)

    def unavailable(self, **extra: Any) -> PlatformUnavailable:
        return self.error(PlatformUnavailable, **extra)

    def server_error(self, **extra: Any) -> PlatformUnavailable:
        """A 5xx: certainly not applied for a read, maybe applied for a write."""
        if self.write:  # the platform failed while handling it: the post may exist
            return self.error(PublishOutcomeUnknown, **extra)
        return self.unavailable(**extra)

    def rejected(self, **extra: Any) -> PlatformRejected:
        extra.setdefault("rule", self.rule)
        return self.error(PlatformRejected, **extra)


class UpstreamClient:
    """Calls to one platform over one guarded session; subclasses add URLs, auth and `classify`.

    Use `request()` for calls whose 2xx answer is the result, `send()` where the caller must see
    every answer itself (resumable uploads), and `error_for()` to classify an answer it refuses.
    """

    platform: str  # the slug
    name: str = ""  # how messages name the upstream ("X", "https://mastodon.social")
    unreachable_remediation: ClassVar[str | None] = None
    unanswered_remediation: ClassVar[str | None] = None
    auth_remediation: ClassVar[str | None] = None
    default_retry_after: ClassVar[int] = DEFAULT_RETRY_AFTER

    def __init__(self, *, version: str | None, secrets: tuple[str | None, ...] = ()):
        self.version = version
        self._secrets = tuple(s for s in secrets if s)
        self.http = platform_http.session()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.http.close()

    def fields(self, **extra: Any) -> dict[str, Any]:
        return {"platform": self.platform, "platform_version": self.version, **extra}

    def scrub(self, text: str) -> str:
        """Blank out the secrets this client sends (tokens in query strings reach error texts)."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def send(
        self,
        method: str,
        url: str,
        *,
        what: str | None = None,
        write: bool = False,
        unreachable_rule: str | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Send one request and return the answer, whatever its status.

        `write=True` marks a call that can create the post: when its answer is lost after it may
        have arrived, that is `PublishOutcomeUnknown`, never a retryable failure.
        """
        try:
            return self.http.request(method, url, **kwargs)
        except requests.RequestException as exc:
            error = self.network_error(
                exc, what or _what(method, url), write=write, rule=unreachable_rule
            )
            # Chaining would carry the unscrubbed text (a token in the URL) into logs.
            raise error from (None if self._secrets else exc)

    def request(
        self,
        method: str,
        url: str,
        *,
        what: str | None = None,
        write: bool = False,
        allow: tuple[int, ...] = (),
        **kwargs: Any,
    ) -> requests.Response:
        """Send one request; return the 2xx (or `allow`ed) answer, or raise `classify`'s error."""
        what = what or _what(method, url)
        response = self.send(method, url, what=what, write=write, **kwargs)
        if response.ok or response.status_code in allow:
            return response
        raise self.error_for(response, what, write=write)

    def upload_refused(
        self, response: requests.Response, *, what: str, rule: str, remediation: str
    ) -> PlatformRejected:
        """A refused upload to a one-off upload URL (outside `classify`): nothing was posted."""
        return PlatformRejected(
            f"{what} answered {response.status_code}; nothing was posted.",
            **self.fields(platform_response=self.read(response), rule=rule),
            remediation=remediation,
        )

    def network_error(
        self,
        exc: requests.RequestException,
        what: str,
        *,
        write: bool,
        rule: str | None,
    ) -> PlatformUnavailable:
        failure = {"error": type(exc).__name__, "message": self.scrub(str(exc))}
        fields = self.fields(platform_response=failure)
        if rule:
            fields["rule"] = rule
        if write and not never_sent(exc):
            return PublishOutcomeUnknown(
                f"{what} was sent to {self.name} but no answer came back: "
                f"{failure['message']}",
                **fields,
                remediation=self.unanswered_remediation,
            )
        return PlatformUnavailable(
            f"{self.name} could not be reached ({type(exc).__name__}).",
            **fields,
            remediation=self.unreachable_remediation,
        )

    def read(self, response: requests.Response) -> Any:
        """The answer's body as the platform sent it (secrets blanked), for `platformResponse`."""
        body = body_of(response)
        return self.scrub(body) if isinstance(body, str) else body

    def error_for(
        self,
        response: requests.Response,
        what: str | None = None,
        *,
        write: bool = False,
        rule: str | None = None,
    ) -> LetmepostError:
        """The catalog error for an answer the call refuses (`classify` decides which)."""
        body = self.read(response)
        request = response.request
        return self.classify(
            Failure(
                response=response,
                body=body,
                what=what or _what(request.method or "", request.url or ""),
                write=write,
                detail=self.detail(body),
                fields=self.fields(platform_response=body),
                rule=rule,
            )
        )

    def detail(self, body: Any) -> str:
        """What the platform's error body says, for the message; hook for its own shape."""
        if not isinstance(body, dict):
            return ""
        return str(body.get("message") or "").strip()

    def classify(self, failure: Failure) -> LetmepostError:
        """Hook: the platform's error body → our error. The default is the common table."""
        common = self.common_error(failure)
        return common if common is not None else failure.rejected()

    def common_error(
        self, failure: Failure, *, auth: tuple[int, ...] = (401, 403)
    ) -> LetmepostError | None:
        """The common table's rows that most platforms share (`auth` statuses, 429, 5xx), so a
        platform's `classify` only adds its own; None for any other status."""
        if failure.status in auth:
            return failure.auth_failed(remediation=self.auth_remediation)
        if failure.status == 429:
            return failure.rate_limited(self.retry_after(failure.response))
        if failure.status >= 500:
            return failure.server_error()
        return None

    def retry_after(self, response: requests.Response) -> int:
        """Hook for the platform's own rate-limit headers; `Retry-After` by default."""
        return retry_after(response, default=self.default_retry_after)


class HostClient(UpstreamClient):
    """Calls to the host an account lives on (a Mastodon instance, a Bluesky PDS), named by its
    URL in messages, with the account's token when it has one."""

    def __init__(
        self, base_url: str, *, token: str | None = None, version: str
    ) -> None:
        super().__init__(version=version)
        self.base_url = self.name = base_url.rstrip("/")
        self.token = token


def _what(method: str, url: str) -> str:
    return f"{method} {urlsplit(url).path}"

"""The contract between the publishing engine and one social network.

Read every docstring before writing an adapter: the engine's exactly-once guarantee rests on
adapters keeping theirs.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from platforms.models import PlatformAccount


@dataclass(frozen=True)
class MediaItem:
    """One attachment, resolved: a stored upload (`media_id`) or a remote `url`."""

    kind: str  # "image" | "video"
    media_id: str | None = None
    url: str | None = None
    alt_text: str | None = None
    content_type: str | None = None
    size_bytes: int | None = None
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None


@dataclass(frozen=True)
class Draft:
    """What to publish on one account. `idempotency_token` is stable across every attempt of the
    same target: adapters pass it to the platform (record key, Idempotency-Key header…) so a
    repeated call cannot create a second post, and `reconcile()` finds the post by it."""

    text: str
    idempotency_token: str
    media: tuple[MediaItem, ...] = ()
    first_comment: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    attempt: int = 1
    sandbox: dict[str, Any] = field(
        default_factory=dict
    )  # directives for sandboxed publishes (D13)


@dataclass(frozen=True)
class Violation:
    """A broken platform rule. `rule` ids are public and stable: `<slug>.<subject>.<constraint>`."""

    rule: str
    message: str
    remediation: str
    severity: str = "error"  # "warning" never blocks
    field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "remediation": self.remediation,
        }
        if self.field:
            out["field"] = self.field
        return out


@dataclass(frozen=True)
class PublishResult:
    uri: str | None
    cid: str | None = None
    first_comment_uri: str | None = None
    first_comment_cid: str | None = None
    warnings: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class ConnectedAccount:
    """What a connect flow learned about an account; the caller stores it."""

    external_id: str
    display_name: str
    credentials: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CredentialField:
    name: str
    label: str
    type: str = "text"  # "text" | "password" | "url"
    required: bool = True
    placeholder: str | None = None


Rule = Callable[[Draft], Violation | None]


class PlatformAdapter(abc.ABC):
    """One social network. Instances wrap one connected account.

    Contract:
    - `preflight()` is pure: no network, no database. It returns every violation.
    - `publish()` makes at most one upstream write per call and never retries or sleeps. It raises
      `PlatformRejected`/`PlatformAuthFailed` (final), `PlatformUnavailable` only when the
      platform certainly did not publish, `PlatformRateLimited` with `retry_after`, and
      `PublishOutcomeUnknown` when the request may have been applied (timeout after sending).
    - `reconcile()` answers "did the post with this idempotency token land?" from the platform:
      a PublishResult if it did, None if it certainly did not. Raise ReconcileUnsupported when
      the platform cannot tell; the engine then reports `publish.outcome_unknown` instead of
      risking a duplicate.
    """

    slug: ClassVar[str]
    display_name: ClassVar[str]
    version: ClassVar[str]  # the pinned API version label, e.g. "atproto", "x-v2"
    connect_kind: ClassVar[str] = "oauth"  # "oauth" | "credentials"
    credential_fields: ClassVar[tuple[CredentialField, ...]] = ()
    rules: ClassVar[tuple[Rule, ...]] = ()

    def __init__(self, account: PlatformAccount) -> None:
        self.account = account

    def preflight(self, draft: Draft) -> list[Violation]:
        return [v for rule in self.rules if (v := rule(draft)) is not None]

    @abc.abstractmethod
    def publish(self, draft: Draft) -> PublishResult: ...

    def reconcile(self, draft: Draft) -> PublishResult | None:
        raise ReconcileUnsupported(self.slug)

    @classmethod
    def connect_with_credentials(cls, payload: dict[str, Any]) -> ConnectedAccount:
        """Verify credentials (app password, handle…) with the platform and describe the account."""
        raise NotImplementedError(f"{cls.slug} connects with OAuth")


class ReconcileUnsupported(Exception):
    """The platform offers no way to look a post up by our idempotency token."""

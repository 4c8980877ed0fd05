"""The contract between the publishing engine and one social network.

Read every docstring before writing an adapter: the engine's exactly-once guarantee rests on
adapters keeping theirs.
"""

from __future__ import annotations

import abc
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar, Protocol

if TYPE_CHECKING:
    from platforms.models import PlatformAccount


@dataclass(frozen=True)
class MediaItem:
    """One attachment, resolved: a stored upload (`media_id`) or a remote `url`."""

    kind: str  # "image" | "video" | "document"
    media_id: str | None = None
    url: str | None = None
    alt_text: str | None = None
    content_type: str | None = None
    size_bytes: int | None = None
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    filename: str | None = None  # what it was uploaded as (a document's default title)


class PublishHistory(Protocol):
    """What the engine knows of earlier publishing, read lazily by the adapters that need it (X).

    posts implements it over its own models (posts.history) and hands it over in the Draft:
    platforms sits below posts, so no adapter reads a posts model itself.
    """

    def first_attempt_at(self) -> datetime | None:
        """When this target was first sent; None when it never was."""
        ...

    def counted_publishes(self, since: datetime) -> tuple[int, datetime | None]:
        """The account's live targets created after `since` that reached a verdict (published,
        rejected or failed, not refused as rate-limited): how many, and the oldest one's time."""
        ...


class NoHistory:
    """A draft from outside the engine (preflight, a direct adapter call): nothing sent before."""

    def first_attempt_at(self) -> datetime | None:
        return None

    def counted_publishes(self, since: datetime) -> tuple[int, datetime | None]:
        return 0, None


NO_HISTORY = NoHistory()


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
    # What the connected account allows, filled by the adapter from the account's metadata (keys
    # in docs/preflight.md): a Mastodon instance's limits, TikTok's privacy options and audit
    # state, the LinkedIn author URN, the Pinterest default board. Absent keys mean the defaults.
    account_limits: dict[str, Any] = field(default_factory=dict)
    # What the deep stage learnt about each URL it fetched (media and option URLs), by URL.
    # Empty in the shape stage: rules that need a probe skip URLs that have none.
    probes: dict[str, UrlProbe] = field(default_factory=dict)
    # Earlier attempts and the account's publishing, filled by the engine for a real publish.
    history: PublishHistory = NO_HISTORY
    # How many posts follow this one on the target (thread items, the first comment included),
    # filled by the engine: platforms without replies or comments refuse a draft that has any.
    thread_length: int = 0


def option(options: Mapping[str, Any], name: str) -> Any:
    """An option by its snake_case name (the API's parser) or its camelCase wire name."""
    if name in options:
        return options[name]
    head, *rest = name.split("_")
    return options.get(head + "".join(p.title() for p in rest))


@dataclass(frozen=True)
class UrlProbe:
    """One GET of a URL in the deep stage: what answered, or why nothing did."""

    url: str
    status: int | None = None  # None: no HTTP answer (network error, refused as unsafe)
    content_type: str | None = None  # lower-cased, parameters stripped
    content_length: int | None = None
    error: str | None = None
    sniffed_type: str | None = None  # from the first bytes, when any were read
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


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
class ReplyTo:
    """Where a thread item or a first comment goes, as the engine stored it when those posts
    were published: `parent` is the post it answers (the previous item; the first post for a
    first comment), `root` the thread's first post. Each is the adapter's own PublishResult
    (`cid` is the platform's id of the post, `uri` its address)."""

    parent: PublishResult
    root: PublishResult


@dataclass(frozen=True)
class ConnectedAccount:
    """What a connect flow learned about an account; the caller stores it."""

    external_id: str
    display_name: str
    credentials: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)
    # By default an OAuth account expires with the token it was connected with; an adapter that
    # knows better (a Facebook Page token never expires) sets own_expiry and token_expires_at.
    token_expires_at: datetime | None = None
    own_expiry: bool = False


@dataclass(frozen=True)
class CredentialField:
    name: str
    label: str
    type: str = "text"  # "text" | "password" | "url"
    required: bool = True
    placeholder: str | None = None


Rule = Callable[[Draft], Violation | None]
Fetcher = Callable[[str], UrlProbe]


@dataclass(frozen=True)
class PlatformInfo:
    """What one platform package declares about itself, as `PLATFORM_INFO` in its `__init__.py`.

    The only place these facts are written: the registry, the preflight catalog, the version
    seed, the OAuth settings and the adapter's `slug`/`display_name`/`version` all read it, and
    tests/platforms/test_registry.py checks every declaration against the code and the docs.
    """

    slug: str  # wire name and rule-id prefix; public, never renamed
    name: str  # what people read: dashboard tiles, docs pages, preflight messages
    adapter: str  # dotted path to the PlatformAdapter subclass, imported lazily
    pin: str  # the upstream API version the adapter is written against ("v23.0")
    label: str  # the public label errors and events carry as platformVersion ("graph-v23.0")
    # The operator registers an app and sets <SLUG>_CLIENT_ID and <SLUG>_CLIENT_SECRET.
    oauth_client: bool = False
    preflight: bool = True  # platforms/<slug>/preflight.py is in the rule catalog
    docs: bool = True  # docs/platforms/<slug>.md exists
    account_urls: bool = False  # platforms/<slug>/urls.py: /v1/accounts/<id>/<slug>/...

    @property
    def preflight_module(self) -> str | None:
        return f"platforms.{self.slug}.preflight" if self.preflight else None

    @property
    def docs_page(self) -> str | None:
        return f"docs/platforms/{self.slug}.md" if self.docs else None

    @property
    def urls_module(self) -> str | None:
        return f"platforms.{self.slug}.urls" if self.account_urls else None


class PlatformAdapter(abc.ABC):
    """One social network. Instances wrap one connected account.

    Contract:
    - `preflight()` is pure: no network, no database. It returns every violation.
    - `publish()` makes at most one upstream write that can create the post, and never retries;
      media uploads, a first comment at its own stable key, and bounded processing polls are
      allowed. It raises
      `PlatformRejected`/`PlatformAuthFailed` (final), `PlatformUnavailable` only when the
      platform certainly did not publish, `PlatformRateLimited` with `retry_after`, and
      `PublishOutcomeUnknown` when the request may have been applied (timeout after sending).
    - `reconcile()` answers "did the post with this idempotency token land?" from the platform:
      a PublishResult if it did, None if it certainly did not. Raise ReconcileUnsupported when
      the platform cannot tell; the engine then reports `publish.outcome_unknown` instead of
      risking a duplicate.
    """

    # The package's declaration; `slug`, `display_name` and `version` (the declared label, the
    # default when the version registry has no row) are copied from it.
    platform: ClassVar[PlatformInfo]
    slug: ClassVar[str]
    display_name: ClassVar[str]
    version: ClassVar[str]
    connect_kind: ClassVar[str] = "oauth"  # "oauth" | "credentials"
    credential_fields: ClassVar[tuple[CredentialField, ...]] = ()
    rules: ClassVar[
        tuple[Rule, ...]
    ] = ()  # shape: pure, run on create over the whole batch
    deep_rules: ClassVar[tuple[Rule, ...]] = ()  # deep: per target, URLs probed first
    # How a thread and a first comment go out: "replies" (each item answers the previous one),
    # "comments" (each item is a comment on the first post) or None (the platform has neither;
    # preflight answers `<slug>.thread.unsupported`).
    thread_style: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if info := cls.__dict__.get("platform"):
            cls.slug, cls.display_name, cls.version = info.slug, info.name, info.label
            if info.preflight and "rules" not in cls.__dict__:  # the catalog's, by slug
                from platforms.preflight.catalog import deep_rules_for, rules_for

                cls.rules = rules_for(info.slug)
                cls.deep_rules = deep_rules_for(info.slug)

    def __init__(self, account: PlatformAccount) -> None:
        self.account = account

    @functools.cached_property
    def platform_version(self) -> str:
        """The pinned version label (`platforms.versions.pinned_label`), read once, when first
        needed: never in `__init__`, so preflight stays free of the database."""
        from platforms.versions import pinned_label

        return pinned_label(self.slug)

    def account_limits(self) -> dict[str, Any]:
        """Facts about this account the rules need (an instance's caps, a default board…)."""
        return {}

    def _with_account_limits(self, draft: Draft) -> Draft:
        limits = self.account_limits()
        if not limits:
            return draft
        return replace(draft, account_limits={**limits, **draft.account_limits})

    def preflight(self, draft: Draft) -> list[Violation]:
        draft = self._with_account_limits(draft)
        return [v for rule in self.rules if (v := rule(draft)) is not None]

    def deep_preflight(
        self,
        draft: Draft,
        fetch: Fetcher | None = None,
        open_media: Callable[[MediaItem], BinaryIO | None] | None = None,
    ) -> list[Violation]:
        """Return every deep rule the draft breaks, warnings included.

        May read stored files (`open_media`, whose bytes then win over declared facts) and GET
        the draft's URLs through `fetch`, which defaults to the SSRF-guarded `platforms.http`
        session; never writes and never calls the platform's API. Run it per target in
        validate and again just before publishing.
        """
        if not self.deep_rules:
            return []
        from platforms.preflight.deep import run_deep

        draft = self._with_account_limits(draft)
        return run_deep(self.deep_rules, draft, fetch=fetch, open_media=open_media)

    @abc.abstractmethod
    def publish(self, draft: Draft) -> PublishResult: ...

    def reconcile(self, draft: Draft) -> PublishResult | None:
        raise ReconcileUnsupported(self.slug)

    def preflight_reply(self, draft: Draft) -> list[Violation]:
        """The rules one thread item or first comment must meet. A reply is a post on "replies"
        platforms; "comments" platforms override this with their comment rules."""
        return self.preflight(draft)

    def publish_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult:
        """Publish one thread item or first comment under `reply_to`, with `publish()`'s
        contract: at most one creating write, keyed by `draft.idempotency_token` (each item has
        its own), the same exceptions."""
        raise NotImplementedError(f"{self.slug} has no replies or comments")

    def reconcile_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult | None:
        """`reconcile()` for one thread item or first comment."""
        raise ReconcileUnsupported(self.slug)

    @classmethod
    def connect_with_credentials(cls, payload: dict[str, Any]) -> ConnectedAccount:
        """Verify credentials (app password, handle…) with the platform and describe the account."""
        raise NotImplementedError(f"{cls.slug} connects with OAuth")


class ReconcileUnsupported(Exception):
    """The platform offers no way to look a post up by our idempotency token."""

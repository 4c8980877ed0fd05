"""What a preflight rule is, as data: `RuleSpec`, and `CheckedRule`, a check bound to its spec.

Every rule id the service can emit has one `RuleSpec`. Checks are plain functions of a `Draft`;
`@checks(SPEC)` binds one to its spec so the catalog, the API, the docs pages and the violation
itself all read the same id, limits and remediation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from platforms.base import Draft, Violation
from platforms.registry import DECLARED

# Stages, as in tests/preflight/fixtures/preflight-rules.yaml.
SHAPE = "shape"  # pure; atomic over the whole batch on create (HTTP 400)
DEEP = "deep"  # per target, after media and URLs are probed
WARNING = "warning"  # never blocks; reported next to the result
UPSTREAM = "upstream"  # raised by the adapter from the platform's answer
GATE = "gate"  # a business gate before publishing
CONNECT = "connect"  # raised while connecting or refreshing an account
ACCOUNT_API = "account_api"  # raised by account helper endpoints
UPLOAD = "upload"  # POST /v1/media request validation
STAGES = (SHAPE, DEEP, WARNING, UPSTREAM, GATE, CONNECT, ACCOUNT_API, UPLOAD)
# A phase, not a stage: the rule checks one comment (a thread item or first comment on a
# "comments" platform, `PlatformAdapter.preflight_reply`), never the post itself.
REPLY = "reply"

# How far this implementation enforces a rule.
ENFORCED = "yes"  # checked here, before the upstream call
PARTIAL = (
    "partial"  # checked when the fact it needs is known (bytes, dimensions, a probe)
)
RAISED = "raised"  # raised where it happens (adapter, connect flow, upload endpoint)
NOT_RAISED = "no"  # kept so old links resolve; see `notes` for why it never fires

PREFLIGHT_FAILED = "preflight_failed"

# Rule-id prefixes with a rule catalog, and the names their messages and docs pages use.
PLATFORM_NAMES: dict[str, str] = {
    **{s: p.name for s, p in DECLARED.items() if p.preflight},
    "cross": "Cross-platform",
}


@dataclass(frozen=True)
class RuleSpec:
    """One public rule id and everything a client or a docs page may want to know about it.

    `limits` carries every number and list the rule uses, keyed as in the yaml spec; keys named
    in `informational` are documented values that no check enforces (upstream timings,
    documented-but-unenforced caps), so the boundary tests skip them.
    """

    id: str
    stage: str
    checks: str
    remediation: str
    limits: Mapping[str, Any] = field(default_factory=dict)
    code: str | None = PREFLIGHT_FAILED
    http: int | None = 400
    source_url: str = ""
    enforced: str = ENFORCED
    network: bool = False
    notes: str = ""
    informational: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        assert self.stage in STAGES, self.id
        assert self.id.count(".") >= 1 and self.id == self.id.lower(), self.id
        if self.stage in (UPSTREAM, CONNECT, ACCOUNT_API):
            object.__setattr__(self, "network", True)  # these come from an HTTP answer
        if self.stage == WARNING:  # never blocks, so no error code and no status
            object.__setattr__(self, "code", None)
            object.__setattr__(self, "http", None)

    @property
    def platform(self) -> str:
        prefix = self.id.split(".", 1)[0]
        return prefix if prefix in PLATFORM_NAMES else "cross"

    @property
    def severity(self) -> str:
        return "warning" if self.stage == WARNING else "error"

    @property
    def slug(self) -> str:
        """The docs path segment: dots become dashes (spec/errors.md §4)."""
        return self.id.replace(".", "-").lower()

    def limit(self, key: str) -> Any:
        return self.limits[key]

    def violation(
        self, message: str, *, field: str | None = None, remediation: str | None = None
    ) -> Violation:
        return Violation(
            rule=self.id,
            message=message,
            remediation=remediation or self.remediation,
            severity=self.severity,
            field=field,
        )


@dataclass(frozen=True)
class Span:
    """A part of a text the platform turns into a link, mention or tag (code-point offsets)."""

    start: int
    end: int
    kind: str = "link"  # "link" | "mention" | "tag"


@dataclass(frozen=True)
class Measure:
    """How a text-length rule counts, so a preview shows the count the platform will see.

    `size(draft)` is (count, limit) for the draft as given (the limit may be the account's
    own, e.g. a Mastodon instance's); `links(text)`, where given, is what the platform links
    (X and Mastodon count each link as a fixed length).
    """

    unit: str
    field: str  # the draft's text it measures: "text", "first_comment"…
    size: Callable[[Draft], tuple[int, int]]
    links: Callable[[str], list[Span]] | None = None


@dataclass(frozen=True)
class CheckedRule:
    """A check bound to its spec; call it like any `platforms.base.Rule`.

    `phase` says when it runs: SHAPE (pure, on create, over the whole batch), DEEP (per
    target, after media and URLs are probed) or REPLY (pure, on each comment a "comments"
    platform publishes under the post, never on the post). It follows the spec's stage unless
    given: a warning that needs no probe (TikTok's audit mode) runs with the shape rules.
    """

    spec: RuleSpec
    check: Callable[[Draft], Violation | None]
    phase: str = ""
    # Text-length rules: how they count, for compose previews.
    measure: Measure | None = None

    def __post_init__(self) -> None:
        if not self.phase:
            phase = SHAPE if self.spec.stage == SHAPE else DEEP
            object.__setattr__(self, "phase", phase)
        assert self.phase in (SHAPE, DEEP, REPLY), self.spec.id

    def __call__(self, draft: Draft) -> Violation | None:
        return self.check(draft)

    @property
    def __name__(self) -> str:  # so rules read well in tracebacks and test ids
        return self.spec.id


def checks(
    spec: RuleSpec,
) -> Callable[[Callable[[Draft], Violation | None]], CheckedRule]:
    """Decorator: `@checks(TEXT_MAX)` makes the function the check of that rule."""

    def bind(check: Callable[[Draft], Violation | None]) -> CheckedRule:
        return CheckedRule(spec, check)

    return bind


def raised(
    rule_id: str,
    stage: str,
    checks: str,
    remediation: str,
    limits: Mapping[str, Any] | None = None,
    *,
    code: str | None = "platform_rejected",
    http: int | None = 502,
    **fields: Any,
) -> RuleSpec:
    """A rule raised where it happens (an upstream answer, the connect flow), never checked here."""
    return RuleSpec(
        rule_id,
        stage,
        checks,
        remediation,
        limits or {},
        code=code,
        http=http,
        enforced=RAISED,
        **fields,
    )

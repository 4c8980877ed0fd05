"""The one registry of preflight rules: every public rule id, its spec and its check.

The API (`GET /v1/preflight/rules`), the docs pages (`/docs/preflight/<slug>`), the adapters
(`rules = rules_for("bluesky")`, `deep_rules = deep_rules_for("bluesky")`) and the tests all read
it, so a number changed in a platform module changes everywhere at once.

Modules come from the platform declarations (platforms/registry.py) and are imported lazily. A
module lists nothing by hand: its rules are the `CheckedRule`s it defines at module level, in the
order written (shape, deep and reply by `CheckedRule.phase`), and its specs are every module-level
`RuleSpec`, its own or a rule's, in the order first written.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from platforms.base import Draft, Fetcher, Rule, Violation
from platforms.preflight.deep import OpenMedia, run_deep
from platforms.preflight.spec import DEEP, REPLY, SHAPE, CheckedRule, RuleSpec
from platforms.registry import DECLARED

# Each declared platform with rules (platforms/<slug>/__init__.py), in registry order, then cross.
MODULES: dict[str, str] = {
    **{s: m for s, p in DECLARED.items() if (m := p.preflight_module)},
    "cross": "platforms.preflight.cross",
}
PLATFORMS: tuple[str, ...] = tuple(MODULES)


@cache
def _module(platform: str) -> ModuleType:
    if platform not in MODULES:
        raise KeyError(f"no preflight rules for platform {platform!r}")
    return importlib.import_module(MODULES[platform])


@dataclass(frozen=True)
class Declared:
    """One rule module's rules and specs, read off its module-level names."""

    rules: tuple[CheckedRule, ...]
    deep_rules: tuple[CheckedRule, ...]
    reply_rules: tuple[CheckedRule, ...]
    specs: tuple[RuleSpec, ...]


@cache
def _declared(platform: str) -> Declared:
    values = list(vars(_module(platform)).values())
    checked = [v for v in values if isinstance(v, CheckedRule)]
    rules = tuple(r for r in checked if r.phase == SHAPE)
    deep = tuple(r for r in checked if r.phase == DEEP)
    reply = tuple(r for r in checked if r.phase == REPLY)
    specs = (v.spec if isinstance(v, CheckedRule) else v for v in values)
    # Keyed by identity (a spec is not hashable): each spec where it is first written.
    first = {id(spec): spec for spec in specs if isinstance(spec, RuleSpec)}
    return Declared(rules, deep, reply, tuple(first.values()))


def rules_for(platform: str) -> tuple[Rule, ...]:
    """Shape rules: pure, no IO; `posts.services.check_post` runs them over the whole batch."""
    return _declared(platform).rules


def deep_rules_for(platform: str) -> tuple[Rule, ...]:
    """Deep rules: per target, after `platforms.preflight.deep` has probed media and URLs."""
    return _declared(platform).deep_rules


def reply_rules_for(platform: str) -> tuple[CheckedRule, ...]:
    """Comment rules: pure, run on each thread item or first comment of a "comments" platform
    (`PlatformAdapter.preflight_reply`), never on the post."""
    return _declared(platform).reply_rules


def specs_for(platform: str) -> tuple[RuleSpec, ...]:
    return _declared(platform).specs


@cache
def all_specs() -> tuple[RuleSpec, ...]:
    """Every rule, grouped by platform in MODULES order."""
    return tuple(spec for platform in PLATFORMS for spec in specs_for(platform))


@cache
def _by_id() -> dict[str, RuleSpec]:
    return {spec.id: spec for spec in all_specs()}


@cache
def _by_slug() -> dict[str, RuleSpec]:
    return {spec.slug: spec for spec in all_specs()}


def get_spec(rule_id: str) -> RuleSpec | None:
    return _by_id().get(rule_id)


def get_spec_by_slug(slug: str) -> RuleSpec | None:
    return _by_slug().get(slug.lower())


def checked_rules() -> tuple[CheckedRule, ...]:
    """Every rule that has a check: shape, deep and reply."""
    return tuple(
        rule
        for platform in PLATFORMS
        for rule in (
            *rules_for(platform),
            *deep_rules_for(platform),
            *reply_rules_for(platform),
        )
        if isinstance(rule, CheckedRule)
    )


def shape_preflight(platform: str, draft: Draft) -> list[Violation]:
    """Every shape rule the draft breaks on `platform` (what `PlatformAdapter.preflight` does)."""
    return [v for rule in rules_for(platform) if (v := rule(draft)) is not None]


def deep_preflight(
    platform: str,
    draft: Draft,
    *,
    fetch: Fetcher | None = None,
    open_media: OpenMedia | None = None,
) -> list[Violation]:
    """Every deep rule the draft breaks on `platform`, warnings included (may fetch URLs)."""
    return run_deep(deep_rules_for(platform), draft, fetch=fetch, open_media=open_media)

"""Every rule id the code raises has a docs page: a `ruleUrl` in an error never 404s.

The ids are read from the source (every `rule="..."` keyword with a literal string), so a new
error raised anywhere without a catalog entry or a RuleDoc fails here, not in a user's browser.
Ids built at run time (f-strings) are checked where they are built.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from letmepost.rules import RULES
from platforms.preflight import catalog

REPO = Path(__file__).resolve().parents[2]
APPS = ("letmepost", "accounts", "posts", "media", "platforms", "webhooks", "postiz")
# Request fields used as `rule` (e.g. `options.boardId`): the error code's page documents them.
FIELD_PREFIXES = ("options.",)


def raised_rule_ids() -> dict[str, str]:
    """rule id → the first file:line that raises it."""
    found: dict[str, str] = {}
    for app in APPS:
        for path in sorted((REPO / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                for keyword in node.keywords:
                    value = keyword.value
                    if (
                        keyword.arg == "rule"
                        and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                        and "." in value.value
                        and not value.value.startswith(FIELD_PREFIXES)
                    ):
                        where = f"{path.relative_to(REPO)}:{node.lineno}"
                        found.setdefault(value.value, where)
    return found


def documented(rule: str) -> bool:
    return rule in RULES or catalog.get_spec(rule) is not None


@pytest.mark.parametrize(("rule", "where"), sorted(raised_rule_ids().items()))
def test_a_raised_rule_has_a_docs_page(rule: str, where: str) -> None:
    assert documented(rule), f"{where} raises rule {rule!r}, which no page documents"


def test_rule_ids_mapped_from_platform_codes_have_docs_pages() -> None:
    """Ids an adapter picks from a table of the platform's error codes, not a literal."""
    from platforms.youtube.client import RULES as YOUTUBE_REASONS

    assert [r for r in YOUTUBE_REASONS.values() if not documented(r)] == []

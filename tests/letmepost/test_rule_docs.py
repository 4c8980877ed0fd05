"""Every rule id the code raises has a docs page: a `ruleUrl` in an error never 404s.

The ids are read from the source (every `rule="..."` keyword with a literal string), so a new
error raised anywhere without a catalog entry or a RuleDoc fails here, not in a user's browser.
Ids built at run time (f-strings) are checked where they are built; field rules (the request
field a validation error names) are checked by sending requests that break them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from letmepost.api.errors import doc_url, rule_url
from letmepost.errors import CATALOG
from letmepost.rules import RULES
from platforms.preflight import catalog
from tests.conftest import Persona, connect_sandbox, error_of, post_json

REPO = Path(__file__).resolve().parents[2]
APPS = ("letmepost", "accounts", "posts", "media", "platforms", "webhooks", "postiz")
# Request fields used as `rule` (e.g. `options.boardId`): the error code's page documents them.
FIELD_PREFIXES = ("options.",)


def literal_rule_ids() -> dict[str, str]:
    """Every literal `rule=` id in the server's code → the first file:line that raises it."""
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
                    ):
                        where = f"{path.relative_to(REPO)}:{node.lineno}"
                        found.setdefault(value.value, where)
    return found


def raised_rule_ids() -> dict[str, str]:
    """The named rules (dotted, not a request field) → where they are raised."""
    return {
        rule: where
        for rule, where in literal_rule_ids().items()
        if "." in rule and not rule.startswith(FIELD_PREFIXES)
    }


def documented(rule: str) -> bool:
    return rule in RULES or catalog.get_spec(rule) is not None


@pytest.mark.parametrize(("rule", "where"), sorted(raised_rule_ids().items()))
def test_a_raised_rule_has_a_docs_page(rule: str, where: str) -> None:
    assert documented(rule), f"{where} raises rule {rule!r}, which no page documents"


def test_rule_ids_mapped_from_platform_codes_have_docs_pages() -> None:
    """Ids an adapter picks from a table of the platform's error codes, not a literal."""
    from platforms.youtube.client import RULES as YOUTUBE_REASONS

    assert [r for r in YOUTUBE_REASONS.values() if not documented(r)] == []


# --- every link resolves (issue #21 point 9) ----------------------------------------------


def docs_path(url: str) -> str:
    """A `docUrl`/`ruleUrl` → the path this server answers it on (DOCS_BASE_URL is its /docs)."""
    return "/docs" + url.split("/docs", 1)[1]


def unresolved(client: Client, urls: dict[str, str]) -> list[str]:
    failed = []
    for what, url in sorted(urls.items()):
        status = client.get(docs_path(url)).status_code
        if status != 200:
            failed.append(f"{what} → {url}: {status}")
    return failed


@pytest.mark.django_db
def test_the_rule_url_of_every_rule_in_the_code_answers_200(client: Client) -> None:
    rules = {
        **{rule: f"raised at {where}" for rule, where in literal_rule_ids().items()},
        **dict.fromkeys(RULES, "letmepost.rules"),
        **{spec.id: "preflight catalog" for spec in catalog.all_specs()},
    }
    assert "scheduledAt" in rules and "body" in rules  # field rules are walked too
    urls = {f"{rule} ({where})": rule_url(rule) for rule, where in rules.items()}
    assert unresolved(client, urls) == []


@pytest.mark.django_db
def test_the_doc_url_of_every_error_code_answers_200(client: Client) -> None:
    assert unresolved(client, {code: doc_url(code) for code in CATALOG}) == []


FIELD_ERRORS = [
    # (request, the rule its error names)
    ({"targets": [{"platform": "sandbox"}], "scheduledAt": "soon"}, "scheduledAt"),
    (
        {
            "text": "hi",
            "targets": [{"platform": "sandbox"}],
            "scheduledAt": "2020-01-01T00:00:00Z",
        },
        "scheduledAt.future",
    ),
    ({"targets": [{"accountId": "nope", "text": "hi"}]}, "targets.0.accountId"),
    (
        {
            "text": "hi",
            "targets": [
                {"platform": "sandbox", "media": [{"kind": "image", "url": "ftp://x"}]}
            ],
        },
        "targets.0.media.0.url",
    ),
    (
        {
            "text": "hi",
            "targets": [{"platform": "sandbox"}],
            "firstComment": {"text": 5},
        },
        "firstComment.text",
    ),
]


@pytest.mark.parametrize(("body", "rule"), FIELD_ERRORS)
def test_a_field_rule_an_error_names_has_a_page_about_that_field(
    owner: Persona, client: Client, body: dict[str, Any], rule: str
) -> None:
    connect_sandbox(owner, "docs")
    error = error_of(post_json(owner.client, "/v1/posts", body))
    assert error["rule"] == rule
    page = client.get(docs_path(error["ruleUrl"]))
    assert page.status_code == 200
    named = re.sub(r"\.\d+(?=\.|$)", ".N", rule)  # pages show list positions as N
    assert f"<h1><code>{named}</code></h1>" in page.content.decode()


def test_a_query_parameter_rule_has_a_page(owner: Persona, client: Client) -> None:
    error = error_of(owner.client.get("/v1/posts?limit=many"))
    assert error["rule"] == "limit"
    page = client.get(docs_path(error["ruleUrl"]))
    assert page.status_code == 200 and "GET /v1/posts" in page.content.decode()


def test_a_member_of_per_platform_options_is_documented_by_its_object(
    client: Client,
) -> None:
    page = client.get(docs_path(rule_url("targets.3.options.sandboxOutcome")))
    assert page.status_code == 200
    assert "<h1><code>targets.N.options</code></h1>" in page.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/docs/preflight/scheduledat-tomorrow",
        "/docs/preflight/nosuchfield",
        "/docs/errors/nope",
    ],
)
def test_an_unknown_docs_page_is_a_docs_404(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    text = response.content.decode()
    assert "workspace" not in text and 'href="/docs/preflight/"' in text

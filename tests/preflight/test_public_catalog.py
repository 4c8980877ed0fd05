"""`GET /v1/preflight/rules` and the docs pages, for every rule in the catalog."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.html import escape

from letmepost.api.errors import rule_url
from platforms.preflight import catalog
from tests.conftest import error_of

pytestmark = pytest.mark.django_db


def test_the_catalog_is_public_and_lists_every_rule(client: Client) -> None:
    response = client.get("/v1/preflight/rules")
    assert response.status_code == 200
    rules = response.json()["data"]
    assert [r["id"] for r in rules] == [s.id for s in catalog.all_specs()]
    by_id = {r["id"]: r for r in rules}
    bluesky = by_id["bluesky.text.max_graphemes"]
    assert bluesky["limits"] == {"maxGraphemes": 300}
    assert bluesky["stage"] == "shape" and bluesky["severity"] == "error"
    assert bluesky["code"] == "preflight_failed" and bluesky["http"] == 400
    assert bluesky["ruleUrl"].endswith("/docs/preflight/bluesky-text-max_graphemes")
    assert bluesky["sourceUrl"].startswith("https://")
    warning = by_id["tiktok.audit.self_only"]
    assert warning["severity"] == "warning" and warning["code"] is None


def test_the_catalog_filters_by_platform(client: Client) -> None:
    for platform in catalog.PLATFORMS:
        rules = client.get(f"/v1/preflight/rules?platform={platform}").json()["data"]
        assert rules and {r["platform"] for r in rules} == {platform}


def test_an_unknown_platform_filter_is_a_validation_error(client: Client) -> None:
    response = client.get("/v1/preflight/rules?platform=myspace")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_failed" and error["rule"] == "platform"


def test_every_rule_has_a_docs_page_at_its_rule_url(client: Client) -> None:
    for spec in catalog.all_specs():
        path = rule_url(spec.id).split("://", 1)[1].split("/", 1)[1]
        page = client.get(f"/{path}")
        assert page.status_code == 200, spec.id
        html = page.content.decode()
        assert spec.id in html and escape(spec.remediation) in html


def test_a_docs_page_shows_the_numbers(client: Client) -> None:
    html = client.get("/docs/preflight/tiktok-text-max_chars").content.decode()
    assert "maxUtf16Units" in html and "2,200" in html and "preflight_failed" in html


def test_the_index_lists_every_rule_by_platform_with_a_search_box(
    client: Client,
) -> None:
    page = client.get("/docs/preflight/")
    assert page.status_code == 200
    html = page.content.decode()
    # The search box's script is a file: the Content-Security-Policy allows no inline script.
    assert 'id="rule-search"' in html and "docs-search.js" in html
    assert "<script>" not in html
    for spec in catalog.all_specs():
        assert f'href="/docs/preflight/{spec.slug}"' in html, spec.id
    for platform in catalog.PLATFORMS:
        assert f'id="{platform}"' in html


def test_request_rules_keep_their_pages(client: Client) -> None:
    assert client.get("/docs/preflight/body-json").status_code == 200
    assert client.get("/docs/preflight/no-such-rule").status_code == 404

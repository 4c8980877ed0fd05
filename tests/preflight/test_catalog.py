"""The catalog agrees with the reference rules in fixtures/preflight-rules.yaml, and is well formed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from platforms.preflight import catalog
from platforms.preflight.spec import (
    CONNECT,
    DEEP,
    ENFORCED,
    NOT_RAISED,
    PARTIAL,
    SHAPE,
    WARNING,
    CheckedRule,
)
from platforms.registry import KNOWN_PLATFORMS
from tests.fixtures import blob_id

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = FIXTURES / "preflight-rules.yaml"
SPEC = yaml.safe_load(REFERENCE.read_text())
YAML_RULES: dict[str, dict[str, Any]] = {rule["id"]: rule for rule in SPEC["rules"]}
SPECS = {spec.id: spec for spec in catalog.all_specs()}

# Ids this implementation adds beyond the reference: the two new platforms, and constraints
# the reference missed (each spec's `notes` says where the number comes from).
NEW_PLATFORMS = (
    "mastodon.",
    "youtube.",
    "discord.",
    "slack.",
    "telegram.",
    "reddit.",
    "lemmy.",
    "nostr.",
    "linkedin_page.",
    "google_business.",
    "wordpress.",
    "devto.",
    "tumblr.",
)
ADDED = {
    "bluesky.text.max_bytes",
    "twitter.media.gif_count_max",
    "pinterest.title.max_chars",
    "pinterest.text.max_chars",
    "pinterest.media.alt_text_max_chars",
    "pinterest.destination_url.max_chars",
    # Threads and first comments (#20) where the platform has neither replies nor comments.
    "pinterest.thread.unsupported",
    "tiktok.thread.unsupported",
    # Comment rules (#20: thread items and first comments), checked on each comment only.
    "linkedin.comment.non_empty",
    "linkedin.comment.max_graphemes",
    "linkedin.comment.media_unsupported",
    "facebook.comment.text_required",
    "facebook.comment.max_graphemes",
    "facebook.comment.media_count_max",
    "instagram.comment.non_empty",
    "instagram.comment.max_graphemes",
    "instagram.comment.media_unsupported",
    # Documents (PDF) on LinkedIn (#19): one alone, at most 100 MB (Documents API).
    "linkedin.media.document_alone",
    "linkedin.media.document_size_max",
}
# Deliberate stage changes, each explained in the spec's notes and docs/preflight.md.
RESTAGED = {"instagram.media.aspect_ratio": (DEEP, "preflight_failed", 400)}


def test_the_fixture_is_the_recorded_reference() -> None:
    recorded = re.search(
        r"^([0-9a-f]{40})  preflight-rules\.yaml$",
        (FIXTURES / "README.md").read_text(),
        flags=re.MULTILINE,
    )
    assert recorded, "fixtures/README.md records no blob id for preflight-rules.yaml"
    assert blob_id(REFERENCE.read_bytes()) == recorded.group(1)
    assert len(SPEC["rules"]) == len(YAML_RULES) == 132


def test_every_yaml_rule_id_is_in_the_catalog() -> None:
    assert set(YAML_RULES) - set(SPECS) == set()


def test_ids_beyond_the_yaml_are_the_new_platforms_and_the_listed_additions() -> None:
    extra = set(SPECS) - set(YAML_RULES)
    assert {i for i in extra if not i.startswith(NEW_PLATFORMS)} == ADDED
    assert any(i.startswith("mastodon.") for i in extra)
    assert any(i.startswith("youtube.") for i in extra)


@pytest.mark.parametrize("rule_id", sorted(YAML_RULES))
def test_numbers_lists_stage_and_code_agree_with_the_yaml(rule_id: str) -> None:
    expected, spec = YAML_RULES[rule_id], SPECS[rule_id]
    assert dict(spec.limits) == expected["limits"]
    assert spec.platform == expected["platform"]
    stage_code = (spec.stage, spec.code, spec.http)
    assert stage_code == RESTAGED.get(
        rule_id, (expected["stage"], expected["code"], expected["http"])
    )
    assert spec.severity == ("warning" if expected["stage"] == WARNING else "error")


def test_rules_the_yaml_marks_unreachable_or_dead_are_documented_as_such() -> None:
    for rule_id, rule in YAML_RULES.items():
        if rule["enforced"] in ("unreachable", "dead"):
            assert SPECS[rule_id].notes, rule_id


def test_ids_follow_the_scheme_and_are_unique() -> None:
    ids = [spec.id for spec in catalog.all_specs()]
    assert len(ids) == len(set(ids))
    for spec in catalog.all_specs():
        parts = spec.id.split(".")
        assert 2 <= len(parts) <= 3 and all(parts), spec.id
        assert spec.platform in (*KNOWN_PLATFORMS, "cross"), spec.id
        assert spec.checks and spec.remediation, spec.id


def test_every_check_is_catalogued_and_every_checkable_rule_has_a_check() -> None:
    checked = {rule.spec.id for rule in catalog.checked_rules()}
    assert checked <= set(SPECS)
    for spec in catalog.all_specs():
        if spec.stage in (SHAPE, DEEP, WARNING) and spec.enforced in (
            ENFORCED,
            PARTIAL,
        ):
            assert spec.id in checked, spec.id
        if spec.enforced == NOT_RAISED or spec.stage == CONNECT:
            assert spec.id not in checked, spec.id


@pytest.mark.parametrize("platform", catalog.PLATFORMS)
def test_shape_rules_are_shape_or_warning_and_deep_rules_deep_or_warning(
    platform: str,
) -> None:
    for rule in catalog.rules_for(platform):
        assert isinstance(rule, CheckedRule)
        assert rule.spec.stage in (SHAPE, WARNING), rule.spec.id
        assert rule.spec.platform == platform
        assert not rule.spec.network, (
            rule.spec.id
        )  # shape rules never touch the network
    for rule in catalog.deep_rules_for(platform):
        assert isinstance(rule, CheckedRule)
        assert rule.spec.stage in (DEEP, WARNING), rule.spec.id
        assert rule.spec.platform == platform


def test_warnings_carry_no_error_code() -> None:
    for spec in catalog.all_specs():
        if spec.stage == WARNING:
            assert spec.code is None and spec.severity == "warning"


def test_rules_for_unknown_platform_raises() -> None:
    with pytest.raises(KeyError):
        catalog.rules_for("myspace")


def test_a_module_s_rules_and_specs_are_read_in_the_order_written() -> None:
    assert [r.spec.id for r in catalog.rules_for("linkedin")] == [
        "linkedin.text.non_empty",
        "linkedin.text.max_graphemes",
        "linkedin.media.document_alone",
    ]
    assert [r.spec.id for r in catalog.deep_rules_for("linkedin")] == [
        "linkedin.author.urn_format",
        "linkedin.author.org_not_supported",
        "linkedin.visibility.enum",
        "linkedin.media.document_size_max",
    ]
    assert [r.spec.id for r in catalog.reply_rules_for("linkedin")] == [
        "linkedin.comment.non_empty",
        "linkedin.comment.max_graphemes",
        "linkedin.comment.media_unsupported",
    ]
    # Bare specs (raised by the adapter) keep their place among the rules' own.
    assert [s.id for s in catalog.specs_for("linkedin")] == [
        "linkedin.text.non_empty",
        "linkedin.text.max_graphemes",
        "linkedin.author.urn_format",
        "linkedin.author.org_not_supported",
        "linkedin.author.unresolved",
        "linkedin.visibility.enum",
        "linkedin.media.document_alone",
        "linkedin.media.document_size_max",
        "linkedin.comment.non_empty",
        "linkedin.comment.max_graphemes",
        "linkedin.comment.media_unsupported",
    ]


def test_a_rule_runs_in_its_spec_s_stage_unless_its_phase_says_otherwise() -> None:
    shape = [r.spec.id for r in catalog.rules_for("tiktok")]
    deep = [r.spec.id for r in catalog.deep_rules_for("tiktok")]
    # Two warnings: audit mode needs no probe, the sandbox duration needs the video's.
    assert "tiktok.audit.self_only" in shape and "tiktok.audit.self_only" not in deep
    assert "tiktok.video.sandbox_duration" in deep
    assert "tiktok.video.sandbox_duration" not in shape

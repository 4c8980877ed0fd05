"""The platform contract: every declared platform is whole, everywhere it has to appear.

One parametrized suite over the registry (allauth's `OAuth2TestsMixin` habit): adding a platform
package makes each of these run for it, and each failure names the step of platforms/README.md
that was missed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from platforms.base import Draft, PlatformAdapter, PlatformInfo
from platforms.models import PlatformAccount, PlatformVersion
from platforms.oauth import OAuthConnect
from platforms.preflight import catalog
from platforms.preflight.spec import PLATFORM_NAMES, CheckedRule
from platforms.registry import DECLARED, KNOWN_PLATFORMS, PACKAGES, adapter_class
from platforms.versions import SEED, pinned_label

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(params=KNOWN_PLATFORMS)
def info(request: pytest.FixtureRequest) -> PlatformInfo:
    return DECLARED[request.param]


def _adapter(info: PlatformInfo) -> PlatformAdapter:
    cls = adapter_class(info.slug)
    return cls(PlatformAccount(platform=info.slug, metadata={}, credentials={}))


def test_each_package_declares_itself_under_its_own_name() -> None:
    assert [p.rsplit(".", 1)[1] for p in PACKAGES] == list(DECLARED)


def test_the_adapter_is_the_declared_one(info: PlatformInfo) -> None:
    cls = adapter_class(info.slug)
    assert issubclass(cls, PlatformAdapter) and cls.platform is info
    assert (cls.slug, cls.display_name, cls.version) == (
        info.slug,
        info.name,
        info.label,
    )
    assert cls.connect_kind in ("oauth", "credentials")
    if cls.connect_kind == "credentials":
        assert cls.credential_fields, "a credentials platform asks for its fields"
    else:
        assert issubclass(cls, OAuthConnect)


def test_preflight_is_pure_and_an_empty_draft_breaks_a_rule(
    info: PlatformInfo, django_assert_num_queries
) -> None:
    with django_assert_num_queries(0):  # no database: not in __init__, not in preflight
        adapter = _adapter(info)
        violations = adapter.preflight(Draft(text="", idempotency_token="t"))
    if info.preflight:
        assert violations, "an empty draft must break at least one rule"
    assert all(v.rule == v.rule.lower() and "." in v.rule for v in violations)


def test_the_preflight_catalog_holds_the_platform_rules(info: PlatformInfo) -> None:
    cls = adapter_class(info.slug)
    if not info.preflight:
        assert info.slug not in catalog.MODULES and info.slug not in PLATFORM_NAMES
        return
    assert catalog.MODULES[info.slug] == f"platforms.{info.slug}.preflight"
    assert PLATFORM_NAMES[info.slug] == info.name
    specs = catalog.specs_for(info.slug)
    assert specs and all(spec.platform == info.slug for spec in specs)
    assert cls.rules == catalog.rules_for(info.slug)
    assert cls.deep_rules == catalog.deep_rules_for(info.slug)
    checked = {
        r.spec.id for r in (*cls.rules, *cls.deep_rules) if isinstance(r, CheckedRule)
    }
    assert checked <= {spec.id for spec in specs} | {
        spec.id for spec in catalog.specs_for("cross")
    }


def test_the_docs_page_exists(info: PlatformInfo) -> None:
    if info.docs_page is None:
        return
    page = (ROOT / info.docs_page).read_text()
    assert info.name in page or info.slug in page.lower()


def test_every_docs_page_belongs_to_a_declared_platform() -> None:
    pages = {p.stem for p in (ROOT / "docs" / "platforms").glob("*.md")}
    assert pages == {s for s, i in DECLARED.items() if i.docs}


def test_the_version_pin_is_seeded_and_read_one_way(info: PlatformInfo) -> None:
    assert SEED[info.slug] == (info.pin, info.label)
    # The row exists after `migrate` (seed_missing_versions) with the declared pin.
    row = PlatformVersion.objects.get(platform=info.slug)
    assert (row.current_pin, row.label) == (info.pin, info.label)
    row.label = f"{info.label}-next"
    row.save()
    assert pinned_label(info.slug) == _adapter(info).platform_version == row.label
    row.delete()
    assert _adapter(info).platform_version == info.label


def test_oauth_provider_data_matches_the_declaration(info: PlatformInfo) -> None:
    cls = adapter_class(info.slug)
    provider = getattr(cls, "oauth_provider", None)
    assert (provider is not None) == info.oauth_client
    assert (info.slug in settings.OAUTH_CLIENTS) == info.oauth_client
    if provider is None:
        return
    assert cls.connect_kind == "oauth"
    for url in (provider.authorize_url, provider.token_url, provider.revoke_url):
        assert not url or url.startswith("https://"), url
    assert provider.authorize_url and provider.token_url


SDK_ENUMS = {
    "clients/typescript/src/types.ts": r"export type Platform =(.*?);",
    "clients/python/src/letmepost/types.py": r"\nPlatform = Literal\[(.*?)\]",
    "clients/go/types.go": r"\nconst \(\n\tPlatformBluesky(.*?)\n\)",
}


@pytest.mark.parametrize("path", SDK_ENUMS)
def test_each_sdk_names_every_platform(path: str) -> None:
    match = re.search(SDK_ENUMS[path], (ROOT / path).read_text(), re.DOTALL)
    assert match, f"{path} lost its platform list"
    listed = set(re.findall(r'"([a-z_]+)"', match.group(0)))
    assert listed == set(KNOWN_PLATFORMS)

"""`<slug>.thread.unsupported`: a platform with neither replies nor comments refuses a thread or a
first comment before anything is sent, and exactly those platforms declare the rule."""

from __future__ import annotations

import pytest

from platforms.preflight import catalog
from platforms.preflight.spec import SHAPE
from platforms.registry import DECLARED, adapter_class
from tests.preflight.support import draft, image, video

# Pinterest and TikTok need media to pass their other rules; only this rule is looked at.
NO_THREADS = {
    "pinterest": (image(url="https://cdn.example.com/a.png"),),
    "tiktok": (video(),),
    "google_business": (),
    "devto": (),
    "tumblr": (),
}


def thread_violations(slug: str, **fields):
    rule = f"{slug}.thread.unsupported"
    found = catalog.shape_preflight(slug, draft(media=NO_THREADS[slug], **fields))
    return [v for v in found if v.rule == rule]


@pytest.mark.parametrize("slug", sorted(NO_THREADS))
def test_a_lone_post_passes(slug: str) -> None:
    assert thread_violations(slug) == []
    assert thread_violations(slug, first_comment=" \n ") == []  # blank: no comment


@pytest.mark.parametrize("slug", sorted(NO_THREADS))
def test_thread_items_are_refused_and_counted(slug: str) -> None:
    (violation,) = thread_violations(slug, thread_length=2)
    assert violation.field == "thread"
    assert violation.severity == "error"
    assert "2 thread items" in violation.message
    assert DECLARED[slug].name in violation.message


@pytest.mark.parametrize("slug", sorted(NO_THREADS))
def test_a_first_comment_is_refused_whether_or_not_the_engine_counted_it(
    slug: str,
) -> None:
    for counted in (0, 1):  # a draft from outside the engine carries no count
        (violation,) = thread_violations(
            slug, first_comment="more below", thread_length=counted
        )
        assert violation.field == "firstComment"
        assert "a first comment" in violation.message
        assert "thread item" not in violation.message


@pytest.mark.parametrize("slug", sorted(NO_THREADS))
def test_items_and_a_first_comment_are_named_together(slug: str) -> None:
    (violation,) = thread_violations(slug, first_comment="more", thread_length=2)
    assert "1 thread item and a first comment" in violation.message
    assert violation.field == "thread"


def test_the_rule_is_a_documented_shape_rule() -> None:
    for slug in NO_THREADS:
        spec = catalog.get_spec(f"{slug}.thread.unsupported")
        assert spec is not None and spec.stage == SHAPE
        assert spec.source_url.startswith("https://") and spec.notes
        assert "firstComment" in spec.remediation


@pytest.mark.parametrize(
    "slug", sorted(s for s, info in DECLARED.items() if info.preflight)
)
def test_exactly_the_platforms_without_replies_or_comments_declare_the_rule(
    slug: str,
) -> None:
    declares = catalog.get_spec(f"{slug}.thread.unsupported") is not None
    assert declares == (adapter_class(slug).thread_style is None), slug

"""`import_postiz` maps Postiz's `gmb` channels and GmbSettingsDto onto google_business targets,
and `linkedin-page` onto linkedin_page (Postiz's fake from tests/postiz/test_import.py)."""

from __future__ import annotations

import json

from platforms.models import PlatformAccount
from postiz import mapping
from postiz.models import PostizPost
from tests.postiz.test_import import (  # the fake Postiz public API and its payloads
    FakePostiz,
    integration,
    postiz,
    remote_post,
    run,
)

__all__ = ["postiz"]


def test_the_identifiers_map_both_ways() -> None:
    assert mapping.platform_for("gmb") == "google_business"
    assert mapping.platform_for("linkedin-page") == "linkedin_page"
    assert mapping.identifier("google_business") == "gmb"
    assert mapping.identifier("linkedin_page") == "linkedin-page"


def test_a_gmb_event_post_becomes_a_google_business_target(
    postiz: FakePostiz, location: PlatformAccount
) -> None:
    settings = {
        "__type": "gmb",
        "topicType": "EVENT",
        "callToActionType": "BOOK",
        "callToActionUrl": "https://example.com/book",
        "eventTitle": "Scone tasting",
        "eventStartDate": "2026-12-20T00:00:00.000Z",
        "eventStartTime": "18:00",
        "eventEndDate": "2026-12-20",
        "eventEndTime": "21:30",
    }
    postiz.integrations = [
        {**integration("int-1", "gmb", ""), "name": "Analytical Engines Café"}
    ]
    postiz.posts = [remote_post("p1", "int-1", "gmb", settings=json.dumps(settings))]
    output = run()
    target = PostizPost.objects.get(source_id="p1").target
    assert target.account_id == location.pk, output
    assert target.options == {
        "topic_type": "EVENT",
        "cta_type": "BOOK",
        "cta_url": "https://example.com/book",
        "event_title": "Scone tasting",
        "event_start": "2026-12-20T18:00",
        "event_end": "2026-12-20T21:30",
    }

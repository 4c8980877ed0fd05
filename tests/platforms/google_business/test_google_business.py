"""Google Business Profile at the HTTP boundary: connecting locations, local posts (standard,
event, offer, call to action, one photo), errors, reconciliation, and the rules."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from letmepost.errors import (
    PlatformAuthFailed,
    PlatformRateLimited,
    PlatformRejected,
    PublishOutcomeUnknown,
)
from letmepost.ids import uuid7
from platforms.base import Draft, MediaItem, ReconcileUnsupported
from platforms.google_business.adapter import GoogleBusinessAdapter
from platforms.models import PlatformAccount
from platforms.oauth import TokenSet
from platforms.preflight import catalog
from tests.conftest import Persona, post_json
from tests.dashboard.conftest import signed_in
from tests.platforms.google_business.conftest import (
    ACCOUNTS,
    LOCATION,
    LOCATIONS,
    POSTS,
    TOKEN_URL,
    payload,
)
from tests.platforms.linkedin.conftest import sent_json

CONNECT = "/v1/accounts/connect/google_business"
CALLBACK = "/v1/accounts/oauth/google_business/callback"


class Since:
    """A draft's history: first sent at `at`."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def first_attempt_at(self) -> datetime | None:
        return self.at

    def counted_publishes(self, since: datetime) -> tuple[int, datetime | None]:
        return 0, None


def draft(text: str = "Fresh scones today", **kwargs) -> Draft:
    return Draft(text=text, idempotency_token=str(uuid7()), **kwargs)


def rules(d: Draft) -> list[str]:
    return [v.rule for v in catalog.shape_preflight("google_business", d)]


def test_connecting_lists_accounts_then_locations(owner: Persona, upstream) -> None:
    response = post_json(owner.client, CONNECT, {})
    descriptor = response.json()["descriptor"]
    assert descriptor["scopes"] == ["https://www.googleapis.com/auth/business.manage"]
    query = parse_qs(urlsplit(descriptor["authorizationUrl"]).query)
    assert query["access_type"] == ["offline"] and query["code_challenge_method"] == [
        "S256"
    ]
    upstream.post(
        TOKEN_URL,
        json={
            "access_token": "g-access",
            "refresh_token": "g-refresh",
            "expires_in": 3599,
        },
    )
    upstream.get(ACCOUNTS, json=payload("accounts"))
    upstream.get(LOCATIONS, json=payload("locations"))
    back = owner.client.get(CALLBACK, {"code": "c", "state": descriptor["state"]})
    assert "connected=google_business" in back["Location"]
    assert parse_qs(urlsplit(upstream.calls[2].request.url).query)["readMask"] == [
        "name,title,storefrontAddress"
    ]
    account = PlatformAccount.objects.get()
    assert (account.external_id, account.display_name) == (
        LOCATION,
        "Analytical Engines Café",
    )
    assert account.credentials["refreshToken"] == "g-refresh"


def test_a_google_account_without_locations_is_refused(db, upstream) -> None:
    upstream.get(ACCOUNTS, json=payload("accounts"))
    upstream.get(LOCATIONS, json={})
    with pytest.raises(PlatformRejected) as caught:
        GoogleBusinessAdapter.connect_with_token(TokenSet(access_token="t"), {})
    assert caught.value.fields["rule"] == "google_business.locations.none"


def test_a_standard_post_with_a_call_to_action(location, upstream) -> None:
    upstream.post(POSTS, json=payload("local_post"))
    options = {"cta_type": "LEARN_MORE", "cta_url": "https://example.com/menu"}
    result = GoogleBusinessAdapter(location).publish(draft(options=options))
    assert sent_json(upstream.calls[0]) == {
        "topicType": "STANDARD",
        "summary": "Fresh scones today",
        "callToAction": {"actionType": "LEARN_MORE", "url": "https://example.com/menu"},
    }
    assert upstream.calls[0].request.headers["Authorization"] == "Bearer g-access"
    assert result.cid == payload("local_post")["name"]
    assert result.uri == payload("local_post")["searchUrl"]


def test_an_offer_with_its_schedule_and_a_photo(location, upstream) -> None:
    upstream.post(POSTS, json={**payload("local_post"), "topicType": "OFFER"})
    options = {
        "topic_type": "OFFER",
        "event_title": "Winter sale",
        "event_start": "2026-12-20T09:00",
        "event_end": "2026-12-24",
        "coupon_code": "SCONES",
        "terms_conditions": "One per customer.",
    }
    photo = MediaItem(kind="image", url="https://cdn.example.com/scones.jpg")
    GoogleBusinessAdapter(location).publish(draft(options=options, media=(photo,)))
    body = sent_json(upstream.calls[0])
    assert body["event"] == {
        "title": "Winter sale",
        "schedule": {
            "startDate": {"year": 2026, "month": 12, "day": 20},
            "startTime": {"hours": 9, "minutes": 0},
            "endDate": {"year": 2026, "month": 12, "day": 24},
            "endTime": {"hours": 0, "minutes": 0},
        },
    }
    assert body["offer"] == {
        "couponCode": "SCONES",
        "termsConditions": "One per customer.",
    }
    assert body["media"] == [
        {"mediaFormat": "PHOTO", "sourceUrl": "https://cdn.example.com/scones.jpg"}
    ]


def test_a_call_button_carries_no_url(location, upstream) -> None:
    upstream.post(POSTS, json=payload("local_post"))
    GoogleBusinessAdapter(location).publish(draft(options={"cta_type": "CALL"}))
    assert sent_json(upstream.calls[0])["callToAction"] == {"actionType": "CALL"}


@pytest.mark.parametrize(
    ("status", "name", "raised"),
    [
        (400, "error_400", PlatformRejected),
        (500, "error_400", PublishOutcomeUnknown),
    ],
)
def test_errors_map_to_the_catalog(location, upstream, status, name, raised) -> None:
    upstream.post(POSTS, status=status, json=payload(name))
    with pytest.raises(raised) as caught:
        GoogleBusinessAdapter(location).publish(draft())
    assert caught.value.fields["platform"] == "google_business"
    assert caught.value.fields["platform_version"] == "mybusiness-v4.9"


def test_a_revoked_token_flags_the_account(location, upstream) -> None:
    upstream.post(POSTS, status=401, json=payload("error_401"))
    with pytest.raises(PlatformAuthFailed):
        GoogleBusinessAdapter(location).publish(draft())
    location.refresh_from_db()
    assert location.status == PlatformAccount.Status.NEEDS_REAUTH


def test_quota_answers_carry_retry_after(location, upstream) -> None:
    upstream.post(
        POSTS, status=429, json=payload("error_429"), headers={"Retry-After": "30"}
    )
    with pytest.raises(PlatformRateLimited) as caught:
        GoogleBusinessAdapter(location).publish(draft())
    assert caught.value.retry_after == 30


def test_reconcile_finds_our_post_since_the_first_attempt(location, upstream) -> None:
    older = {**payload("local_post"), "name": f"{LOCATION}/localPosts/1"}
    older["createTime"] = "2026-12-01T10:00:00Z"
    upstream.get(POSTS, json={"localPosts": [payload("local_post"), older]})
    history = Since(datetime(2026, 12, 7, 9, 59, tzinfo=UTC))
    found = GoogleBusinessAdapter(location).reconcile(draft(history=history))
    assert found is not None and found.cid == payload("local_post")["name"]
    assert parse_qs(urlsplit(upstream.calls[0].request.url).query) == {
        "pageSize": ["100"]
    }


def test_reconcile_says_absent_or_cannot_tell(location, upstream) -> None:
    upstream.get(POSTS, json={"localPosts": []})
    upstream.get(POSTS, json={"localPosts": [], "nextPageToken": "more"})
    adapter = GoogleBusinessAdapter(location)
    assert adapter.reconcile(draft()) is None
    with pytest.raises(ReconcileUnsupported):
        adapter.reconcile(draft())


def test_rules_for_summary_cta_event_offer_media_and_threads() -> None:
    assert rules(draft("x" * 1500)) == []
    assert rules(draft("x" * 1501)) == ["google_business.summary.max_chars"]
    assert rules(draft(options={"cta_type": "GET_OFFER"})) == [
        "google_business.cta.type_enum",
        "google_business.cta.url_required",
    ]
    assert rules(draft(options={"cta_type": "BOOK"})) == [
        "google_business.cta.url_required"
    ]
    assert rules(draft(options={"cta_type": "CALL", "cta_url": "https://x.y"})) == [
        "google_business.cta.url_required"
    ]
    assert rules(draft(options={"topic_type": "EVENT", "event_title": "Gig"})) == [
        "google_business.event.required"
    ]
    backwards = {
        "topic_type": "EVENT",
        "event_title": "Gig",
        "event_start": "2026-12-20T20:00",
        "event_end": "2026-12-20T18:00",
    }
    assert rules(draft(options=backwards)) == ["google_business.event.dates_order"]
    assert rules(draft(options={"coupon_code": "X"})) == [
        "google_business.offer.offer_only"
    ]
    two = (MediaItem(kind="image", url="https://a/1.jpg"), MediaItem(kind="video"))
    assert rules(draft(media=two)) == [
        "google_business.media.max_items",
        "google_business.media.photo_only",
    ]
    assert rules(draft(first_comment="more")) == ["google_business.thread.unsupported"]


def test_the_dashboard_tile_sends_the_browser_to_google(owner: Persona) -> None:
    response = signed_in(owner.user).post(
        reverse("platforms:connect", args=["google_business"]),
        {"google_business-profile": str(owner.profile.pk)},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(
        "https://accounts.google.com/o/oauth2/v2/auth?"
    )


def test_a_post_google_rejects_on_creation_is_final(location, upstream) -> None:
    upstream.post(POSTS, json={**payload("local_post"), "state": "REJECTED"})
    with pytest.raises(PlatformRejected) as caught:
        GoogleBusinessAdapter(location).publish(draft())
    assert caught.value.fields["rule"] == "google_business.post.rejected"
    assert caught.value.fields["platform_response"]["state"] == "REJECTED"

"""Posting queues over the API: `/v1/profiles/{id}/queue`, `scheduledAt: "next_slot"`, `/v1/queue`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ApiKey
from accounts.services import create_profile
from posts.models import PostTarget
from tests.conftest import Persona, api_client, connect_sandbox, error_of, post_json

WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def put_queue(client: Client, profile_id: object, body: dict) -> object:
    return client.put(
        f"/v1/profiles/{profile_id}/queue", data=body, content_type="application/json"
    )


def daily(*times: str) -> list[dict[str, str]]:
    return [{"weekday": day, "time": t} for day in WEEK for t in times]


def utc_daily_slots(*times: str, after: datetime, count: int) -> list[datetime]:
    """The next `count` instants of UTC daily slots after `after` (the test's own reckoning)."""
    found: list[datetime] = []
    day = after.date()
    while len(found) < count:
        for t in sorted(times):
            hour, minute = map(int, t.split(":"))
            at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
            if at > after and len(found) < count:
                found.append(at)
        day += timedelta(days=1)
    return found


def account_with_queue(owner: Persona, *times: str, zone: str = "UTC") -> Any:
    """A sandbox account in the owner's default profile, whose queue has `times` every day."""
    response = put_queue(
        owner.client, owner.profile.pk, {"timezone": zone, "slots": daily(*times)}
    )
    assert response.status_code == 200, response.json()
    return connect_sandbox(owner, "q")


def create(client: Client, *account_ids: object, **fields: object) -> Any:
    targets = [{"accountId": str(a)} for a in account_ids]
    return post_json(client, "/v1/posts", {"targets": targets, "text": "q", **fields})


def queue_post(client: Client, account_id: object, **extra: object) -> Any:
    return create(client, account_id, scheduledAt="next_slot", **extra)


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_a_profile_without_a_queue_has_no_slots_in_utc(owner: Persona) -> None:
    response = owner.client.get(f"/v1/profiles/{owner.profile.pk}/queue")
    assert response.status_code == 200
    assert response.json() == {"timezone": "UTC", "slots": []}


def test_put_stores_the_queue_sorted_and_get_returns_it(owner: Persona) -> None:
    sent = [("friday", "18:30"), ("monday", "09:00"), ("friday", "08:05")]
    slots = [{"weekday": day, "time": at} for day, at in sent]
    body = {"timezone": "Europe/Berlin", "slots": slots}
    response = put_queue(owner.client, owner.profile.pk, body)
    assert response.status_code == 200, response.json()
    expected = {"timezone": "Europe/Berlin", "slots": [slots[1], slots[2], slots[0]]}
    assert response.json() == expected
    assert owner.client.get(f"/v1/profiles/{owner.profile.pk}/queue").json() == expected


def test_weekdays_may_be_numbers_from_monday_and_come_back_named(
    owner: Persona,
) -> None:
    slots = [{"weekday": 0, "time": "09:00"}, {"weekday": 6, "time": "10:00"}]
    response = put_queue(
        owner.client, owner.profile.pk, {"timezone": "UTC", "slots": slots}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["slots"] == [
        {"weekday": "monday", "time": "09:00"},
        {"weekday": "sunday", "time": "10:00"},
    ]


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ({"timezone": "Mars/Olympus", "slots": []}, "queue.timezone.unknown"),
        (
            {"timezone": "UTC", "slots": [{"weekday": "funday", "time": "09:00"}]},
            "queue.slots.weekday",
        ),
        (
            {"timezone": "UTC", "slots": [{"weekday": "monday", "time": "25:00"}]},
            "queue.slots.time",
        ),
        (
            {"timezone": "UTC", "slots": [{"weekday": "monday", "time": "09:00"}] * 2},
            "queue.slots.duplicate",
        ),
        ({"timezone": "UTC"}, "slots"),
        (
            {"timezone": "UTC", "slots": [{"weekday": 7, "time": "09:00"}]},
            "queue.slots.weekday",
        ),
        (
            {"timezone": "UTC", "slots": [{"weekday": True, "time": "09:00"}]},
            "queue.slots.weekday",
        ),
    ],
)
def test_a_bad_queue_is_refused_with_a_rule_and_nothing_changes(
    owner: Persona, body: dict, rule: str
) -> None:
    put_queue(
        owner.client, owner.profile.pk, {"timezone": "UTC", "slots": daily("09:00")}
    )
    response = put_queue(owner.client, owner.profile.pk, body)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_failed" and error["rule"] == rule
    kept = owner.client.get(f"/v1/profiles/{owner.profile.pk}/queue").json()
    assert len(kept["slots"]) == 7


def test_another_workspaces_profile_queue_is_not_found(
    owner: Persona, outsider: Persona
) -> None:
    path = f"/v1/profiles/{outsider.profile.pk}/queue"
    assert error_of(owner.client.get(path))["code"] == "not_found"
    response = put_queue(
        owner.client, outsider.profile.pk, {"timezone": "UTC", "slots": []}
    )
    assert response.status_code == 404
    listing = owner.client.get(f"/v1/queue?profileId={outsider.profile.pk}")
    assert listing.status_code == 404


def test_a_profile_scoped_key_sees_only_its_own_profiles_queue(
    owner: Persona, key_factory
) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand")
    scoped = api_client(key_factory(profile=brand))
    assert scoped.get(f"/v1/profiles/{owner.profile.pk}/queue").status_code == 404
    assert (
        put_queue(
            scoped, brand.pk, {"timezone": "UTC", "slots": daily("10:00")}
        ).status_code
        == 200
    )
    listing = scoped.get("/v1/queue")  # the key's profile by default
    assert listing.status_code == 200 and listing.json()["profileId"] == str(brand.pk)


def test_next_slot_takes_successive_free_slots(owner: Persona) -> None:
    account = account_with_queue(owner, "06:00", "18:00")
    before = timezone.now()
    first = queue_post(owner.client, account.pk)
    second = queue_post(owner.client, account.pk)
    assert first.status_code == second.status_code == 202
    taken = [parse(r.json()["scheduledAt"]) for r in (first, second)]
    assert taken == utc_daily_slots("06:00", "18:00", after=before, count=2)
    [target] = PostTarget.objects.filter(post_id=first.json()["id"])
    assert target.status == "queued" and target.due_at == taken[0]


def test_a_post_scheduled_by_hand_at_a_slot_holds_it(owner: Persona) -> None:
    account = account_with_queue(owner, "12:00")
    upcoming = utc_daily_slots("12:00", after=timezone.now(), count=2)
    at = upcoming[0].isoformat().replace("+00:00", "Z")
    by_hand = create(owner.client, account.pk, scheduledAt=at)
    assert by_hand.status_code == 202
    assert (
        parse(queue_post(owner.client, account.pk).json()["scheduledAt"]) == upcoming[1]
    )


def test_canceling_a_post_frees_its_slot(owner: Persona) -> None:
    account = account_with_queue(owner, "07:15")
    created = queue_post(owner.client, account.pk).json()
    slot = created["scheduledAt"]
    post_id = created["results"][0]["postId"]
    assert owner.client.delete(f"/v1/posts/{post_id}").json()["status"] == "canceled"
    assert queue_post(owner.client, account.pk).json()["scheduledAt"] == slot


def test_next_slot_without_a_queue_is_refused_with_a_remediation(
    owner: Persona,
) -> None:
    account = connect_sandbox(owner, "q")
    response = queue_post(owner.client, account.pk)
    assert response.status_code == 400
    error = error_of(response)
    assert error["rule"] == "queue.empty"
    assert f"/v1/profiles/{owner.profile.pk}/queue" in error["remediation"]
    assert not PostTarget.objects.exists()


def test_next_slot_with_publish_now_or_as_a_draft_is_a_mode_conflict(
    owner: Persona,
) -> None:
    account = account_with_queue(owner, "07:15")
    now = queue_post(owner.client, account.pk, publishNow=True)
    assert error_of(now)["rule"] == "mode_conflict"
    draft = queue_post(owner.client, account.pk, draft=True)
    assert error_of(draft)["rule"] == "draft.mode_conflict"
    assert not PostTarget.objects.exists()


def test_next_slot_for_targets_in_two_profiles_is_refused(owner: Persona) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand")
    here, there = connect_sandbox(owner, "here"), connect_sandbox(owner, "there", brand)
    response = create(owner.client, here.pk, there.pk, scheduledAt="next_slot")
    assert error_of(response)["rule"] == "queue.profile_ambiguous"


def test_a_scheduled_at_that_is_neither_a_time_nor_next_slot_is_refused(
    owner: Persona,
) -> None:
    account = connect_sandbox(owner, "q")
    response = create(owner.client, account.pk, scheduledAt="next")
    assert error_of(response)["rule"] == "scheduledAt"


def test_the_queue_lists_upcoming_slots_and_the_posts_holding_them(
    owner: Persona,
) -> None:
    account = account_with_queue(owner, "08:00", "20:00")
    before = timezone.now()
    post_id = queue_post(owner.client, account.pk).json()["results"][0]["postId"]
    response = owner.client.get(f"/v1/queue?profileId={owner.profile.pk}&days=3")
    assert response.status_code == 200
    body = response.json()
    assert body["profileId"] == str(owner.profile.pk) and body["timezone"] == "UTC"
    expected = utc_daily_slots("08:00", "20:00", after=before, count=6)
    assert [parse(e["at"]) for e in body["data"]] == expected
    first, *rest = body["data"]
    assert first["posts"] == [{"id": post_id, "status": "queued"}]
    assert first["time"] in ("08:00", "20:00") and first["weekday"] in WEEK
    assert all(e["posts"] == [] for e in rest)
    limited = owner.client.get(f"/v1/queue?profileId={owner.profile.pk}&limit=2").json()
    assert len(limited["data"]) == 2


@pytest.mark.parametrize(
    ("query", "rule"),
    [
        ("&days=0", "days"),
        ("&limit=x", "limit"),
        ("&colour=red", "query.unknown"),
    ],
)
def test_a_bad_queue_listing_query_is_refused(
    owner: Persona, query: str, rule: str
) -> None:
    response = owner.client.get(f"/v1/queue?profileId={owner.profile.pk}{query}")
    assert error_of(response)["rule"] == rule


def test_without_profile_id_the_queue_is_the_default_profiles(owner: Persona) -> None:
    account = account_with_queue(owner, "11:11")
    queue_post(owner.client, account.pk)
    body = owner.client.get("/v1/queue?days=2").json()
    assert body["profileId"] == str(owner.profile.pk)
    assert [len(e["posts"]) for e in body["data"]] == [1, 0]


def test_test_mode_posts_do_not_hold_live_slots(owner: Persona, key_factory) -> None:
    account = account_with_queue(owner, "09:45")
    test_client = api_client(key_factory(prefix=ApiKey.Prefix.TEST))
    in_test = queue_post(test_client, account.pk)
    live = queue_post(owner.client, account.pk)
    assert in_test.status_code == live.status_code == 202
    assert in_test.json()["scheduledAt"] == live.json()["scheduledAt"]


def test_postiz_find_slot_answers_from_the_profiles_queue(owner: Persona) -> None:
    account = connect_sandbox(owner, "q")
    # 09:00 in Tokyo (+09:00, no DST) is 00:00 UTC; Postiz answers UTC wall time, no offset.
    put_queue(
        owner.client,
        owner.profile.pk,
        {"timezone": "Asia/Tokyo", "slots": daily("09:00")},
    )
    postiz = Client(HTTP_AUTHORIZATION=owner.key)
    upcoming = utc_daily_slots("00:00", after=timezone.now(), count=2)

    def find_slot() -> str:
        response = postiz.get(f"/public/v1/find-slot/{account.pk}")
        assert response.status_code == 200
        return response.json()["date"]

    assert find_slot() == upcoming[0].strftime("%Y-%m-%dT%H:%M:%S")
    queue_post(owner.client, account.pk)
    assert find_slot() == upcoming[1].strftime("%Y-%m-%dT%H:%M:%S")

"""`type: "draft"` and `PUT /posts/:id/status`, over posts' native draft state."""

from __future__ import annotations

import pytest
from django.test import Client

from platforms.models import PlatformAccount
from posts.models import PostTarget
from tests.conftest import Persona
from tests.postiz.conftest import create_body, iso, later, send

pytestmark = pytest.mark.django_db


def draft(pz: Client, account: PlatformAccount, **kwargs) -> PostTarget:
    response = send(
        pz,
        "POST",
        "/public/v1/posts",
        create_body(str(account.pk), type="draft", **kwargs),
    )
    assert response.status_code == 201, response.content
    return PostTarget.objects.get(pk=response.json()[0]["postId"])


def status(pz: Client, target: PostTarget, wanted: str):
    return send(pz, "PUT", f"/public/v1/posts/{target.pk}/status", {"status": wanted})


def test_a_draft_is_stored_not_dispatched_with_its_planned_date(
    owner: Persona, pz: Client, account: PlatformAccount
) -> None:
    when = later(days=1).replace(microsecond=0)
    target = draft(pz, account, date=when)
    assert (target.status, target.scheduled_at) == ("draft", when)
    [listed] = pz.get(
        "/public/v1/posts", {"startDate": iso(later()), "endDate": iso(later(days=2))}
    ).json()["posts"]
    assert (listed["id"], listed["state"]) == (str(target.pk), "DRAFT")
    assert owner.client.get(f"/v1/posts/{target.pk}").json()["status"] == "draft"


def test_a_draft_skips_length_checks_until_it_is_scheduled(
    pz: Client, account: PlatformAccount
) -> None:
    response = send(
        pz,
        "POST",
        "/public/v1/posts",
        create_body(str(account.pk), {"content": "x" * 501, "image": []}, type="draft"),
    )
    assert response.status_code == 201, response.content
    target = PostTarget.objects.get(pk=response.json()[0]["postId"])
    assert target.status == "draft"

    refused = status(pz, target, "schedule")
    assert refused.status_code == 400
    assert (refused.json()["provider"], refused.json()["rule"]) == (
        "sandbox",
        "sandbox.text.max_graphemes",
    )
    target.refresh_from_db()
    assert target.status == "draft"


def test_scheduling_a_draft_queues_it_at_its_planned_time(
    pz: Client, account: PlatformAccount
) -> None:
    when = later(days=1).replace(microsecond=0)
    target = draft(pz, account, date=when)
    response = status(pz, target, "schedule")
    assert response.json() == {"id": str(target.pk), "state": "QUEUE"}
    target.refresh_from_db()
    assert (target.status, target.scheduled_at) == ("queued", when)


def test_scheduling_a_draft_whose_time_passed_publishes_it(
    pz: Client, account: PlatformAccount
) -> None:
    target = draft(pz, account, date=later(hours=-1))
    assert status(pz, target, "schedule").json()["state"] == "QUEUE"
    target.refresh_from_db()
    assert target.status == "published"


def test_a_queued_post_goes_back_to_draft_and_can_be_scheduled_again(
    pz: Client, account: PlatformAccount, owner: Persona
) -> None:
    when = later(hours=3).replace(microsecond=0)
    response = send(
        pz, "POST", "/public/v1/posts", create_body(str(account.pk), date=when)
    )
    target = PostTarget.objects.get(pk=response.json()[0]["postId"])
    assert status(pz, target, "schedule").json()["state"] == "QUEUE"

    response = status(pz, target, "draft")
    assert response.status_code == 200, response.content
    assert response.json() == {"id": str(target.pk), "state": "DRAFT"}
    target.refresh_from_db()
    assert (target.status, target.scheduled_at) == (
        "draft",
        when,
    )  # its planned time kept
    assert owner.client.get(f"/v1/posts/{target.pk}").json()["status"] == "draft"
    assert status(pz, target, "draft").json()["state"] == "DRAFT"  # already one

    assert status(pz, target, "schedule").json()["state"] == "QUEUE"
    target.refresh_from_db()
    assert (target.status, target.scheduled_at) == ("queued", when)


def test_a_post_out_of_the_queue_cannot_go_back_to_draft(
    pz: Client, account: PlatformAccount
) -> None:
    target = draft(pz, account, date=later(hours=-1))
    assert status(pz, target, "schedule").json()["state"] == "QUEUE"
    target.refresh_from_db()
    assert target.status == "published"
    refused = status(pz, target, "draft")
    assert refused.status_code == 400
    assert refused.json()["rule"] == "post.status"
    assert "PUBLISHED" in refused.json()["message"]


def test_deleting_a_draft_removes_it(pz: Client, account: PlatformAccount) -> None:
    target = draft(pz, account)
    assert pz.delete(f"/public/v1/posts/{target.pk}").status_code == 200
    assert not PostTarget.objects.filter(pk=target.pk).exists()


def test_settings_of_a_draft_can_change(pz: Client, account: PlatformAccount) -> None:
    target = draft(pz, account, date=later(hours=-2))
    response = send(
        pz, "PUT", f"/public/v1/posts/{target.pk}/settings", {"settings": {"a": 1}}
    )
    assert response.status_code == 200, response.content

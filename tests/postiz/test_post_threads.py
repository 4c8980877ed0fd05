"""Postiz `value[]` items (#20): `value[0]` is the post, every further value a thread item after it,
as Postiz's providers chain them; published item by item by our engine."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from platforms.models import PlatformAccount
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget, ThreadItem
from tests.conftest import Persona
from tests.media.conftest import png_bytes
from tests.postiz.conftest import create_body, send

pytestmark = pytest.mark.django_db


def create(pz: Client, body: dict) -> PostTarget:
    response = send(pz, "POST", "/public/v1/posts", body)
    assert response.status_code == 201, response.content
    [item] = response.json()
    return PostTarget.objects.get(pk=item["postId"])


def publish_due() -> None:
    while claims := claim_due(ahead=0):
        for claim in claims:
            publish_claimed(claim)


def test_every_value_after_the_first_is_a_thread_item_in_order(
    owner: Persona, pz: Client, account: PlatformAccount
) -> None:
    body = create_body(
        str(account.pk),
        {"content": "<p>Release notes</p>", "image": []},
        {"content": "<p>1. <strong>Threads</strong></p>", "image": [], "delay": 5},
        {"content": "<p>2. Queues</p>", "image": []},
    )
    target = create(pz, body)

    assert target.text == "Release notes"
    assert target.first_comment == ""
    assert [(i.kind, i.text) for i in target.replies.order_by("position")] == [
        (ThreadItem.Kind.ITEM, "1. Threads"),
        (ThreadItem.Kind.ITEM, "2. Queues"),
    ]
    native = owner.client.get(f"/v1/posts/{target.pk}").json()
    assert (native["thread"]["published"], native["thread"]["total"]) == (0, 3)


def test_a_thread_item_keeps_its_own_images(
    pz: Client, account: PlatformAccount
) -> None:
    upload = pz.post(
        "/public/v1/upload",
        {"file": SimpleUploadedFile("pic.png", png_bytes(), "image/png")},
    )
    assert upload.status_code == 201, upload.content
    media = upload.json()
    body = create_body(
        str(account.pk),
        {"content": "root", "image": []},
        {"content": "", "image": [{"id": "cli-random", "path": media["path"]}]},
    )
    target = create(pz, body)

    [item] = target.replies.all()
    assert item.text == ""
    assert [(m["mediaId"], m["kind"]) for m in item.media] == [(media["id"], "image")]
    assert target.media == []


def test_type_now_publishes_the_whole_chain(
    owner: Persona, pz: Client, account: PlatformAccount
) -> None:
    body = create_body(
        str(account.pk),
        *({"content": f"part {i}", "image": []} for i in range(4)),
        type="now",
    )
    target = create(pz, body)
    publish_due()

    target.refresh_from_db()
    assert target.status == PostTarget.Status.PUBLISHED
    thread = owner.client.get(f"/v1/posts/{target.pk}").json()["thread"]
    assert (thread["published"], thread["total"]) == (4, 4)
    assert thread["items"][2]["uri"] == f"sandbox://sandbox/{target.pk}.3"
    listed = send(
        pz,
        "GET",
        "/public/v1/posts?startDate=2000-01-01T00:00:00Z&endDate=2999-01-01T00:00:00Z",
    ).json()
    # Postiz lists the main posts only, never their thread items.
    assert [p["id"] for p in listed["posts"]] == [str(target.pk)]


def test_an_empty_thread_value_is_refused_as_postiz_refuses_it(
    pz: Client, account: PlatformAccount
) -> None:
    body = create_body(
        str(account.pk),
        {"content": "root", "image": []},
        {"content": "<p></p>", "image": []},
    )
    response = send(pz, "POST", "/public/v1/posts", body)

    assert response.status_code == 400
    error = response.json()
    assert (error["statusCode"], error["provider"]) == (400, "sandbox")
    assert (
        error["message"] == "Your post should have at least one character or one image."
    )
    assert not PostTarget.objects.exists()


def test_a_thread_item_over_the_limit_is_named_by_its_position(
    pz: Client, account: PlatformAccount
) -> None:
    body = create_body(
        str(account.pk),
        {"content": "root", "image": []},
        {"content": "fine", "image": []},
        {"content": "x" * 501, "image": []},  # the sandbox allows 500 graphemes
    )
    response = send(pz, "POST", "/public/v1/posts", body)

    assert response.status_code == 400, response.content
    assert "thread[1]" in response.json()["message"]
    assert not PostTarget.objects.exists()


def test_a_platform_without_replies_or_comments_refuses_the_follow_ups(
    owner: Persona, pz: Client
) -> None:
    pin = PlatformAccount.objects.create(
        workspace=owner.workspace,
        profile=owner.profile,
        platform="pinterest",
        external_id="pin-1",
        display_name="pins",
    )
    body = create_body(
        str(pin.pk),
        {"content": "root", "image": []},
        {"content": "more", "image": []},
    )
    body["posts"][0]["settings"] = {"board": "123"}
    response = send(pz, "POST", "/public/v1/posts", body)

    assert response.status_code == 400, response.content
    assert response.json()["provider"] == "pinterest"
    assert "pinterest.thread.unsupported" in response.content.decode()

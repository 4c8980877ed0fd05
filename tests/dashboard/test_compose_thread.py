"""Compose's thread composer (#20, #21): items, autoThread, each item's live check named as the API
names it, drafts, the queue, and the detail page's progress."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from platforms.models import PlatformAccount
from posts.models import PostTarget, ThreadItem
from posts.queues import set_queue
from tests.conftest import Persona

HTMX = {"HTTP_HX_REQUEST": "true"}


def compose(client: Client, **data: object):
    return client.post(reverse("posts:compose"), data)


def preflight(client: Client, **data: object) -> str:
    response = client.post(reverse("posts:preflight"), data, **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def item_block(html: str, index: int) -> str:
    """The check area of item field `index` (swapped out of band, or in the page)."""
    match = re.search(
        rf'<div class="thread-check" id="thread-check-{index}"[^>]*>(.*?)</div>\s*(?=<div class="thread-check"|$|</li>)',
        html,
        re.S,
    )
    assert match, f"no thread-check-{index} in the answer"
    return match.group(0)


def test_the_page_without_javascript_offers_spare_item_fields(
    owner_client: Client, sandbox
) -> None:
    html = owner_client.get(reverse("posts:compose")).content.decode()
    assert (
        html.count('name="thread_text"') == 2 + 1
    )  # two spares, and the JS template's
    assert 'id="thread-text-0"' in html and 'id="thread-text-1"' in html
    assert "thread-composer.js" in html
    assert "<script>" not in html  # CSP: no inline script
    assert 'name="auto_thread"' in html
    assert "Add to thread" in html


def test_a_three_item_thread_publishes_in_order_and_the_detail_shows_progress(
    owner_client: Client, sandbox
) -> None:
    response = compose(
        owner_client,
        text="Release notes",
        thread_text=["1. Threads", "", "2. Queues", "3. The composer"],
        accounts=[str(sandbox.pk)],
        mode="now",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target = PostTarget.objects.get(text="Release notes")
    assert target.status == PostTarget.Status.PUBLISHED
    assert [(i.text, i.status) for i in target.replies.all()] == [
        ("1. Threads", "published"),
        ("2. Queues", "published"),
        ("3. The composer", "published"),
    ]

    page = owner_client.get(response["Location"]).content.decode()
    assert "<span data-thread-progress>4/4</span> published" in page
    for n in range(3):
        assert f'data-thread-item="{n}"' in page
        assert f"sandbox://sandbox/{target.pk}.{n + 1}" in page


def test_a_violation_is_shown_on_its_item_as_the_api_names_it(
    owner_client: Client, sandbox
) -> None:
    html = preflight(
        owner_client,
        text="root",
        thread_text=["fine", "x" * 501],
        accounts=[str(sandbox.pk)],
    )
    # The item areas come out of band, by place, beside the preflight section.
    assert 'id="thread-check-1" data-thread-check hx-swap-oob="true"' in html
    first, second = item_block(html, 0), item_block(html, 1)
    assert "4 / 500 graphemes" in first and "data-rule" not in first
    assert "501 / 500 graphemes" in second
    assert 'data-rule="sandbox.text.max_graphemes"' in second
    assert 'data-field="thread[1].text"' in second
    assert "<code>thread[1]</code>" in second
    assert "Then a thread of 2 posts." in html


def test_a_blank_item_field_is_left_out_and_keeps_its_place(
    owner_client: Client, sandbox
) -> None:
    html = preflight(
        owner_client,
        text="root",
        thread_text=["", "y" * 501],
        accounts=[str(sandbox.pk)],
    )
    assert "graphemes" not in item_block(html, 0)
    # The second field is the thread's first item: the API calls it thread[0].
    assert 'data-field="thread[0].text"' in item_block(html, 1)


def bluesky(owner: Persona) -> PlatformAccount:
    return PlatformAccount.objects.create(
        workspace=owner.workspace,
        profile=owner.profile,
        platform="bluesky",
        external_id="did:plc:alice",
        display_name="alice.bsky.social",
        metadata={"handle": "alice.bsky.social"},
    )


def test_auto_split_numbers_a_long_text_and_names_the_items_after_its_parts(
    owner: Persona, owner_client: Client
) -> None:
    sky = bluesky(owner)
    long = " ".join(f"Sentence {i} is here." for i in range(40))  # ~830 graphemes
    html = preflight(
        owner_client,
        text=long,
        auto_thread="on",
        thread_text=["after the parts"],
        accounts=[str(sky.pk)],
    )
    assert 'data-preflight="ok"' in html
    summary = re.search(r"Then a thread of (\d+) posts, (\d+) of them", html)
    assert summary, html
    total, split = int(summary[1]), int(summary[2])
    assert total == split + 1 and split >= 2
    # The item comes after autoThread's parts: the API names it by its place in the thread.
    assert f"<code>thread[{split}]</code>" in item_block(html, 0)
    assert "15 / 300 graphemes" in item_block(html, 0)

    response = compose(
        owner_client,
        intent="draft",
        text=long,
        auto_thread="on",
        thread_text=["after the parts"],
        accounts=[str(sky.pk)],
    )
    assert response.status_code == 302
    target = PostTarget.objects.get()
    texts = [i.text for i in target.replies.all()]
    assert len(texts) == total and texts[-1] == "after the parts"
    assert target.text.endswith(f" 1/{split + 1}")


def test_a_thread_on_a_platform_without_replies_is_refused_on_publish(
    owner: Persona, owner_client: Client
) -> None:
    pin = PlatformAccount.objects.create(
        workspace=owner.workspace,
        profile=owner.profile,
        platform="pinterest",
        external_id="pin-1",
        display_name="pins",
    )
    html = preflight(
        owner_client, text="root", thread_text=["more"], accounts=[str(pin.pk)]
    )
    assert 'data-rule="pinterest.thread.unsupported"' in html


def test_a_draft_keeps_its_thread_and_reopens_with_it(
    owner_client: Client, sandbox
) -> None:
    response = compose(
        owner_client,
        intent="draft",
        text="draft root",
        thread_text=["second", "", "third"],
        first_comment="a comment",
        accounts=[str(sandbox.pk)],
    )
    assert response.status_code == 302
    target = PostTarget.objects.get()
    assert [(i.kind, i.text) for i in target.replies.all()] == [
        (ThreadItem.Kind.ITEM, "second"),
        (ThreadItem.Kind.ITEM, "third"),
        (ThreadItem.Kind.COMMENT, "a comment"),
    ]
    page = owner_client.get(response["Location"]).content.decode()
    assert 'id="thread-text-0"' in page and ">second</textarea>" in page
    assert 'id="thread-text-1"' in page and ">third</textarea>" in page
    assert "a comment</textarea>" in page
    # Each item's check is shown as the page opens, as typing shows it.
    assert "6 / 500 graphemes" in item_block(page, 0)


def test_add_to_queue_takes_the_thread_along(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    set_queue(owner.profile, "UTC", [{"weekday": d, "time": "09:00"} for d in range(7)])
    response = compose(
        owner_client,
        text="queued root",
        thread_text=["queued reply"],
        accounts=[str(sandbox.pk)],
        mode="queue",
    )
    assert response.status_code == 302
    target = PostTarget.objects.get()
    assert target.status == PostTarget.Status.QUEUED
    assert [i.text for i in target.replies.all()] == ["queued reply"]
    page = owner_client.get(reverse("posts:detail", args=[target.pk])).content.decode()
    assert "<span data-thread-progress>0/2</span> published" in page
    assert "status-pending" in page


def test_more_than_25_items_are_refused_with_the_apis_limit(
    owner_client: Client, sandbox
) -> None:
    response = compose(
        owner_client,
        text="root",
        thread_text=[f"item {i}" for i in range(26)],
        accounts=[str(sandbox.pk)],
        mode="now",
    )
    assert response.status_code == 400
    assert "25" in response.content.decode().split('class="form-errors"', 1)[1][:400]
    assert not PostTarget.objects.exists()

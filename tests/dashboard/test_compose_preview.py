"""Compose previews: each platform's count, cut and links, read from its own text rules."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from platforms.base import Draft
from platforms.models import PlatformAccount
from platforms.preflight.text import grapheme_count
from posts.models import PostTarget
from posts.preview import preview
from posts.queues import set_queue
from tests.conftest import Persona

LINKED = "hi @alice.bsky.social, read https://example.com/a-very-long-path-indeed #news"


def account(platform: str, **metadata: object) -> PlatformAccount:
    return PlatformAccount(platform=platform, external_id="1", metadata=metadata)


def draft(text: str) -> Draft:
    return Draft(text=text, idempotency_token="preview")


def test_bluesky_counts_graphemes_and_bytes_and_links_facets() -> None:
    shown = preview(account("bluesky"), draft(LINKED + " 👍🏽"))
    assert [(c.count, c.limit, c.unit) for c in shown.counts] == [
        (grapheme_count(LINKED) + 2, 300, "graphemes"),
        (len((LINKED + " 👍🏽").encode()), 3000, "bytes"),
    ]
    assert [(p.text, p.kind) for p in shown.links] == [
        ("@alice.bsky.social", "mention"),
        ("https://example.com/a-very-long-path-indeed", "link"),
        ("#news", "tag"),
    ]
    assert not shown.cut


def test_x_counts_every_link_as_23_and_cuts_at_280_weighted() -> None:
    url = "https://example.com/" + "p" * 60
    shown = preview(account("twitter"), draft(f"see {url}"))
    assert (shown.counts[0].count, shown.counts[0].limit) == (4 + 23, 280)
    assert [p.text for p in shown.links] == [url]
    long = "日本" * 150  # CJK weighs 2: 300 characters are 600 weighted
    cut = preview(account("twitter"), draft(long))
    kept, past = cut.pieces
    assert cut.cut and past.kind == "cut"
    assert len(kept.text) == 140 and kept.text + past.text == long


def test_mastodon_uses_the_instances_own_limit_and_link_length() -> None:
    limits = {"max_characters": 100, "characters_reserved_per_url": 10}
    text = "x" * 95 + " https://example.com/long/long/long"
    shown = preview(account("mastodon", limits=limits), draft(text))
    assert (shown.counts[0].count, shown.counts[0].limit) == (95 + 1 + 10, 100)
    assert shown.cut
    kept = "".join(p.text for p in shown.pieces if p.kind != "cut")
    assert (
        kept == "x" * 95 + " http"
    )  # 100: "https" is not a link yet, and is one too many


def test_a_cut_never_splits_a_grapheme_and_obeys_every_count() -> None:
    thumb, family = "👍🏽", "👨‍👩‍👧‍👦"  # 8 and 25 bytes in UTF-8
    shown = preview(account("bluesky"), draft(thumb * 301))
    assert "".join(p.text for p in shown.pieces if p.kind != "cut") == thumb * 300
    shown = preview(account("bluesky"), draft(family * 200))
    assert [c.over for c in shown.counts] == [False, True]  # 200 graphemes, 5,000 bytes
    kept = "".join(p.text for p in shown.pieces if p.kind != "cut")
    assert kept == family * 120  # 3,000 bytes


def test_live_preflight_shows_each_accounts_preview(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    sky = PlatformAccount.objects.create(
        workspace=owner.workspace,
        profile=owner.profile,
        platform="bluesky",
        external_id="did:plc:alice",
        display_name="alice.bsky.social",
        metadata={"handle": "alice.bsky.social"},
    )
    response = owner_client.post(
        reverse("posts:preflight"),
        {"text": LINKED, "accounts": [str(sky.pk), str(sandbox.pk)]},
    )
    html = response.content.decode()
    assert 'data-preview="bluesky"' in html and 'data-preview="sandbox"' in html
    assert f"{grapheme_count(LINKED)} / 300 graphemes" in html
    assert '<span class="link link-mention">@alice.bsky.social</span>' in html
    assert (
        f"{grapheme_count(LINKED)} / 500 graphemes" in html
    )  # the sandbox's own limit


def test_live_preflight_marks_the_cut_for_screen_readers_too(
    owner_client: Client, sandbox
) -> None:
    html = owner_client.post(
        reverse("posts:preflight"),
        {"text": "a" * 500 + "TAIL", "accounts": [str(sandbox.pk)]},
    ).content.decode()
    assert "cut at the limit" in html
    assert "Past the limit, not posted: </span>TAIL</del>" in html


def test_add_to_queue_takes_the_profiles_next_slot(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    every_hour = [
        {"weekday": d, "time": f"{h:02}:00"} for d in range(7) for h in range(24)
    ]
    set_queue(owner.profile, "UTC", every_hour)
    response = owner_client.post(
        reverse("posts:compose"),
        {"text": "queued", "accounts": [str(sandbox.pk)], "mode": "queue"},
    )
    assert response.status_code == 302
    target = PostTarget.objects.get(text="queued")
    assert target.status == PostTarget.Status.QUEUED
    assert target.scheduled_at is not None
    assert target.scheduled_at - timezone.now() <= timedelta(hours=1, seconds=5)
    assert target.scheduled_at.minute == 0


def test_add_to_queue_without_a_queue_says_how_to_set_one(
    owner_client: Client, sandbox
) -> None:
    response = owner_client.post(
        reverse("posts:compose"),
        {"text": "queued", "accounts": [str(sandbox.pk)], "mode": "queue"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "queue" in html.split('class="form-errors"', 1)[1].split("</div>", 1)[0]
    assert not PostTarget.objects.filter(text="queued").exists()


def test_compose_offers_add_to_queue(owner_client: Client, sandbox) -> None:
    html = owner_client.get(reverse("posts:compose")).content.decode()
    assert 'value="queue"' in html and "Add to queue" in html

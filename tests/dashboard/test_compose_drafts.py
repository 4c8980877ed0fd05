"""Compose: save a draft (violations and all), reopen it, send it; attach media with alt text."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from media import services as media_services
from media.models import Media
from posts.models import Post, PostTarget
from tests.conftest import Persona, connect_sandbox

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(persona: Persona) -> Media:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (20, 120, 40)).save(buffer, format="PNG")
    file = SimpleUploadedFile("g.png", buffer.getvalue(), content_type="image/png")
    return media_services.ingest_upload(
        persona.workspace, persona.profile, file, livemode=True
    )


def save_draft(client: Client, **data: object):
    return client.post(reverse("posts:compose"), {"intent": "draft", **data})


def test_save_draft_keeps_a_violating_text_and_reopens_it(
    owner_client: Client, sandbox
) -> None:
    response = save_draft(owner_client, text="x" * 501, accounts=[str(sandbox.pk)])
    assert response.status_code == 302
    target = PostTarget.objects.get()
    assert target.status == PostTarget.Status.DRAFT and target.text == "x" * 501
    assert response["Location"] == f"{reverse('posts:compose')}?draft={target.post_id}"
    page = owner_client.get(response["Location"]).content.decode()
    assert "Draft saved for 1 account. 1 rule still to fix" in page
    assert f'name="draft_id" value="{target.post_id}"' in page
    assert "x" * 501 in page  # the text is back in the textarea
    assert 'data-rule="sandbox.text.max_graphemes"' in page  # and its finding with it
    assert re.search(rf'value="{sandbox.pk}"[^>]*checked', page)


def test_a_draft_needs_no_text_but_an_account(owner_client: Client, sandbox) -> None:
    assert save_draft(owner_client, accounts=[str(sandbox.pk)]).status_code == 302
    assert PostTarget.objects.get().text == ""
    response = save_draft(owner_client, text="no account")
    assert response.status_code == 400
    assert "Tick at least one account" in response.content.decode()


def test_scheduling_a_reopened_draft_replaces_it(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    save_draft(owner_client, text="draft text", accounts=[str(sandbox.pk)])
    draft = PostTarget.objects.get()
    when = datetime.now(UTC) + timedelta(days=2)
    response = owner_client.post(
        reverse("posts:compose"),
        {
            "draft_id": str(draft.post_id),
            "text": "final text",
            "accounts": [str(sandbox.pk)],
            "mode": "schedule",
            "scheduled_date": when.strftime("%Y-%m-%d"),
            "scheduled_time": when.strftime("%H:%M"),
            "tz": "UTC",
        },
    )
    assert response.status_code == 302
    (queued,) = PostTarget.objects.all()
    assert queued.status == PostTarget.Status.QUEUED and queued.text == "final text"
    assert not Post.objects.filter(pk=draft.post_id).exists()
    again = owner_client.get(f"{reverse('posts:compose')}?draft={draft.post_id}")
    assert again.status_code == 302  # a sent draft cannot be reopened


def test_a_refused_send_leaves_the_draft_alone(owner_client: Client, sandbox) -> None:
    save_draft(owner_client, text="keep me", accounts=[str(sandbox.pk)])
    draft = PostTarget.objects.get()
    response = owner_client.post(
        reverse("posts:compose"),
        {
            "draft_id": str(draft.post_id),
            "text": "y" * 600,
            "accounts": [str(sandbox.pk)],
            "mode": "now",
        },
    )
    assert response.status_code == 400
    assert "nothing was sent" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.text) == (PostTarget.Status.DRAFT, "keep me")


def test_attached_media_and_alt_text_are_saved_and_reopened(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    media = upload(owner)
    save_draft(
        owner_client,
        text="with a picture",
        accounts=[str(sandbox.pk)],
        media_id=[media.pk],
        media_kind=["image"],
        media_alt=["A green rectangle"],
    )
    target = PostTarget.objects.get()
    ref = target.media[0]
    assert (ref["mediaId"], ref["altText"]) == (media.pk, "A green rectangle")
    page = owner_client.get(
        f"{reverse('posts:compose')}?draft={target.post_id}"
    ).content.decode()
    assert 'value="A green rectangle"' in page
    assert f'src="{media_services.public_url(media)}"' in page
    assert f'<label for="alt-{media.pk}"' in page
    assert "<strong data-media-name>g.png</strong>" in page  # its name, not only its id


def test_live_preflight_counts_the_attached_media(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    items = [upload(owner) for _ in range(5)]
    html = owner_client.post(
        reverse("posts:preflight"),
        {
            "text": "five",
            "accounts": [str(sandbox.pk)],
            "media_id": [m.pk for m in items],
            "media_kind": ["image"] * 5,
            "media_alt": [""] * 5,
        },
        **HTMX,
    ).content.decode()
    assert 'data-rule="sandbox.media.max_count"' in html
    html = owner_client.post(
        reverse("posts:preflight"),
        {
            "text": "four",
            "accounts": [str(sandbox.pk)],
            "media_id": [m.pk for m in items[:4]],
            "media_kind": ["image"] * 4,
            "media_alt": [""] * 4,
        },
        **HTMX,
    ).content.decode()
    assert 'data-preflight="ok"' in html


def test_another_workspaces_media_is_refused_inline(
    owner_client: Client, outsider: Persona, sandbox
) -> None:
    theirs = upload(outsider)
    response = save_draft(
        owner_client,
        text="sneaky",
        accounts=[str(sandbox.pk)],
        media_id=[theirs.pk],
        media_kind=["image"],
        media_alt=[""],
    )
    assert response.status_code == 400
    assert 'class="form-errors"' in response.content.decode()
    assert not PostTarget.objects.exists()


def test_the_log_filters_drafts_and_opens_them_in_compose(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    save_draft(owner_client, text="a draft", accounts=[str(sandbox.pk)])
    other = connect_sandbox(owner, "other")
    owner_client.post(
        reverse("posts:compose"),
        {"text": "published", "accounts": [str(other.pk)], "mode": "now"},
    )
    draft = PostTarget.objects.get(status=PostTarget.Status.DRAFT)
    html = owner_client.get(reverse("posts:log"), {"status": "draft"}).content.decode()
    assert 'value="draft" selected' in html
    assert "a draft" in html and "published</td>" not in html
    assert f"{reverse('posts:compose')}?draft={draft.post_id}" in html


def test_delete_a_draft_from_its_detail_page(owner_client: Client, sandbox) -> None:
    save_draft(owner_client, text="doomed", accounts=[str(sandbox.pk)])
    draft = PostTarget.objects.get()
    detail = owner_client.get(reverse("posts:detail", args=[draft.pk])).content.decode()
    assert "Open in compose" in detail
    assert "&quot;draft&quot;: true" in detail  # copy-as-curl saves a draft again
    response = owner_client.post(reverse("posts:delete-draft", args=[draft.pk]))
    assert response.status_code == 302
    assert not PostTarget.objects.exists()


def test_save_draft_needs_the_csrf_token(owner: Persona, sandbox) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner.user)
    response = strict.post(
        reverse("posts:compose"),
        {"intent": "draft", "text": "x", "accounts": [str(sandbox.pk)]},
    )
    assert response.status_code == 403
    assert not PostTarget.objects.exists()


def test_compose_offers_the_media_library(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    media = upload(owner)
    html = owner_client.get(reverse("posts:compose")).content.decode()
    pick = html.split("data-media-pick", 1)[1].split("</button>", 1)[0]
    assert f'data-id="{media.pk}"' in pick and 'data-kind="image"' in pick
    assert f'data-url="{media_services.public_url(media)}"' in pick
    assert 'aria-label="Attach g.png"' in pick


def test_first_comment_is_sent_with_the_post_and_kept_in_a_draft(
    owner_client: Client, sandbox
) -> None:
    response = save_draft(
        owner_client,
        text="main",
        first_comment="and a reply",
        accounts=[str(sandbox.pk)],
    )
    assert response.status_code == 302
    assert PostTarget.objects.get().first_comment == "and a reply"
    page = owner_client.get(response["Location"]).content.decode()
    assert "and a reply</textarea>" in page

    owner_client.post(
        reverse("posts:compose"),
        {
            "text": "now",
            "first_comment": "first!",
            "accounts": [str(sandbox.pk)],
            "mode": "now",
        },
    )
    published = PostTarget.objects.get(text="now")
    assert published.first_comment == "first!"
    assert published.status == PostTarget.Status.PUBLISHED


def test_save_draft_without_an_account_says_what_to_do_at_the_top(
    owner: Persona, owner_client: Client, sandbox
) -> None:
    connect_sandbox(owner, "second")
    page = owner_client.get(reverse("posts:compose")).content.decode()
    assert (
        " checked"
        not in page.split("<legend>Accounts</legend>", 1)[1].split("</fieldset>", 1)[0]
    )  # two accounts: the person picks
    html = save_draft(owner_client, text="where to?").content.decode()
    top = html.split('<div class="form-errors" role="alert">', 1)[1].split("</div>", 1)[
        0
    ]
    assert "Tick at least one account to save the draft for" in top
    assert not PostTarget.objects.exists()


def test_one_account_is_preselected(owner_client: Client, sandbox) -> None:
    page = owner_client.get(reverse("posts:compose")).content.decode()
    assert re.search(rf'value="{sandbox.pk}"[^>]*checked', page)

"""Media library page: the grid, upload (errors inline), delete, and other workspaces' ids."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.models import User
from media import services
from media.models import Media
from tests.conftest import Persona


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png(size: tuple[int, int] = (3, 2)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("red.png", buffer.getvalue(), content_type="image/png")


def upload(persona: Persona) -> Media:
    return services.ingest_upload(
        persona.workspace, persona.profile, png(), livemode=True
    )


def test_page_renders_for_an_owner_and_is_in_the_nav(owner_client: Client) -> None:
    response = owner_client.get(reverse("media:library"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No media yet" in html and 'enctype="multipart/form-data"' in html
    home = owner_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("media:library")}"' in home


def test_anonymous_is_sent_to_sign_in(db: None) -> None:
    response = Client().get(reverse("media:library"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_uploaded_png_appears_in_the_grid(
    owner: Persona, owner_client: Client
) -> None:
    response = owner_client.post(reverse("media:library"), {"file": png((4, 3))})
    assert response.status_code == 302
    media = Media.objects.get(workspace=owner.workspace)
    assert media.kind == "image" and media.content_type == "image/png"
    html = owner_client.get(reverse("media:library")).content.decode()
    assert f'data-media="{media.pk}"' in html
    assert f'src="{services.public_url(media)}"' in html
    assert "4\N{MULTIPLICATION SIGN}3" in html and "image/png" in html


def test_html_bytes_are_refused_inline(owner: Persona, owner_client: Client) -> None:
    evil = SimpleUploadedFile(
        "x.png", b"<!doctype html><script>alert(1)</script>", content_type="image/png"
    )
    response = owner_client.post(reverse("media:library"), {"file": evil})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="field-error"' in html
    assert not Media.objects.filter(workspace=owner.workspace).exists()


def test_an_empty_form_shows_inline(owner_client: Client) -> None:
    response = owner_client.post(reverse("media:library"), {})
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()


def test_delete_removes_it_from_the_grid(owner: Persona, owner_client: Client) -> None:
    media = upload(owner)
    response = owner_client.post(reverse("media:delete", args=[media.pk]))
    assert response.status_code == 302
    media.refresh_from_db()
    assert media.deleted_at is not None
    html = owner_client.get(reverse("media:library")).content.decode()
    assert f'data-media="{media.pk}"' not in html and "No media yet" in html


def test_a_member_sees_the_workspace_media(
    owner: Persona, member: User, member_client: Client
) -> None:
    media = upload(owner)
    html = member_client.get(reverse("media:library")).content.decode()
    assert media.pk in html


def test_another_workspaces_media_is_not_found_nor_listed(
    owner: Persona, outsider: Persona, owner_client: Client
) -> None:
    theirs = upload(outsider)
    assert theirs.pk not in owner_client.get(reverse("media:library")).content.decode()
    response = owner_client.post(reverse("media:delete", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.deleted_at is None
    response = owner_client.post(reverse("media:delete", args=["med_nope"]))
    assert response.status_code == 404


def test_the_library_pages_past_the_first_hundreds_by_cursor(
    owner: Persona, owner_client: Client
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from media.dashboard_views import LIBRARY_PAGE

    start = timezone.now()
    total = 2 * LIBRARY_PAGE + 5
    Media.objects.bulk_create(
        Media(
            workspace=owner.workspace,
            profile=owner.profile,
            kind="image",
            content_type="image/png",
            size_bytes=10,
            sha256="0" * 64,
            storage_key=f"k/{n}.png",
            created_at=start - timedelta(seconds=n),
        )
        for n in range(total)
    )
    newest_first = list(
        Media.objects.order_by("-created_at", "-id").values_list("pk", flat=True)
    )
    seen: list[str] = []
    url = reverse("media:library")
    for _ in range(3):
        html = owner_client.get(url).content.decode()
        seen += re.findall(r'data-media="(med_[0-9A-Za-z]+)"', html)
        found = re.search(r'href="([^"]+\?cursor=[^"]+)"', html)
        if not found:
            break
        url = found.group(1)
    assert seen == newest_first  # every item once, in order, over three pages
    assert found is None  # the last page offers no more


def test_htmx_load_more_returns_only_the_next_cards(
    owner: Persona, owner_client: Client
) -> None:
    from media.selectors import encode_cursor

    items = [upload(owner) for _ in range(2)]
    newest = max(items, key=lambda m: (m.created_at, m.pk))
    response = owner_client.get(
        reverse("media:library"),
        {"cursor": encode_cursor(newest)},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "<html" not in html and html.count("data-media=") == 1


def test_the_upload_form_offers_progress_and_an_uploaded_note(
    owner: Persona, owner_client: Client
) -> None:
    media = upload(owner)
    html = owner_client.get(
        reverse("media:library"), {"uploaded": media.pk}
    ).content.decode()
    assert 'data-xhr-upload data-upload-url="/v1/media"' in html
    assert '<progress id="library-progress"' in html
    assert "Uploaded red.png." in html
    assert "media-upload.js" in html


def test_cards_show_name_type_size_and_a_thumbnail(
    owner: Persona, owner_client: Client
) -> None:
    media = upload(owner)
    assert media.filename == "red.png"
    html = owner_client.get(reverse("media:library")).content.decode()
    card = html.split(f'data-media="{media.pk}"', 1)[1].split("</li>", 1)[0]
    assert '<img src="' in card and 'alt="red.png"' in card
    assert "<strong>red.png</strong>" in card
    assert "image/png" in card and f"{media.size_bytes}\N{NO-BREAK SPACE}bytes" in card


def test_the_profile_select_names_each_profile_once(
    owner: Persona, owner_client: Client
) -> None:
    from accounts.models import Profile

    html = owner_client.get(reverse("media:library")).content.decode()
    assert "Default profile" not in html
    assert 'type="hidden" name="profile_id"' in html  # one profile: nothing to pick
    other = Profile.objects.create(workspace=owner.workspace, name="Brand")
    html = owner_client.get(reverse("media:library")).content.decode()
    select = html.split('name="profile_id"', 1)[1].split("</select>", 1)[0]
    assert select.count("<option") == 2 and "Default profile" not in select
    assert f'value="{owner.profile.pk}" selected' in select
    assert f'value="{other.pk}"' in select

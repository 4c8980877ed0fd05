"""`GET /v1/media`, `GET /v1/media/{id}` and `DELETE /v1/media/{id}`: pages, scope, isolation."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Profile
from accounts.services import create_profile
from media import services
from media.models import Media
from tests.conftest import Persona, api_client, error_of
from tests.media.conftest import png_bytes


def stored(persona: Persona, profile: Profile | None = None) -> Media:
    return services.ingest_upload(
        persona.workspace,
        profile or persona.profile,
        SimpleUploadedFile("a.png", png_bytes()),
        livemode=True,
    )


def rows(persona: Persona, count: int, profile: Profile | None = None) -> list[Media]:
    """`count` media rows, one second apart, oldest first (no files: listing reads rows only)."""
    start = timezone.now() - timedelta(hours=1)
    return Media.objects.bulk_create(
        Media(
            workspace=persona.workspace,
            profile=profile or persona.profile,
            kind="image",
            content_type="image/png",
            size_bytes=1,
            sha256="0" * 64,
            storage_key=f"{persona.workspace.pk}/x{i}.png",
            created_at=start + timedelta(seconds=i),
        )
        for i in range(count)
    )


def ids(response) -> list[str]:
    return [item["id"] for item in response.json()["data"]]


def test_list_is_newest_first_with_a_keyset_cursor(owner: Persona) -> None:
    made = rows(owner, 5)
    first = owner.client.get("/v1/media?limit=2")
    assert first.status_code == 200
    assert ids(first) == [made[4].pk, made[3].pk]
    cursor = first.json()["nextCursor"]
    decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    assert set(decoded) == {"t", "i"} and decoded["i"] == made[3].pk
    second = owner.client.get(f"/v1/media?limit=2&cursor={cursor}")
    assert ids(second) == [made[2].pk, made[1].pk]
    third = owner.client.get(f"/v1/media?limit=2&cursor={second.json()['nextCursor']}")
    assert ids(third) == [made[0].pk] and third.json()["nextCursor"] is None


def test_rows_created_in_the_same_instant_are_neither_lost_nor_repeated(
    owner: Persona,
) -> None:
    made = rows(owner, 4)
    Media.objects.update(created_at=made[0].created_at)
    seen, cursor = [], ""
    for _ in range(4):
        page = owner.client.get(f"/v1/media?limit=1&cursor={cursor}").json()
        seen += [m["id"] for m in page["data"]]
        cursor = page["nextCursor"] or ""
    assert sorted(seen) == sorted(m.pk for m in made) and cursor == ""


def test_list_items_have_the_upload_shape(owner: Persona) -> None:
    media = stored(owner)
    item = owner.client.get("/v1/media").json()["data"][0]
    assert set(item) == {
        "id",
        "url",
        "contentType",
        "sizeBytes",
        "sha256",
        "kind",
        "width",
        "height",
        "durationSeconds",
        "profileId",
        "createdAt",
    }
    assert item["id"] == media.pk and item["url"] == services.public_url(media)


def test_limit_defaults_to_50_and_is_clamped_to_100(owner: Persona) -> None:
    rows(owner, 101)
    assert len(ids(owner.client.get("/v1/media"))) == 50
    assert len(ids(owner.client.get("/v1/media?limit=1000"))) == 100
    assert len(ids(owner.client.get("/v1/media?limit=" + "9" * 5000))) == 100


@pytest.mark.parametrize("limit", ["0", "-1", "abc", "1.5", ""])
def test_a_bad_limit_is_400(owner: Persona, limit: str) -> None:
    response = owner.client.get(f"/v1/media?limit={limit}")
    assert response.status_code == 400
    assert error_of(response)["rule"] == "limit"


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "e30",
        base64.urlsafe_b64encode(b'{"t":"yesterday","i":1}').decode(),
        "%C3%A9",
    ],
)
def test_an_undecodable_cursor_returns_the_first_page(
    owner: Persona, cursor: str
) -> None:
    made = rows(owner, 2)
    assert ids(owner.client.get(f"/v1/media?cursor={cursor}")) == [
        made[1].pk,
        made[0].pk,
    ]


def test_deleted_media_is_not_listed(owner: Persona) -> None:
    keep, gone = stored(owner), stored(owner)
    services.delete_media(gone)
    assert ids(owner.client.get("/v1/media")) == [keep.pk]


def test_profile_filter_and_scoped_keys(owner: Persona, key_factory) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand")
    default_media, brand_media = stored(owner), stored(owner, brand)
    assert ids(owner.client.get(f"/v1/media?profileId={brand.pk}")) == [brand_media.pk]
    assert set(ids(owner.client.get("/v1/media"))) == {default_media.pk, brand_media.pk}
    scoped = api_client(key_factory(profile=brand))
    assert ids(scoped.get("/v1/media")) == [brand_media.pk]
    other = scoped.get(f"/v1/media?profileId={owner.profile.pk}")
    assert (
        other.status_code == 404 and error_of(other)["rule"] == "api_key.profile_scope"
    )
    unknown = owner.client.get(
        "/v1/media?profileId=0197a2c0-0000-7000-8000-000000000000"
    )
    assert unknown.status_code == 404 and error_of(unknown)["rule"] == "profile.unknown"
    # the scoped key cannot read or delete the default profile's media either
    assert scoped.get(f"/v1/media/{default_media.pk}").status_code == 404
    assert scoped.delete(f"/v1/media/{default_media.pk}").status_code == 404
    assert scoped.get(f"/v1/media/{brand_media.pk}").status_code == 200


def test_get_one(owner: Persona) -> None:
    media = stored(owner)
    response = owner.client.get(f"/v1/media/{media.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == media.pk and response.json()["width"] == 3


@pytest.mark.parametrize(
    "media_id",
    ["med_" + "A" * 22, "nope", "med_short", "0197a2c0-0000-7000-8000-000000000000"],
)
def test_unknown_and_malformed_ids_are_404(owner: Persona, media_id: str) -> None:
    for response in (
        owner.client.get(f"/v1/media/{media_id}"),
        owner.client.delete(f"/v1/media/{media_id}"),
    ):
        assert response.status_code == 404
        error = error_of(response)
        assert (error["code"], error["rule"]) == ("not_found", "media.unknown")


def test_an_outsider_sees_nothing_of_another_workspace(
    owner: Persona, outsider: Persona, media_root: Path
) -> None:
    media = stored(owner)
    assert outsider.client.get(f"/v1/media/{media.pk}").status_code == 404
    assert outsider.client.delete(f"/v1/media/{media.pk}").status_code == 404
    assert ids(outsider.client.get("/v1/media")) == []
    foreign = outsider.client.get(f"/v1/media?profileId={owner.profile.pk}")
    assert foreign.status_code == 404 and error_of(foreign)["rule"] == "profile.unknown"
    assert (media_root / media.storage_key).exists()
    assert owner.client.get(f"/v1/media/{media.pk}").status_code == 200


def test_delete_soft_deletes_and_removes_the_file_after_commit(
    owner: Persona, media_root: Path, django_capture_on_commit_callbacks
) -> None:
    media = stored(owner)
    path = media_root / media.storage_key
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = owner.client.delete(f"/v1/media/{media.pk}")
    assert response.status_code == 200 and path.exists()  # not before the commit
    for callback in callbacks:
        callback()
    assert response.json() == {"id": media.pk, "deleted": True}
    assert not path.exists()
    media.refresh_from_db()
    assert media.deleted_at is not None
    assert owner.client.get(f"/v1/media/{media.pk}").status_code == 404
    again = owner.client.delete(f"/v1/media/{media.pk}")
    assert again.status_code == 404 and error_of(again)["rule"] == "media.unknown"

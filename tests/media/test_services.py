"""media.services and selectors as posts/ and the adapters use them, and the public URL route."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.services import create_profile
from letmepost.errors import NotFound, ValidationFailed
from media import selectors, services
from media.models import Media, new_media_id, new_public_token
from tests.conftest import Persona
from tests.media.conftest import HTML, mp4_bytes, png_bytes


def ingest(
    persona: Persona, content: bytes, name: str = "a.png", profile=None
) -> Media:
    return services.ingest_upload(
        persona.workspace,
        profile or persona.profile,
        SimpleUploadedFile(name, content),
        livemode=True,
    )


def test_ids_and_tokens_are_random_and_well_formed() -> None:
    ids = {new_media_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"med_[0-9A-Za-z]{22}", i) for i in ids)
    token = new_public_token()
    assert len(token) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", token)  # 192 bits


def test_ingest_upload_stores_sniffed_bytes(owner: Persona, media_root: Path) -> None:
    media = ingest(owner, png_bytes((5, 6)), name="inline")
    assert (media.kind, media.content_type, media.width, media.height) == (
        "image",
        "image/png",
        5,
        6,
    )
    assert media.profile_id == owner.profile.pk and media.source_url == ""
    with services.open_media(media) as fh:
        assert fh.read() == png_bytes((5, 6))


def test_ingest_refuses_what_is_not_media(owner: Persona) -> None:
    with pytest.raises(ValidationFailed) as exc:
        ingest(owner, HTML)
    assert exc.value.rule == "media.type_unsupported"
    with pytest.raises(ValidationFailed) as empty:
        ingest(owner, b"")
    assert empty.value.rule == "media.type_unsupported"


def test_a_profile_of_another_workspace_is_a_programming_error(
    owner: Persona, outsider: Persona
) -> None:
    with pytest.raises(ValueError):
        services.ingest_upload(
            owner.workspace,
            outsider.profile,
            SimpleUploadedFile("a", png_bytes()),
            livemode=True,
        )


def test_get_media_for_workspace_hides_everything_not_yours(
    owner: Persona, outsider: Persona
) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand")
    media = ingest(owner, png_bytes())
    assert (
        selectors.get_media_for_workspace(owner.workspace, media.pk, livemode=True)
        == media
    )
    assert (
        selectors.get_media_for_workspace(
            owner.workspace, media.pk, livemode=True, profile=owner.profile
        )
        == media
    )
    deleted = services.delete_media(ingest(owner, png_bytes()))
    cases = [
        (outsider.workspace, media.pk, None),
        (owner.workspace, media.pk, brand),
        (owner.workspace, deleted.pk, None),
        (owner.workspace, "med_" + "x" * 22, None),
        (owner.workspace, "../../etc/passwd", None),
        (owner.workspace, None, None),
    ]
    for workspace, media_id, profile in cases:
        with pytest.raises(NotFound) as exc:
            selectors.get_media_for_workspace(
                workspace, media_id, livemode=True, profile=profile
            )
        assert (
            exc.value.rule == "media.unknown" and exc.value.message == "No such media."
        )


def test_delete_is_idempotent_and_open_refuses_deleted_media(
    owner: Persona, media_root: Path, django_capture_on_commit_callbacks
) -> None:
    media = ingest(owner, png_bytes())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.delete_media(media)
        services.delete_media(media)
    assert len(callbacks) == 1
    assert not (media_root / media.storage_key).exists()
    with pytest.raises(NotFound):
        services.open_media(media)


def test_list_media_is_newest_first(owner: Persona) -> None:
    older, newer = ingest(owner, png_bytes()), ingest(owner, png_bytes())
    assert list(selectors.list_media(owner.workspace, livemode=True)) == [newer, older]


# --- public URLs ----------------------------------------------------------------------------


def test_public_url_is_absolute_and_served_without_credentials(
    owner: Persona, public_routes: None, settings
) -> None:
    media = ingest(owner, png_bytes((2, 2)))
    url = services.public_url(media)
    assert url.startswith(settings.PUBLIC_URL + "/m/") and media.public_token in url
    response = Client().get(url.removeprefix(settings.PUBLIC_URL))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes((2, 2))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Length"] == str(media.size_bytes)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert Client().head(url.removeprefix(settings.PUBLIC_URL)).status_code == 200


def test_public_url_needs_the_exact_token_id_and_extension(
    owner: Persona, public_routes: None
) -> None:
    media = ingest(owner, png_bytes())
    other = ingest(owner, png_bytes())
    for path in (
        f"/m/{'A' * 32}/{media.pk}.png",
        f"/m/{other.public_token}/{media.pk}.png",
        f"/m/{media.public_token}/{media.pk}.jpg",
        f"/m/{media.public_token}/{media.pk}",
    ):
        assert Client().get(path).status_code == 404, path
    assert Client().post(f"/m/{media.public_token}/{media.pk}.png").status_code == 405


def test_deleted_media_is_no_longer_public(
    owner: Persona, public_routes: None, settings
) -> None:
    media = ingest(owner, png_bytes())
    path = services.public_url(media).removeprefix(settings.PUBLIC_URL)
    services.delete_media(media)
    assert Client().get(path).status_code == 404


def test_a_configured_public_base_url_points_at_the_bucket(
    owner: Persona, settings
) -> None:
    media = ingest(owner, png_bytes())
    settings.MEDIA_PUBLIC_BASE_URL = "https://cdn.example.com/media"
    assert (
        services.public_url(media)
        == f"https://cdn.example.com/media/{media.storage_key}"
    )


# --- ffprobe, when installed ----------------------------------------------------------------

FAKE_FFPROBE = """#!/bin/sh
cat <<'JSON'
{"streams": [{"codec_type": "audio"}, {"codec_type": "video", "width": 1920, "height": 1080}],
 "format": {"duration": "12.480000"}}
JSON
"""


def test_ffprobe_measures_videos_when_it_is_on_path(
    owner: Persona, tmp_path: Path, monkeypatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    ffprobe = bin_dir / "ffprobe"
    ffprobe.write_text(FAKE_FFPROBE)
    ffprobe.chmod(ffprobe.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    media = ingest(owner, mp4_bytes(), name="clip.mp4")
    assert (media.kind, media.width, media.height, media.duration_seconds) == (
        "video",
        1920,
        1080,
        12.48,
    )


def test_a_failing_ffprobe_keeps_the_video_without_measurements(
    owner: Persona, tmp_path: Path, monkeypatch, caplog
) -> None:
    ffprobe = tmp_path / "ffprobe"
    ffprobe.write_text("#!/bin/sh\necho broken >&2\nexit 1\n")
    ffprobe.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    media = ingest(owner, mp4_bytes(), name="clip.mp4")
    assert media.duration_seconds is None and "ffprobe could not read" in caplog.text

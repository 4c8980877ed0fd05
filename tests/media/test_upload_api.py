"""`POST /v1/media` with a multipart body: sniffing, the one-file rules, caps and profiles."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.services import create_profile
from media.models import Media
from tests.conftest import Persona, api_client, error_of, post_json
from tests.media.conftest import (
    HTML,
    jpeg_bytes,
    mp4_bytes,
    noisy_png,
    png_bytes,
    upload,
)


def test_a_png_with_a_wrong_declared_type_is_stored_as_png(
    owner: Persona, media_root: Path, settings
) -> None:
    content = png_bytes((7, 3))
    response = upload(
        owner.client, content, name="photo.jpg", content_type="image/jpeg"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert re.fullmatch(r"med_[0-9A-Za-z]{22}", body["id"])
    assert body["contentType"] == "image/png" and body["kind"] == "image"
    assert (body["width"], body["height"], body["durationSeconds"]) == (7, 3, None)
    assert body["sizeBytes"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["profileId"] == str(owner.profile.pk)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["createdAt"])
    media = Media.objects.get(pk=body["id"])
    assert media.storage_key == f"{owner.workspace.pk}/{media.pk}.png"
    assert (media_root / media.storage_key).read_bytes() == content
    assert body["url"] == (
        f"{settings.PUBLIC_URL}/m/{media.public_token}/{media.pk}.png"
    )


def test_jpeg_and_video_are_recognised(owner: Persona, caplog, monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # no ffprobe, whatever the machine has
    jpeg = upload(
        owner.client,
        jpeg_bytes((4, 5)),
        name="x.bin",
        content_type="application/octet-stream",
    )
    assert jpeg.status_code == 201
    assert (jpeg.json()["contentType"], jpeg.json()["width"]) == ("image/jpeg", 4)
    with caplog.at_level(logging.WARNING, logger="letmepost.media"):
        video = upload(
            owner.client, mp4_bytes(), name="clip.mp4", content_type="video/mp4"
        )
    assert video.status_code == 201, video.content
    body = video.json()
    assert (body["kind"], body["contentType"]) == ("video", "video/mp4")
    assert body["durationSeconds"] is None and body["width"] is None
    assert body["url"].endswith(".mp4")
    assert "ffprobe is not installed" in caplog.text


def test_html_named_jpg_is_refused(owner: Persona, media_root: Path) -> None:
    response = upload(owner.client, HTML, name="cat.jpg", content_type="image/jpeg")
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["rule"]) == (
        "validation_failed",
        "media.type_unsupported",
    )
    assert not Media.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_a_truncated_png_is_refused(owner: Persona) -> None:
    broken = png_bytes((50, 50))[:40]
    response = upload(owner.client, broken)
    assert error_of(response)["rule"] == "media.type_unsupported"


def test_a_body_that_is_neither_multipart_nor_json_is_refused(owner: Persona) -> None:
    response = owner.client.post(
        "/v1/media", data=png_bytes(), content_type="image/png"
    )
    assert response.status_code == 400
    assert error_of(response)["rule"] == "media.content_type"


def test_an_empty_body_is_refused(owner: Persona) -> None:
    for headers in ({}, {"CONTENT_TYPE": "multipart/form-data; boundary=x"}):
        response = owner.client.generic("POST", "/v1/media", b"", **headers)
        assert response.status_code == 400
        assert error_of(response)["rule"] == "media.empty_body"


def test_a_missing_file_part_is_refused(owner: Persona) -> None:
    response = owner.client.post("/v1/media", {"name": "no file here"})
    assert error_of(response)["rule"] == "media.missing_file"
    other = owner.client.post(
        "/v1/media", {"picture": SimpleUploadedFile("a.png", png_bytes())}
    )
    assert error_of(other)["rule"] == "media.missing_file"


def test_two_file_parts_are_refused(owner: Persona) -> None:
    response = owner.client.post(
        "/v1/media",
        {
            "file": [
                SimpleUploadedFile("a.png", png_bytes()),
                SimpleUploadedFile("b.png", png_bytes()),
            ]
        },
    )
    assert response.status_code == 400
    assert error_of(response)["rule"] == "media.single_file"
    assert not Media.objects.exists()


def test_other_file_parts_are_ignored(owner: Persona) -> None:
    response = owner.client.post(
        "/v1/media",
        {
            "thumbnail": SimpleUploadedFile("t.png", b"junk" * 100),
            "file": SimpleUploadedFile("a.png", png_bytes((2, 2))),
            "after": SimpleUploadedFile("z.bin", b"more junk"),
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["width"] == 2


def test_a_malformed_multipart_body_is_refused(owner: Persona) -> None:
    response = owner.client.generic(
        "POST", "/v1/media", b"--nope\r\nnot a part", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert error_of(response)["rule"] == "media.parse_failed"


def test_images_over_the_image_cap_are_413(owner: Persona, settings) -> None:
    content = png_bytes((40, 40))
    settings.MEDIA_MAX_IMAGE_BYTES = len(content) - 1
    response = upload(owner.client, content)
    assert response.status_code == 413
    error = error_of(response)
    assert (error["code"], error["rule"]) == ("validation_failed", "media.size_max")
    settings.MEDIA_MAX_IMAGE_BYTES = len(content)
    assert upload(owner.client, content).status_code == 201


def test_videos_have_their_own_cap(owner: Persona, settings) -> None:
    video = mp4_bytes(payload=4000)
    settings.MEDIA_MAX_IMAGE_BYTES = (
        100  # smaller than the video: the video cap applies
    )
    settings.MEDIA_MAX_VIDEO_BYTES = len(video)
    assert upload(owner.client, video, name="v.mp4").status_code == 201
    settings.MEDIA_MAX_VIDEO_BYTES = len(video) - 1
    response = upload(owner.client, video, name="v.mp4")
    assert (
        response.status_code == 413 and error_of(response)["rule"] == "media.size_max"
    )


def test_uploads_stop_at_the_largest_cap_while_streaming(
    owner: Persona, settings, media_root: Path
) -> None:
    settings.MEDIA_MAX_IMAGE_BYTES = 1000
    settings.MEDIA_MAX_VIDEO_BYTES = 2000
    settings.MEDIA_MAX_DOCUMENT_BYTES = 1500
    response = upload(owner.client, png_bytes() + b"\0" * 5000)
    assert (
        response.status_code == 413 and error_of(response)["rule"] == "media.size_max"
    )
    assert not Media.objects.exists()


def test_a_declared_length_far_over_the_cap_is_refused_unread(
    owner: Persona, settings
) -> None:
    settings.MEDIA_MAX_IMAGE_BYTES = settings.MEDIA_MAX_VIDEO_BYTES = 10
    settings.MEDIA_MAX_DOCUMENT_BYTES = 10
    response = owner.client.generic(
        "POST",
        "/v1/media",
        b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert (
        response.status_code == 413 and error_of(response)["rule"] == "media.size_max"
    )


def test_default_size_caps_are_20_and_200_mib(settings) -> None:
    from letmepost import settings as real

    assert real.MEDIA_MAX_IMAGE_BYTES == 20 * 1024 * 1024
    assert real.MEDIA_MAX_VIDEO_BYTES == 209_715_200


def test_an_upload_above_the_in_memory_limit_streams_to_disk(
    owner: Persona, settings
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    content = noisy_png((40, 40))
    assert len(content) > 1024
    response = upload(owner.client, content)
    assert response.status_code == 201
    assert response.json()["sizeBytes"] == len(content)


def test_an_upload_with_an_idempotency_key_is_replayed(owner: Persona) -> None:
    content = png_bytes()
    first = upload(owner.client, content, HTTP_IDEMPOTENCY_KEY="upload-1")
    again = upload(owner.client, content, HTTP_IDEMPOTENCY_KEY="upload-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert Media.objects.count() == 1


# --- profiles (spec §9.1) ------------------------------------------------------------------


def test_profile_id_lands_the_upload_in_that_profile(owner: Persona) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand")
    response = upload(owner.client, png_bytes(), query=f"?profileId={brand.pk}")
    assert response.status_code == 201
    assert response.json()["profileId"] == str(brand.pk)


def test_unknown_or_foreign_profile_is_404(owner: Persona, outsider: Persona) -> None:
    for profile_id in (
        "0197a2c0-0000-7000-8000-000000000000",
        outsider.profile.pk,
        "nope",
    ):
        response = upload(owner.client, png_bytes(), query=f"?profileId={profile_id}")
        assert response.status_code == 404
        assert error_of(response)["rule"] == "profile.unknown"


def test_a_profile_scoped_key_is_pinned_to_its_profile(
    owner: Persona, key_factory
) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand")
    scoped = api_client(key_factory(profile=brand))
    pinned = upload(scoped, png_bytes())
    assert pinned.status_code == 201 and pinned.json()["profileId"] == str(brand.pk)
    same = upload(scoped, png_bytes(), query=f"?profileId={brand.pk}")
    assert same.status_code == 201
    other = upload(scoped, png_bytes(), query=f"?profileId={owner.profile.pk}")
    assert other.status_code == 404
    assert error_of(other)["rule"] == "api_key.profile_scope"


def test_anonymous_uploads_are_refused(db: None, client) -> None:
    response = upload(client, png_bytes())
    assert response.status_code == 401


def session_client(owner: Persona) -> Client:
    """A signed-in browser with a CSRF cookie: its check reads the multipart body before the view."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner.user)
    browser.cookies["csrftoken"] = CSRF_SECRET
    return browser


CSRF_SECRET = "a" * 32


def test_a_session_upload_parsed_by_the_csrf_check_still_works(
    owner: Persona, settings
) -> None:
    browser = session_client(owner)
    form = {"csrfmiddlewaretoken": CSRF_SECRET}
    ok = browser.post(
        "/v1/media", {**form, "file": SimpleUploadedFile("a.png", png_bytes())}
    )
    assert ok.status_code == 201, ok.content
    settings.MEDIA_MAX_IMAGE_BYTES = settings.MEDIA_MAX_VIDEO_BYTES = 50
    big = browser.post(
        "/v1/media", {**form, "file": SimpleUploadedFile("a.png", png_bytes((30, 30)))}
    )
    assert big.status_code == 413 and error_of(big)["rule"] == "media.size_max"


def test_json_without_url_is_a_validation_error(owner: Persona) -> None:
    response = post_json(
        owner.client, "/v1/media", {"link": "https://example.com/a.png"}
    )
    assert response.status_code == 400 and error_of(response)["rule"] == "link.unknown"
    missing = post_json(owner.client, "/v1/media", {})
    assert missing.status_code == 400 and error_of(missing)["rule"] == "url"
    ip_literal = post_json(owner.client, "/v1/media", {"url": "http://127.0.0.1/a.png"})
    assert error_of(ip_literal)["rule"] == "url"


def test_a_retried_upload_with_a_new_multipart_boundary_is_still_a_replay(
    owner: Persona,
) -> None:
    from django.test.client import encode_multipart

    content = png_bytes()

    def send(boundary: str):
        body = encode_multipart(
            boundary, {"file": SimpleUploadedFile("a.png", content, "image/png")}
        )
        return owner.client.post(
            "/v1/media",
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
            HTTP_IDEMPOTENCY_KEY="upload-boundary",
        )

    first, again = send("AAAA1111"), send("BBBB2222")
    assert first.status_code == again.status_code == 201
    assert (
        again["Idempotency-Replayed"] == "true"
        and again.json()["id"] == first.json()["id"]
    )

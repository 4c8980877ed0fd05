"""platforms.attachments: stored uploads and URLs read in pieces, caps counted on the bytes
themselves, downloads fetched once and their temporary files gone afterwards (on errors too)."""

from __future__ import annotations

import random
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import responses
from django.core.files.uploadedfile import SimpleUploadedFile

from letmepost.errors import PlatformUnavailable, PreflightFailed
from media import services
from media.models import Media
from platforms.attachments import CHUNK, open_attachment, read_attachment
from platforms.base import MediaItem
from tests.conftest import Persona

URL = "https://cdn.example.com/clip.mp4"
MIB = 1024 * 1024


def video_bytes(size: int, seed: int = 7) -> bytes:
    """An MP4 of exactly `size` bytes (`ftyp`, then `mdat` of random bytes: order shows)."""
    ftyp = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"isom", 512, b"isom", b"mp42")
    mdat = struct.pack(">I4s", size - len(ftyp), b"mdat")
    return ftyp + mdat + random.Random(seed).randbytes(size - len(ftyp) - len(mdat))


def stored_video(persona: Persona, data: bytes) -> Media:
    """`data` stored through the real upload service, as POST /v1/media would."""
    return services.ingest_upload(
        persona.workspace,
        persona.profile,
        SimpleUploadedFile("clip.mp4", data),
        livemode=True,
    )


def file_part(request: requests.PreparedRequest) -> bytes:
    """The content of a multipart body's file part, byte for byte."""
    assert isinstance(request.body, bytes)
    boundary = request.headers["Content-Type"].split("boundary=")[1].encode()
    for part in request.body.split(b"--" + boundary)[1:-1]:
        headers, _, content = part.partition(b"\r\n\r\n")
        if b"filename=" in headers:
            return content.removesuffix(b"\r\n")
    raise AssertionError("no file part")


def held_open(folder: Path) -> list[str]:
    """Files under `folder` this process still has open, unnamed temporary files included."""
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = str(fd.readlink())
        except OSError:  # closed between listing and reading
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


VIDEO = video_bytes(3 * MIB + 5)  # past the spool's in-memory size: it goes to disk


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system temp dir, pointed at an empty folder so leftovers show."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to see open files")
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def upstream() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def item(**kwargs: str) -> MediaItem:
    return MediaItem(kind="video", **kwargs)


# --- from a URL ------------------------------------------------------------------------------


def test_a_url_is_downloaded_once_to_a_temp_file_and_read_in_any_order(
    upstream: responses.RequestsMock, temp_dir: Path
) -> None:
    upstream.get(URL, body=VIDEO, content_type="video/mp4; codecs=avc1")
    with open_attachment(
        item(url=URL), platform="tiktok", max_bytes=10 * MIB, index=2
    ) as stream:
        assert (stream.size, stream.content_type, stream.name) == (
            len(VIDEO),
            "video/mp4",
            "media-2.mp4",
        )
        assert len(held_open(temp_dir)) == 1  # on disk, not in memory
        assert stream.read(2 * MIB, 3 * MIB) == VIDEO[2 * MIB : 3 * MIB]
        assert stream.read(5, 6) == VIDEO[5:6]  # backwards too (YouTube resumes)
        assert stream.read(3 * MIB, 9 * MIB) == VIDEO[3 * MIB :]  # clipped at the end
        assert b"".join(stream.chunks(MIB)) == VIDEO
        section = stream.section(100, 100 + MIB)
        assert len(section) == MIB
        assert section.read(10) + section.read() == VIDEO[100 : 100 + MIB]
        assert section.read() == b""
    assert len(upstream.calls) == 1  # every read came from the one download
    assert held_open(temp_dir) == []
    assert list(temp_dir.iterdir()) == []


def test_a_url_that_lies_about_its_length_is_refused_mid_stream(
    upstream: responses.RequestsMock, temp_dir: Path
) -> None:
    upstream.get(
        URL,
        body=VIDEO,
        headers={"Content-Length": "1000"},
        content_type="video/mp4",
        auto_calculate_content_length=False,
    )
    with (
        pytest.raises(PreflightFailed) as refused,
        open_attachment(item(url=URL), platform="twitter", max_bytes=MIB),
    ):
        pytest.fail("a file over the cap must not be handed out")
    # Counted while downloading: refused at the first chunk past the cap, not at the end.
    assert refused.value.message == (
        f"media[0] is {MIB + CHUNK} bytes; twitter accepts at most {MIB}."
    )
    assert refused.value.fields["rule"] == "twitter.media.video_size_max"
    assert held_open(temp_dir) == []


def test_the_temp_file_is_removed_when_the_upload_fails(
    upstream: responses.RequestsMock, temp_dir: Path
) -> None:
    upstream.get(URL, body=VIDEO, content_type="video/mp4")
    with (
        pytest.raises(PlatformUnavailable),
        open_attachment(item(url=URL), platform="youtube", max_bytes=10 * MIB),
    ):
        assert len(held_open(temp_dir)) == 1
        raise PlatformUnavailable("the platform went away mid-upload")
    assert held_open(temp_dir) == []


def test_a_download_cut_short_is_unavailable_and_leaves_nothing(
    upstream: responses.RequestsMock, temp_dir: Path
) -> None:
    upstream.get(  # promises more than it sends: the connection "breaks"
        URL,
        body=VIDEO,
        headers={"Content-Length": str(len(VIDEO) + 1)},
        content_type="video/mp4",
        auto_calculate_content_length=False,
    )
    with (
        pytest.raises(PlatformUnavailable) as failed,
        open_attachment(item(url=URL), platform="linkedin", max_bytes=10 * MIB),
    ):
        pytest.fail("a broken download must not be handed out")
    assert "could not be fetched" in failed.value.message
    assert held_open(temp_dir) == []


@pytest.mark.parametrize(
    ("answer", "error", "rule"),
    [
        ({"status": 404}, PreflightFailed, "pinterest.media.reachable"),
        ({"body": requests.ConnectionError("reset")}, PlatformUnavailable, None),
    ],
)
def test_an_unreachable_url_is_refused_as_before(
    upstream: responses.RequestsMock, answer: dict, error: type, rule: str | None
) -> None:
    upstream.get(URL, **answer)
    with pytest.raises(error) as raised:
        read_attachment(item(url=URL), platform="pinterest", max_bytes=MIB)
    assert raised.value.fields.get("rule") == rule


def test_read_attachment_still_returns_a_small_file_whole(
    upstream: responses.RequestsMock, temp_dir: Path
) -> None:
    upstream.get(
        "https://cdn.example.com/a.png",
        body=b"\x89PNG" + b"\0" * 60,
        content_type="image/png",
    )
    found = read_attachment(
        MediaItem(kind="image", url="https://cdn.example.com/a.png"),
        platform="mastodon",
        max_bytes=MIB,
    )
    assert (found.data, found.content_type, found.name) == (
        b"\x89PNG" + b"\0" * 60,
        "image/png",
        "media-0.png",
    )
    assert list(temp_dir.iterdir()) == []


# --- from storage ----------------------------------------------------------------------------


def test_a_stored_upload_is_read_in_place(
    owner: Persona, media_root: Path, temp_dir: Path
) -> None:
    media = stored_video(owner, VIDEO)
    with open_attachment(
        item(media_id=str(media.pk)), platform="linkedin", max_bytes=10 * MIB
    ) as stream:
        assert (stream.size, stream.content_type, stream.name) == (
            len(VIDEO),
            "video/mp4",
            f"{media.pk}.mp4",
        )
        assert stream.read(MIB, 2 * MIB + 3) == VIDEO[MIB : 2 * MIB + 3]
        assert b"".join(stream.chunks(4 * MIB)) == VIDEO
        assert held_open(temp_dir) == []  # no copy: the stored file itself
    assert (
        read_attachment(
            item(media_id=str(media.pk)), platform="linkedin", max_bytes=10 * MIB
        ).data
        == VIDEO
    )


def test_a_stored_upload_over_the_cap_is_refused_by_its_real_size(
    owner: Persona, media_root: Path
) -> None:
    media = stored_video(owner, VIDEO)
    Media.objects.filter(pk=media.pk).update(size_bytes=10)  # a record that lies
    with (
        pytest.raises(PreflightFailed) as refused,
        open_attachment(
            item(media_id=str(media.pk)), platform="youtube", max_bytes=MIB
        ),
    ):
        pytest.fail("a file over the cap must not be handed out")
    assert refused.value.message == (
        f"media[0] is {len(VIDEO)} bytes; youtube accepts at most {MIB}."
    )


def test_a_deleted_upload_is_unreachable(owner: Persona, media_root: Path) -> None:
    media = stored_video(owner, VIDEO)
    services.delete_media(media)
    with pytest.raises(PreflightFailed) as refused:
        read_attachment(item(media_id=str(media.pk)), platform="tiktok", max_bytes=MIB)
    assert refused.value.fields["rule"] == "tiktok.media.reachable"


def test_neither_id_nor_url_is_unreachable() -> None:
    with (
        pytest.raises(PreflightFailed) as refused,
        open_attachment(item(), platform="twitter", max_bytes=MIB),
    ):
        pytest.fail("nothing to open")
    assert refused.value.fields["rule"] == "twitter.media.reachable"

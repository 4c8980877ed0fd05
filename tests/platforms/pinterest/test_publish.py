"""Publishing pins through the real publish service; only Pinterest's HTTP endpoints are faked."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import requests
from django.utils import timezone

from platforms.attachments import AttachmentStream
from platforms.models import PlatformAccount
from platforms.pinterest.client import StreamedForm
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.bluesky.conftest import png
from tests.platforms.pinterest.conftest import (
    answer,
    api,
    checked_json,
    checked_query,
    connect_pinterest,
    payload,
)
from tests.platforms.test_attachments import file_part, video_bytes

IMAGE = "https://cdn.example.com/launch.png"
VIDEO = "https://cdn.example.com/launch.mp4"
COVER = "https://cdn.example.com/cover.png"
LINK = "https://maker.example.com/launch"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
PIN_ID = payload("pin")["id"]


def serve(upstream, url: str, body: bytes, content_type: str) -> None:
    """A public file, fetched by deep preflight's probe and by the adapter."""
    upstream.get(url, body=body, content_type=content_type)


def create(persona: Persona, account: PlatformAccount, **body):
    target = {"accountId": str(account.pk)}
    if options := body.pop("options", None):
        target["options"] = {"platform": "pinterest", **options}
    return post_json(
        persona.client,
        "/v1/posts",
        {"targets": [target], "text": "Release notes are up", **body},
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


def schedule(persona: Persona, account: PlatformAccount, **body) -> PostTarget:
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    response = create(persona, account, scheduledAt=later, **body)
    assert response.status_code == 202, response.json()
    return PostTarget.objects.get()


def run_due(target: PostTarget) -> str:
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    (claim,) = claim_due()
    outcome = publish_claimed(claim)
    target.refresh_from_db()
    return outcome


def image_post(upstream) -> dict:
    serve(upstream, IMAGE, png(), "image/png")
    serve(upstream, LINK, b"<html></html>", "text/html")
    return {
        "media": [{"kind": "image", "url": IMAGE, "altText": "The release chart"}],
        "options": {"destinationUrl": LINK, "title": "Launch day"},
    }


def test_an_image_pin_is_published_now_on_the_default_board(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    body = image_post(upstream)
    answer(upstream, "POST", "/pins", payload("pin"), status=201)
    response = create(owner, account, **body)
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    assert result["status"] == "published"
    assert result["uri"] == f"https://www.pinterest.com/pin/{PIN_ID}/"
    pin_call = next(c for c in upstream.calls if c.request.url == api("/pins"))
    assert pin_call.request.headers["Authorization"] == "Bearer pina-access"
    assert checked_json(pin_call, "POST", "/pins") == {
        "board_id": "549755885175",
        "description": "Release notes are up",
        "link": LINK,
        "title": "Launch day",
        "alt_text": "The release chart",
        "media_source": {"source_type": "image_url", "url": IMAGE},
    }
    assert PostTarget.objects.get().platform_cid == PIN_ID


def media_status(upstream, status: str) -> None:
    answer(
        upstream,
        "GET",
        "/media/{media_id}",
        {"media_id": "12345", "media_type": "video", "status": status},
        at="/media/12345",
    )


def video_post(upstream) -> dict:
    serve(upstream, VIDEO, MP4, "video/mp4")
    serve(upstream, COVER, png(), "image/png")
    return {
        "media": [{"kind": "video", "url": VIDEO}],
        "options": {"boardId": "549755885176", "coverImageUrl": COVER},
    }


def test_a_scheduled_video_pin_keeps_its_options_uploads_and_waits(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account, **video_post(upstream))
    assert target.options["board_id"] == "549755885176"  # options survive scheduling
    slot = payload("media_registered")
    answer(upstream, "POST", "/media", slot, status=201)
    upstream.post(slot["upload_url"], status=204)
    for status in ("registered", "processing", "succeeded"):
        media_status(upstream, status)
    answer(upstream, "POST", "/pins", payload("pin"), status=201)

    assert run_due(target) == "published"

    urls = [c.request.url for c in upstream.calls]
    assert urls.count(api("/media/12345")) == 3
    assert checked_json(
        upstream.calls[urls.index(api("/media"))], "POST", "/media"
    ) == {"media_type": "video"}
    upload = upstream.calls[urls.index(slot["upload_url"])].request
    assert "Authorization" not in upload.headers  # a storage bucket, not the API
    body = upload.body
    names = [
        part.split(b'"')[1].decode()
        for part in body.split(b"Content-Disposition: form-data; name=")[1:]
    ]
    assert names == [*slot["upload_parameters"], "file"]  # every field, then the file
    assert MP4 in body
    assert checked_json(upstream.calls[-1], "POST", "/pins") == {
        "board_id": "549755885176",
        "description": "Release notes are up",
        "media_source": {
            "source_type": "video_id",
            "media_id": "12345",
            "cover_image_url": COVER,
        },
    }
    assert target.status == PostTarget.Status.PUBLISHED
    assert target.platform_uri == f"https://www.pinterest.com/pin/{PIN_ID}/"


def test_a_failed_transcode_is_rejected_and_no_pin_is_created(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account, **video_post(upstream))
    answer(upstream, "POST", "/media", payload("media_registered"), status=201)
    upstream.post(payload("media_registered")["upload_url"], status=204)
    media_status(upstream, "failed")
    assert run_due(target) == "rejected"
    assert target.error["rule"] == "pinterest.video.transcode_failed"
    assert api("/pins") not in [c.request.url for c in upstream.calls]


def test_a_transcode_past_the_deadline_is_retried(
    owner: Persona, account: PlatformAccount, upstream, settings
) -> None:
    settings.PINTEREST_MEDIA_TIMEOUT_SECONDS = 0
    target = schedule(owner, account, **video_post(upstream))
    answer(upstream, "POST", "/media", payload("media_registered"), status=201)
    upstream.post(payload("media_registered")["upload_url"], status=204)
    media_status(upstream, "processing")
    assert run_due(target) == "retry"
    assert target.error["rule"] == "pinterest.video.transcode_timeout"
    assert target.status == PostTarget.Status.QUEUED


def test_a_5xx_before_the_pin_is_unavailable_and_retried(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account, **video_post(upstream))
    upstream.post(api("/media"), status=503, body="Service Unavailable")
    assert run_due(target) == "retry"
    assert (target.status, target.error["code"]) == (
        PostTarget.Status.QUEUED,
        "platform_unavailable",
    )


def test_a_revoked_token_is_auth_failed_and_the_account_needs_reconnecting(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account, **image_post(upstream))
    answer(upstream, "POST", "/pins", payload("error_401"), status=401)
    assert run_due(target) == "rejected"
    assert target.error["code"] == "platform_auth_failed"
    assert target.error["platformResponse"] == payload("error_401")
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH


def test_429_is_retried_no_sooner_than_retry_after(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account, **image_post(upstream))
    answer(
        upstream,
        "POST",
        "/pins",
        payload("error_rate"),
        status=429,
        headers={"Retry-After": "900"},
    )
    before = timezone.now()
    assert run_due(target) == "retry"
    assert target.due_at >= before + timedelta(seconds=900)
    assert target.error["platformResponse"] == payload("error_rate")


def test_a_400_is_rejected_with_the_answer_untouched(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account, **image_post(upstream))
    answer(upstream, "POST", "/pins", payload("error_invalid"), status=400)
    assert run_due(target) == "rejected"
    assert (target.error["code"], target.error["platformVersion"]) == (
        "platform_rejected",
        "pinterest-v5",
    )
    assert target.error["platformResponse"] == payload("error_invalid")


def test_no_board_at_all_fails_preflight_before_any_call(
    owner: Persona, upstream
) -> None:
    account = connect_pinterest(owner, default_board=None)
    serve(upstream, IMAGE, png(), "image/png")
    target = schedule(owner, account, media=[{"kind": "image", "url": IMAGE}])
    assert run_due(target) == "rejected"
    assert target.error["rule"] == "pinterest.board.required"


def pins_on_board(*pins: dict) -> dict:
    return {"items": list(pins), "bookmark": None}


def test_a_lost_answer_is_reconciled_from_the_board_not_posted_twice(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account, **image_post(upstream))
    upstream.post(api("/pins"), body=requests.ReadTimeout("read timed out"))
    assert run_due(target) == "unknown"
    other = payload("pin", id="1", description="Older pin", link=None)
    answer(
        upstream,
        "GET",
        "/boards/{board_id}/pins",
        pins_on_board(other, payload("pin")),
        at="/boards/549755885175/pins",
    )
    assert run_due(target) == "published"
    lookup = upstream.calls[-1]
    assert checked_query(lookup, "GET", "/boards/{board_id}/pins") == {
        "page_size": "50"
    }
    assert [c.request.url for c in upstream.calls].count(api("/pins")) == 1
    assert target.platform_cid == PIN_ID
    assert [a.outcome for a in target.attempts.order_by("number")] == [
        "unknown",
        "reconciled",
    ]


def test_a_pin_not_found_on_the_board_is_reported_unknown_not_reposted(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    target = schedule(owner, account, **image_post(upstream))
    upstream.post(api("/pins"), status=502, body="Bad Gateway")
    assert run_due(target) == "unknown"
    answer(
        upstream,
        "GET",
        "/boards/{board_id}/pins",
        pins_on_board(payload("pin", description="Something else")),
        at="/boards/549755885175/pins",
    )
    assert run_due(target) == "failed"
    assert target.error["code"] == "platform_unavailable"
    assert target.status == PostTarget.Status.FAILED
    assert [c.request.url for c in upstream.calls].count(api("/pins")) == 1


def test_a_large_video_reaches_pinterest_whole_in_one_streamed_form(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    video = video_bytes(3 * 1024 * 1024 + 7)
    serve(upstream, VIDEO, video, "video/mp4")
    serve(upstream, COVER, png(), "image/png")
    slot = payload("media_registered")
    answer(upstream, "POST", "/media", slot, status=201)
    upstream.post(slot["upload_url"], status=204)
    media_status(upstream, "succeeded")
    answer(upstream, "POST", "/pins", payload("pin"), status=201)
    response = create(
        owner,
        account,
        media=[{"kind": "video", "url": VIDEO}],
        options={"boardId": "549755885176", "coverImageUrl": COVER},
    )
    assert response.status_code == 200, response.json()
    upload = next(
        c.request for c in upstream.calls if c.request.url == slot["upload_url"]
    )
    assert upload.headers["Content-Length"] == str(len(upload.body))
    assert file_part(upload) == video


def test_the_streamed_form_is_what_requests_would_have_built() -> None:
    video = video_bytes(300_000)
    fields = {"key": "uploads/12345/clip.mp4", "x-amz-signature": "süß"}
    with_bytes = requests.Request(
        "POST",
        "https://pinterest-media-upload.s3-accelerate.amazonaws.com/",
        data=fields,
        files={"file": ("media-0.mp4", video, "video/mp4")},
    ).prepare()
    stream = AttachmentStream(
        io.BytesIO(video),
        size=len(video),
        content_type="video/mp4",
        name="media-0.mp4",
        label="media[0]",
    )
    form = StreamedForm(fields, "file", stream)
    theirs = with_bytes.headers["Content-Type"].split("boundary=")[1]
    assert len(form) == len(with_bytes.body)
    assert form.read(1000) + form.read() == with_bytes.body.replace(
        theirs.encode(), form.boundary.encode()
    )

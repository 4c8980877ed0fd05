"""Publishing to LinkedIn at the HTTP boundary: posts, images, videos, errors, reconcile."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from letmepost.errors import (
    PlatformAuthFailed,
    PlatformRateLimited,
    PlatformRejected,
    PlatformUnavailable,
    PublishOutcomeUnknown,
    ValidationFailed,
)
from letmepost.ids import uuid7
from platforms.base import Draft, MediaItem, ReconcileUnsupported
from platforms.linkedin.adapter import LinkedInAdapter
from platforms.models import PlatformAccount
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.bluesky.conftest import png
from tests.platforms.linkedin.conftest import (
    ORGANIZATION,
    PERSON,
    api,
    connect_linkedin,
    payload,
    sent_json,
)
from tests.platforms.test_attachments import stored_video, video_bytes

POSTS = api("/rest/posts")
IMAGES = api("/rest/images")
VIDEOS = api("/rest/videos")
NEW_URN = "urn:li:share:7151250000000000000"
IMAGE_URN = payload("image_init")["value"]["image"]
VIDEO_URN = payload("video_init")["value"]["video"]
VIDEO_STATUS = api("/rest/videos/urn%3Ali%3Avideo%3AD4D10AQE_p-P_odQhXQ")
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (4 * 1024 * 1024 + 4)  # 4194320 bytes


def draft(text: str = "Hello LinkedIn", **kwargs) -> Draft:
    return Draft(text=text, idempotency_token=str(uuid7()), **kwargs)


def created(upstream, urn: str = NEW_URN) -> None:
    upstream.post(POSTS, status=201, body="", headers={"x-restli-id": urn})


def image(upstream, url: str = "https://cdn.example.com/a.png", urn: str = IMAGE_URN):
    upstream.get(url, body=png(), content_type="image/png")
    init = payload("image_init")
    init["value"]["image"] = urn
    upstream.post(IMAGES, json=init)
    upstream.put(init["value"]["uploadUrl"], status=201)


def expected_post(author: str = PERSON, **extra) -> dict:
    return {
        "author": author,
        "commentary": "Hello LinkedIn",
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
        **extra,
    }


def publish_now(persona: Persona, account: PlatformAccount, **body) -> PostTarget:
    response = post_json(
        persona.client,
        "/v1/posts",
        {"targets": [{"accountId": str(account.pk)}], "publishNow": True, **body},
    )
    assert response.status_code in (200, 201, 202), response.json()
    return PostTarget.objects.latest("created_at")


def test_a_text_post_through_the_publish_service(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    created(upstream)
    target = publish_now(owner, account, text="Hello LinkedIn")
    assert target.status == PostTarget.Status.PUBLISHED, target.error
    assert target.platform_cid == NEW_URN
    assert target.platform_uri == f"https://www.linkedin.com/feed/update/{NEW_URN}/"
    (call,) = upstream.calls
    assert call.request.headers["LinkedIn-Version"] == "202605"
    assert sent_json(call) == expected_post()


def test_reserved_characters_are_escaped_and_visibility_passes_through(
    account: PlatformAccount, upstream
) -> None:
    created(upstream)
    LinkedInAdapter(account).publish(
        draft("Launch #day (finally) @team_a", options={"visibility": "CONNECTIONS"})
    )
    body = sent_json(upstream.calls[0])
    assert body["commentary"] == r"Launch \#day \(finally\) \@team\_a"
    assert body["visibility"] == "CONNECTIONS"


def test_an_organization_account_posts_as_its_organization(
    owner: Persona, upstream
) -> None:
    page = connect_linkedin(owner, organization=True)
    created(upstream)
    target = publish_now(owner, page, text="Hello LinkedIn")
    assert target.status == PostTarget.Status.PUBLISHED, target.error
    assert sent_json(upstream.calls[0])["author"] == ORGANIZATION


def test_one_image_with_alt_text(account: PlatformAccount, upstream) -> None:
    image(upstream)
    created(upstream)
    LinkedInAdapter(account).publish(
        draft(
            media=(
                MediaItem(
                    kind="image",
                    url="https://cdn.example.com/a.png",
                    alt_text="a chart",
                ),
            )
        )
    )
    assert upstream.calls[1].request.url == f"{IMAGES}?action=initializeUpload"
    assert sent_json(upstream.calls[1]) == {
        "initializeUploadRequest": {"owner": PERSON}
    }
    put = upstream.calls[2].request
    assert (put.method, put.body) == ("PUT", png())
    assert put.headers["Authorization"] == "Bearer li-access"
    assert sent_json(upstream.calls[3]) == expected_post(
        content={"media": {"id": IMAGE_URN, "altText": "a chart"}}
    )


def test_several_images_make_a_multi_image_post(
    account: PlatformAccount, upstream
) -> None:
    image(upstream)
    image(upstream, "https://cdn.example.com/b.png", "urn:li:image:D4D10AQSecond")
    created(upstream)
    LinkedInAdapter(account).publish(
        draft(
            media=(
                MediaItem(
                    kind="image", url="https://cdn.example.com/a.png", alt_text="a"
                ),
                MediaItem(kind="image", url="https://cdn.example.com/b.png"),
            )
        )
    )
    assert sent_json(upstream.calls[-1])["content"] == {
        "multiImage": {
            "images": [
                {"id": IMAGE_URN, "altText": "a"},
                {"id": "urn:li:image:D4D10AQSecond"},
            ]
        }
    }


def video(upstream) -> None:
    upstream.get("https://cdn.example.com/v.mp4", body=MP4, content_type="video/mp4")
    init = payload("video_init")
    upstream.post(VIDEOS, json=init)
    for index, part in enumerate(init["value"]["uploadInstructions"]):
        upstream.put(part["uploadUrl"], headers={"ETag": f"/ambry-video/part-{index}"})
    upstream.post(VIDEOS, status=200, body="")


def test_a_video_is_uploaded_in_parts_finalized_and_awaited(
    account: PlatformAccount, upstream
) -> None:
    video(upstream)
    upstream.get(VIDEO_STATUS, json=payload("video_processing"))
    upstream.get(VIDEO_STATUS, json=payload("video_available"))
    created(upstream)
    LinkedInAdapter(account).publish(
        draft(media=(MediaItem(kind="video", url="https://cdn.example.com/v.mp4"),))
    )
    assert sent_json(upstream.calls[1]) == {
        "initializeUploadRequest": {
            "owner": PERSON,
            "fileSizeBytes": len(MP4),
            "uploadCaptions": False,
            "uploadThumbnail": False,
        }
    }
    parts = [upstream.calls[i].request.body for i in (2, 3)]
    assert parts == [MP4[:4194304], MP4[4194304:]]
    assert upstream.calls[4].request.url == f"{VIDEOS}?action=finalizeUpload"
    assert sent_json(upstream.calls[4]) == {
        "finalizeUploadRequest": {
            "video": VIDEO_URN,
            "uploadToken": "",
            "uploadedPartIds": ["/ambry-video/part-0", "/ambry-video/part-1"],
        }
    }
    assert sent_json(upstream.calls[-1])["content"] == {"media": {"id": VIDEO_URN}}


def test_a_video_linkedin_cannot_process_is_rejected(
    account: PlatformAccount, upstream
) -> None:
    video(upstream)
    upstream.get(VIDEO_STATUS, json=payload("video_failed"))
    with pytest.raises(PlatformRejected) as caught:
        LinkedInAdapter(account).publish(
            draft(media=(MediaItem(kind="video", url="https://cdn.example.com/v.mp4"),))
        )
    assert caught.value.rule == "linkedin.media.processing_failed"


def test_a_video_still_processing_at_the_deadline_is_retryable(
    account: PlatformAccount, upstream, settings
) -> None:
    settings.LINKEDIN_VIDEO_TIMEOUT_SECONDS = 0
    video(upstream)
    upstream.get(VIDEO_STATUS, json=payload("video_processing"))
    with pytest.raises(PlatformUnavailable) as caught:
        LinkedInAdapter(account).publish(
            draft(media=(MediaItem(kind="video", url="https://cdn.example.com/v.mp4"),))
        )
    assert (caught.value.rule, caught.value.status) == (
        "linkedin.media.processing_timeout",
        504,
    )


@pytest.mark.parametrize(
    "media",
    [
        (MediaItem(kind="video", url="https://a.example/v.mp4"),) * 2,
        (
            MediaItem(kind="video", url="https://a.example/v.mp4"),
            MediaItem(kind="image", url="https://a.example/a.png"),
        ),
        (MediaItem(kind="image", url="https://a.example/a.png"),) * 21,
    ],
)
def test_media_linkedin_cannot_carry_is_refused_before_any_call(
    account: PlatformAccount, upstream, media
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        LinkedInAdapter(account).publish(draft(media=media))
    assert caught.value.rule == "media"


@pytest.mark.parametrize(
    ("status", "name", "error", "rule"),
    [
        (403, "error_403", PlatformAuthFailed, None),
        (422, "error_422_duplicate", PlatformRejected, "linkedin.post.duplicate"),
        (422, "error_422_author", PlatformRejected, "linkedin.author.urn_format"),
    ],
)
def test_linkedin_errors_map_to_codes_and_rules(
    account: PlatformAccount, upstream, status, name, error, rule
) -> None:
    upstream.post(POSTS, status=status, json=payload(name))
    with pytest.raises(error) as caught:
        LinkedInAdapter(account).publish(draft())
    assert type(caught.value) is error and caught.value.rule == rule
    assert caught.value.fields["platform_response"] == payload(name)
    assert caught.value.fields["platform_version"] == "linkedin-202605"
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.ACTIVE


def test_an_expired_token_rejects_the_target_and_flags_the_account(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(POSTS, status=401, json=payload("error_401_expired"))
    target = publish_now(owner, account, text="Hello LinkedIn")
    assert target.status == PostTarget.Status.REJECTED
    assert target.error["code"] == "platform_auth_failed"
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH


def test_429_is_rate_limited_with_retry_after(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(
        POSTS, status=429, json=payload("error_429"), headers={"Retry-After": "120"}
    )
    with pytest.raises(PlatformRateLimited) as caught:
        LinkedInAdapter(account).publish(draft())
    assert caught.value.retry_after == 120


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 500, "json": payload("error_500")},
        {"body": requests.ReadTimeout("read timed out")},
        {"status": 201, "body": ""},  # created, but no x-restli-id to name it
    ],
)
def test_an_unanswered_post_is_an_unknown_outcome(
    account: PlatformAccount, upstream, answer
) -> None:
    upstream.post(POSTS, **answer)
    with pytest.raises(PublishOutcomeUnknown):
        LinkedInAdapter(account).publish(draft())


def test_a_5xx_on_an_upload_is_retryable(account: PlatformAccount, upstream) -> None:
    upstream.get("https://cdn.example.com/a.png", body=png(), content_type="image/png")
    upstream.post(
        IMAGES, status=503, json={"message": "Service Unavailable", "status": 503}
    )
    with pytest.raises(PlatformUnavailable) as caught:
        LinkedInAdapter(account).publish(
            draft(media=(MediaItem(kind="image", url="https://cdn.example.com/a.png"),))
        )
    assert type(caught.value) is PlatformUnavailable and caught.value.retryable


def test_reconcile_finds_our_exact_commentary(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(POSTS, json=payload("posts_by_author"))
    found = LinkedInAdapter(account).reconcile(draft("Launch #day (finally)"))
    assert found is not None and found.cid == "urn:li:share:7151249999999999999"
    assert upstream.calls[0].request.url == (
        f"{POSTS}?author=urn%3Ali%3Aperson%3A782bbtaQ&q=author&count=10"
    )


def test_reconcile_says_absent_when_few_posts_and_none_is_ours(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(POSTS, json=payload("posts_by_author"))
    assert LinkedInAdapter(account).reconcile(draft("Not posted")) is None


def test_reconcile_cannot_tell_past_the_last_ten(
    account: PlatformAccount, upstream
) -> None:
    page = payload("posts_by_author")
    page["elements"] = page["elements"][:1] * 10
    upstream.get(POSTS, json=page)
    with pytest.raises(ReconcileUnsupported):
        LinkedInAdapter(account).reconcile(draft("Not posted"))


def test_reconcile_without_the_read_scope_is_unsupported(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(POSTS, status=403, json=payload("error_403"))
    with pytest.raises(ReconcileUnsupported):
        LinkedInAdapter(account).reconcile(draft())


def test_the_engine_reconciles_a_lost_post(
    owner: Persona, account: PlatformAccount, upstream, settings
) -> None:
    settings.PUBLISH_RETRY_BASE_SECONDS = 0
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": "Launch #day (finally)",
            "scheduledAt": (timezone.now() + timedelta(hours=1)).isoformat(),
        },
    )
    assert response.status_code == 202, response.json()
    target = PostTarget.objects.get()
    upstream.post(POSTS, body=requests.ReadTimeout("read timed out"))
    upstream.get(POSTS, json=payload("posts_by_author"))
    for expected in ("unknown", "published"):
        PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
        (claim,) = claim_due()
        assert publish_claimed(claim) == expected
    target.refresh_from_db()
    assert target.platform_cid == "urn:li:share:7151249999999999999"
    assert [a.outcome for a in target.attempts.order_by("number")] == [
        "unknown",
        "reconciled",
    ]
    assert [c.request.method for c in upstream.calls] == ["POST", "GET"]


def test_publish_leaves_the_first_comment_to_the_engine(
    account: PlatformAccount, upstream
) -> None:
    created(upstream)
    result = LinkedInAdapter(account).publish(draft(first_comment="more below"))
    # One call, no warning: the engine posts the first comment through publish_reply.
    assert len(upstream.calls) == 1
    assert result.warnings == ()


def test_a_stored_video_reaches_linkedin_whole_and_in_order(
    owner: Persona, account: PlatformAccount, upstream, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    video = video_bytes(len(MP4))  # the size video_init's two byte ranges cover
    media = stored_video(owner, video)
    init = payload("video_init")
    upstream.post(VIDEOS, json=init)
    for index, part in enumerate(init["value"]["uploadInstructions"]):
        upstream.put(part["uploadUrl"], headers={"ETag": f"/ambry-video/part-{index}"})
    upstream.post(VIDEOS, status=200, body="")
    upstream.get(VIDEO_STATUS, json=payload("video_available"))
    created(upstream)
    LinkedInAdapter(account).publish(
        draft(media=(MediaItem(kind="video", media_id=str(media.pk)),))
    )
    puts = [c.request for c in upstream.calls if c.request.method == "PUT"]
    assert [p.headers["Content-Length"] for p in puts] == ["4194304", "16"]
    assert b"".join(p.body for p in puts) == video

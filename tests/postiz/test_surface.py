"""Postiz's auth header, integrations, uploads and the small routes, with their error bodies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.services import create_profile
from media.models import Media
from platforms.models import PlatformAccount
from posts.models import PostTarget
from tests.conftest import Persona
from tests.media.conftest import png_bytes
from tests.media.loopback import LoopbackServer, loopback_server, reply
from tests.postiz.conftest import BASES, connect_sandbox, create_body, send

pytestmark = pytest.mark.django_db


# --- authentication -------------------------------------------------------------------------


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("scheme", ["", "Bearer ", "bearer "])
def test_the_bare_key_and_bearer_are_both_accepted(
    owner: Persona, account: PlatformAccount, base: str, scheme: str
) -> None:
    client = Client(HTTP_AUTHORIZATION=f"{scheme}{owner.key}")
    response = client.get(f"{base}/integrations")
    assert response.status_code == 200, response.content
    assert [i["id"] for i in response.json()] == [str(account.pk)]


def test_no_header_is_postizs_no_api_key_found() -> None:
    response = Client().get("/public/v1/integrations")
    assert response.status_code == 401
    body = response.json()
    assert body["msg"] == "No API Key found"
    assert (body["code"], body["message"]) == ("unauthenticated", "No API Key found")
    assert body["requestId"] == response["X-Request-Id"]


@pytest.mark.parametrize(
    ("header", "text"),
    [
        ("lmp_live_nottherightkeyatall", "Invalid API key"),
        ("some-postiz-key", "Invalid API key"),
        ("pos_0123456789", "Invalid OAuth token"),
    ],
)
def test_a_wrong_key_is_postizs_invalid_api_key(header: str, text: str) -> None:
    response = Client(HTTP_AUTHORIZATION=header).get("/api/public/v1/integrations")
    assert response.status_code == 401
    assert response.json()["msg"] == text
    assert response.json()["code"] == "unauthenticated"


def test_the_native_api_still_wants_bearer(owner: Persona) -> None:
    response = Client(HTTP_AUTHORIZATION=owner.key).get("/v1/posts")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Malformed Authorization header."


def test_an_unknown_route_answers_in_postizs_shape(pz: Client) -> None:
    response = pz.get("/public/v1/generate-video")
    assert response.status_code == 404
    assert response.json()["msg"] == "No such route."
    assert response.json()["code"] == "not_found"


# --- integrations and small routes -----------------------------------------------------------


def test_integrations_are_our_accounts_in_postizs_shape(
    owner: Persona, pz: Client, account: PlatformAccount
) -> None:
    [integration] = pz.get("/public/v1/integrations").json()
    assert integration == {
        "id": str(account.pk),
        "name": "pz",
        "identifier": "sandbox",
        "picture": None,
        "disabled": False,
        "profile": "pz",
        "customer": {"id": str(owner.profile.pk), "name": owner.profile.name},
    }


def test_a_profile_scoped_key_sees_its_profile_only(
    owner: Persona, account: PlatformAccount, key_factory
) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand")
    key = key_factory(profile=brand)
    assert Client(HTTP_AUTHORIZATION=key).get("/public/v1/integrations").json() == []
    groups = Client(HTTP_AUTHORIZATION=key).get("/public/v1/groups").json()
    assert groups == [{"id": str(brand.pk), "name": "Brand"}]


def test_integrations_filtered_by_customer(
    owner: Persona, pz: Client, account: PlatformAccount
) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand")
    assert pz.get("/public/v1/integrations", {"group": str(brand.pk)}).json() == []
    mine = pz.get("/public/v1/integrations", {"group": str(owner.profile.pk)}).json()
    assert [i["id"] for i in mine] == [str(account.pk)]


def test_is_connected_groups_and_notifications(owner: Persona, pz: Client) -> None:
    assert pz.get("/public/v1/is-connected").json() == {"connected": True}
    assert pz.get("/public/v1/groups").json() == [
        {"id": str(owner.profile.pk), "name": owner.profile.name}
    ]
    assert pz.get("/public/v1/notifications", {"page": "2"}).json() == {
        "notifications": [],
        "total": 0,
        "page": 2,
        "limit": 100,
        "hasMore": False,
    }


def test_integration_settings_and_tools(pz: Client, account: PlatformAccount) -> None:
    settings = pz.get(f"/public/v1/integration-settings/{account.pk}")
    assert settings.status_code == 200
    output = settings.json()["output"]
    assert output["settings"] == "No additional settings required"
    assert output["tools"] == []
    trigger = send(
        pz, "POST", f"/public/v1/integration-trigger/{account.pk}", {"methodName": "x"}
    )
    assert (trigger.status_code, trigger.json()["msg"]) == (404, "Tool not found")
    unknown = pz.get("/public/v1/integration-settings/nope")
    assert (unknown.status_code, unknown.json()["msg"]) == (
        404,
        "Integration not found",
    )


def outcome(item: dict, status: str, when: datetime) -> None:
    """Give a created post a publishing outcome at `when` (the engine's part, not tested here)."""
    PostTarget.objects.filter(pk=item["postId"]).update(
        status=status,
        published_at=when if status == "published" else None,
        updated_at=when,
    )


def test_channel_analytics_are_daily_counts_of_published_and_failed_posts(
    pz: Client, account: PlatformAccount
) -> None:
    now = datetime.now(UTC)
    created = [
        send(pz, "POST", "/public/v1/posts", create_body(str(account.pk))).json()[0]
        for _ in range(5)
    ]
    outcome(created[0], "published", now)
    outcome(created[1], "published", now - timedelta(days=2))
    outcome(created[2], "published", now - timedelta(days=9))  # the week before
    outcome(created[3], "rejected", now - timedelta(days=1))
    # created[4] is still queued: neither series counts it

    response = pz.get(f"/public/v1/analytics/{account.pk}", {"date": "7"})
    assert response.status_code == 200, response.content
    published, failed = response.json()
    days = [(now - timedelta(days=6 - i)).date().isoformat() for i in range(7)]
    assert published["label"] == "Posts published"
    assert published["data"] == [
        {"total": "1" if i in (4, 6) else "0", "date": day}
        for i, day in enumerate(days)
    ]
    assert published["percentageChange"] == 100.0  # 2 this week, 1 the week before
    assert failed["label"] == "Posts failed"
    assert [p["total"] for p in failed["data"]] == ["0"] * 5 + ["1", "0"]
    assert failed["percentageChange"] == 100  # none the week before

    other = pz.get(f"/public/v1/analytics/{account.pk}", {"date": "junk"}).json()
    assert len(other[0]["data"]) == 7  # Postiz's default window


def test_post_analytics_are_its_status_and_attempts_never_an_empty_list(
    pz: Client, account: PlatformAccount
) -> None:
    [item] = send(pz, "POST", "/public/v1/posts", create_body(str(account.pk))).json()
    when = datetime(2026, 12, 1, 23, 59, tzinfo=UTC)
    outcome(item, "published", when)
    PostTarget.objects.filter(pk=item["postId"]).update(attempt_count=2)
    response = pz.get(f"/public/v1/analytics/post/{item['postId']}", {"date": "7"})
    assert response.status_code == 200, response.content
    assert response.json() == [
        {
            "label": "Status: published",
            "data": [{"total": "1", "date": "2026-12-01"}],
            "percentageChange": 0,
        },
        {
            "label": "Publish attempts",
            "data": [{"total": "2", "date": "2026-12-01"}],
            "percentageChange": 0,
        },
    ]


def test_missing_is_never_missing_and_release_ids_are_ours(
    pz: Client, account: PlatformAccount
) -> None:
    [item] = send(pz, "POST", "/public/v1/posts", create_body(str(account.pk))).json()
    assert pz.get(f"/public/v1/posts/{item['postId']}/missing").json() == []
    release = send(
        pz, "PUT", f"/public/v1/posts/{item['postId']}/release-id", {"releaseId": "1"}
    )
    assert release.status_code == 400
    assert "cannot be linked" in release.json()["message"]


def test_status_route_reports_the_state_it_can_keep(
    pz: Client, account: PlatformAccount
) -> None:
    [item] = send(pz, "POST", "/public/v1/posts", create_body(str(account.pk))).json()
    path = f"/public/v1/posts/{item['postId']}/status"
    ok = send(pz, "PUT", path, {"status": "schedule"})
    assert ok.json() == {"id": item["postId"], "state": "QUEUE"}
    bad = send(pz, "PUT", path, {"status": "later"})
    assert bad.status_code == 400
    assert bad.json()["message"] == [
        "status must be one of the following values: draft, schedule"
    ]
    unknown = send(
        pz,
        "PUT",
        "/public/v1/posts/0190c5f2-0000-7000-8000-000000000000/status",
        {"status": "schedule"},
    )
    assert (unknown.status_code, unknown.json()["message"]) == (400, "Post not found")


def test_settings_merge_into_a_queued_post(
    pz: Client, account: PlatformAccount
) -> None:
    [item] = send(pz, "POST", "/public/v1/posts", create_body(str(account.pk))).json()
    path = f"/public/v1/posts/{item['postId']}/settings"
    response = send(pz, "PUT", path, {"settings": {"who_can_reply_post": "following"}})
    assert response.status_code == 200, response.content
    assert response.json()["postId"] == item["postId"]
    listed = PostTarget.objects.get(pk=item["postId"]).postiz.settings
    assert listed == {"who_can_reply_post": "following"}


def test_settings_of_a_canceled_post_cannot_change(
    pz: Client, account: PlatformAccount
) -> None:
    [item] = send(pz, "POST", "/public/v1/posts", create_body(str(account.pk))).json()
    pz.delete(f"/public/v1/posts/{item['postId']}")
    response = send(
        pz, "PUT", f"/public/v1/posts/{item['postId']}/settings", {"settings": {}}
    )
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Only scheduled posts that were not published yet (or drafts) can be updated"
    )


# --- uploads --------------------------------------------------------------------------------


def test_an_upload_answers_the_union_media_object(
    owner: Persona, pz: Client, settings
) -> None:
    response = pz.post(
        "/public/v1/upload",
        {"file": SimpleUploadedFile("pic.png", png_bytes(), "image/png")},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    media = Media.objects.get(pk=body["id"])
    assert set(body) == {
        "id",
        "name",
        "originalName",
        "path",
        "thumbnail",
        "alt",
        "organizationId",
        "createdAt",
        "updatedAt",
    }
    assert body["path"].startswith(settings.PUBLIC_URL + "/m/")
    assert body["path"].endswith(".png")
    assert body["organizationId"] == str(owner.workspace.pk)
    assert media.profile_id == owner.profile.pk
    public = Client().get(body["path"].removeprefix(settings.PUBLIC_URL))
    assert public.status_code == 200


def test_an_upload_without_a_file(pz: Client) -> None:
    response = pz.post("/public/v1/upload", {"other": "x"})
    assert (response.status_code, response.json()["msg"]) == (400, "No file provided")


def test_an_upload_of_the_wrong_type(pz: Client) -> None:
    response = pz.post(
        "/public/v1/upload",
        {"file": SimpleUploadedFile("pic.png", b"just text, really", "image/png")},
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["message"], body["error"]) == ("Unsupported file type.", "Bad Request")
    assert body["rule"] == "media.type_unsupported"


def test_an_upload_over_the_limit(pz: Client, settings) -> None:
    settings.MEDIA_MAX_IMAGE_BYTES = 50
    settings.MEDIA_MAX_VIDEO_BYTES = 60
    response = pz.post(
        "/public/v1/upload",
        {"file": SimpleUploadedFile("pic.png", png_bytes((40, 40)), "image/png")},
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith(
        "File size exceeds the maximum allowed size of "
    )
    assert response.json()["rule"] == "media.size_max"


@pytest.fixture
def origin() -> Iterator[LoopbackServer]:
    with loopback_server(
        {
            "/photo.png": reply(png_bytes((5, 5))),
            "/fake.png": reply(b"<html></html>"),
            "/gone.png": reply(b"gone", 404),
        }
    ) as srv:
        yield srv


def from_url(pz: Client, url: str):
    return send(pz, "POST", "/public/v1/upload-from-url", {"url": url})


def test_upload_from_url_fetches_through_our_media_service(
    pz: Client, origin: LoopbackServer, settings
) -> None:
    settings.ALLOW_PRIVATE_URLS = True
    response = from_url(pz, origin.url("/photo.png", host="localhost"))
    assert response.status_code == 201, response.content
    media = Media.objects.get(pk=response.json()["id"])
    assert media.source_url == origin.url("/photo.png", host="localhost")
    assert origin.seen[-1].headers["User-Agent"].startswith("letmepost/")


def test_upload_from_url_refuses_private_addresses(
    pz: Client, origin: LoopbackServer
) -> None:
    response = from_url(pz, origin.url("/photo.png", host="localhost"))
    assert response.status_code == 400
    body = response.json()
    assert body["rule"] == "url.private_address"
    assert body["error"] == "Bad Request"
    assert origin.seen == []


@pytest.mark.parametrize(
    ("path", "msg"),
    [("/gone.png", "Failed to fetch URL"), ("/fake.png", "Unsupported file type.")],
)
def test_upload_from_url_failures_use_postizs_msgs(
    pz: Client, origin: LoopbackServer, settings, path: str, msg: str
) -> None:
    settings.ALLOW_PRIVATE_URLS = True
    response = from_url(pz, origin.url(path, host="localhost"))
    assert (response.status_code, response.json()["msg"]) == (400, msg)


def test_upload_from_url_needs_a_media_extension(pz: Client) -> None:
    response = from_url(pz, "https://example.com/page.html")
    assert response.status_code == 400
    assert response.json()["message"] == [
        "url must end with one of .png, .jpg, .jpeg, .gif, .webp, .mp4"
    ]


def test_other_workspaces_accounts_are_not_integrations(
    pz: Client, outsider: Persona
) -> None:
    connect_sandbox(outsider, "theirs")
    assert pz.get("/public/v1/integrations").json() == []


def test_an_avatar_kept_at_connect_time_is_the_picture(
    pz: Client, account: PlatformAccount
) -> None:
    account.metadata = {"avatarUrl": "https://cdn.example.com/a.png"}
    account.save(update_fields=["metadata"])
    [integration] = pz.get("/public/v1/integrations").json()
    assert integration["picture"] == "https://cdn.example.com/a.png"

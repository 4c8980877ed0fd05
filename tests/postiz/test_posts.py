"""`/public/v1/posts`: Postiz's create, list and delete, carried out by our posts services."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from platforms.models import PlatformAccount
from postiz.models import PostizPost
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.postiz.conftest import BASES, connect_sandbox, create_body, iso, later, send

pytestmark = pytest.mark.django_db


def create(pz: Client, body: dict) -> list[dict]:
    response = send(pz, "POST", "/public/v1/posts", body)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize("base", BASES)
def test_a_scheduled_post_becomes_a_queued_target(
    pz: Client, account: PlatformAccount, base: str
) -> None:
    when = later(hours=3).replace(microsecond=0)
    body = create_body(
        str(account.pk),
        {
            "content": "<p>Launch <strong>day</strong></p><p>see <a href='https://x.example/a'>this</a></p>",
            "image": [],
        },
        date=when,
        tags=[{"value": "t1", "label": "launch"}],
    )
    body["posts"][0]["settings"] = {"who_can_reply_post": "everyone"}
    response = send(pz, "POST", f"{base}/posts", body)

    assert response.status_code == 201, response.content
    [item] = response.json()
    assert item["integration"] == str(account.pk)
    target = PostTarget.objects.get(pk=item["postId"])
    assert target.status == PostTarget.Status.QUEUED
    assert target.scheduled_at == when
    assert target.text == "Launch day\nsee this (https://x.example/a)"
    meta = target.postiz
    assert meta.tags == [{"value": "t1", "label": "launch"}]
    assert meta.settings == {"who_can_reply_post": "everyone"}
    assert meta.group


def test_it_is_a_native_post_too(
    owner: Persona, pz: Client, account: PlatformAccount
) -> None:
    [item] = create(pz, create_body(str(account.pk)))
    native = owner.client.get(f"/v1/posts/{item['postId']}")
    assert native.status_code == 200
    assert (native.json()["status"], native.json()["text"]) == ("queued", "Hello")


def test_type_now_is_queued_for_the_engine_at_once(
    pz: Client, account: PlatformAccount
) -> None:
    [item] = create(pz, create_body(str(account.pk), type="now"))
    target = PostTarget.objects.get(pk=item["postId"])
    assert target.status == PostTarget.Status.QUEUED
    assert target.scheduled_at is None


def test_a_past_date_publishes_at_once_as_postiz_does(
    pz: Client, account: PlatformAccount
) -> None:
    [item] = create(pz, create_body(str(account.pk), date=later(hours=-1)))
    assert PostTarget.objects.get(pk=item["postId"]).scheduled_at is None


def test_entries_for_two_channels_are_one_batch_in_order(
    owner: Persona, pz: Client, account: PlatformAccount
) -> None:
    other = connect_sandbox(owner, "second")
    body = create_body(str(account.pk))
    body["posts"].append(
        {
            "integration": {"id": str(other.pk)},
            "value": [{"content": "two", "image": []}],
        }
    )
    result = create(pz, body)
    assert [r["integration"] for r in result] == [str(account.pk), str(other.pk)]
    targets = [PostTarget.objects.get(pk=r["postId"]) for r in result]
    assert targets[0].post_id == targets[1].post_id
    assert targets[1].text == "two"
    assert targets[0].postiz.group != targets[1].postiz.group


def test_resending_a_group_replaces_its_queued_post(
    pz: Client, account: PlatformAccount
) -> None:
    body = create_body(str(account.pk))
    body["posts"][0]["group"] = "g-1"
    [first] = create(pz, body)
    body["posts"][0]["value"] = [{"content": "edited", "image": []}]
    [second] = create(pz, body)
    assert PostTarget.objects.get(pk=first["postId"]).status == "canceled"
    assert PostTarget.objects.get(pk=second["postId"]).text == "edited"


def test_an_uploaded_image_is_attached_by_id(
    pz: Client, account: PlatformAccount
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.media.conftest import png_bytes

    upload = pz.post(
        "/public/v1/upload",
        {"file": SimpleUploadedFile("pic.png", png_bytes(), "image/png")},
    )
    assert upload.status_code == 201, upload.content
    media = upload.json()
    body = create_body(
        str(account.pk),
        {"content": "", "image": [{"id": "random-cli-id", "path": media["path"]}]},
    )
    [item] = create(pz, body)
    [ref] = PostTarget.objects.get(pk=item["postId"]).media
    assert (ref["mediaId"], ref["kind"]) == (media["id"], "image")


def test_a_foreign_image_url_is_kept_for_fetching(
    pz: Client, account: PlatformAccount
) -> None:
    path = "https://cdn.example.com/a/photo.jpg?x=1"
    body = create_body(
        str(account.pk), {"content": "hi", "image": [{"id": "1", "path": path}]}
    )
    [item] = create(pz, body)
    assert PostTarget.objects.get(pk=item["postId"]).media == [
        {"kind": "image", "url": path}
    ]


def test_an_idempotency_key_is_honoured(pz: Client, account: PlatformAccount) -> None:
    body = create_body(str(account.pk))
    first = pz.post(
        "/public/v1/posts",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    again = pz.post(
        "/public/v1/posts",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotency-Replayed"] == "true"
    assert PostTarget.objects.count() == 1


# --- errors -------------------------------------------------------------------------------


def test_a_missing_integration_id_is_postizs_first_message(
    pz: Client, account: PlatformAccount
) -> None:
    body = create_body(str(account.pk))
    body["posts"][0]["integration"] = {}
    response = send(pz, "POST", "/public/v1/posts", body)
    assert response.status_code == 400
    error = response.json()
    assert error["message"] == "All posts must have an integration id"
    assert (error["error"], error["statusCode"]) == ("Bad Request", 400)
    assert error["code"] == "validation_failed"
    assert error["requestId"].startswith("req_")
    assert error["docUrl"].endswith("/errors/validation_failed")


def test_someone_elses_integration_is_not_found(pz: Client, outsider: Persona) -> None:
    theirs = connect_sandbox(outsider, "theirs")
    response = send(pz, "POST", "/public/v1/posts", create_body(str(theirs.pk)))
    assert response.status_code == 400
    assert response.json()["message"] == f"Integration with id {theirs.pk} not found"
    assert response.json()["code"] == "not_found"


def test_dto_problems_are_listed_with_dotted_paths(
    pz: Client, account: PlatformAccount
) -> None:
    body = create_body(
        str(account.pk),
        {"content": 5, "image": [{"id": "1", "path": "https://a.example/f.txt"}]},
    )
    del body["shortLink"]
    body["date"] = "next tuesday"
    response = send(pz, "POST", "/public/v1/posts", body)
    assert response.status_code == 400
    error = response.json()
    assert error["message"] == [
        "date must be a valid ISO 8601 date string",
        "shortLink should not be null or undefined",
        "shortLink must be a boolean value",
        "posts.0.value.0.content must be a string",
        "posts.0.value.0.image.0.path must end with one of .png, .jpg, .jpeg, .gif, .webp, .mp4",
    ]
    assert error["error"] == "Bad Request"
    assert error["code"] == "validation_failed"


def test_empty_content_without_media_is_a_channel_error(
    pz: Client, account: PlatformAccount
) -> None:
    body = create_body(str(account.pk), {"content": "<p></p>", "image": []})
    response = send(pz, "POST", "/public/v1/posts", body)
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Your post should have at least one character or one image."
    )
    assert response.json()["provider"] == "sandbox"


def test_a_preflight_failure_is_a_post_validation_exception(
    pz: Client, account: PlatformAccount
) -> None:
    body = create_body(str(account.pk), {"content": "x" * 501, "image": []})
    response = send(pz, "POST", "/public/v1/posts", body)
    assert response.status_code == 400
    error = response.json()
    assert (error["statusCode"], error["provider"], error["name"]) == (
        400,
        "sandbox",
        "Sandbox",
    )
    assert error["message"] == "Text is 501 graphemes; the sandbox allows 500."
    assert (error["code"], error["rule"]) == (
        "preflight_failed",
        "sandbox.text.max_graphemes",
    )
    assert error["violations"][0]["rule"] == "sandbox.text.max_graphemes"
    assert not PostTarget.objects.exists()


def test_type_update_is_refused_with_the_way_out(
    pz: Client, account: PlatformAccount
) -> None:
    response = send(
        pz, "POST", "/public/v1/posts", create_body(str(account.pk), type="update")
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "postiz.type.update"


@override_settings(POSTIZ_API_LIMIT=1)
def test_creates_are_throttled_per_workspace_in_postizs_words(
    pz: Client, account: PlatformAccount
) -> None:
    create(pz, create_body(str(account.pk)))
    response = send(pz, "POST", "/public/v1/posts", create_body(str(account.pk)))
    assert response.status_code == 429
    error = response.json()
    assert error["message"] == "ThrottlerException: Too Many Requests"
    assert (error["statusCode"], error["code"]) == (429, "rate_limited")
    assert int(response["Retry-After"]) > 0


# --- list -----------------------------------------------------------------------------------


def list_posts(pz: Client, start, end, **extra: str) -> list[dict]:
    response = pz.get(
        "/public/v1/posts", {"startDate": iso(start), "endDate": iso(end), **extra}
    )
    assert response.status_code == 200, response.content
    return response.json()["posts"]


def test_posts_are_listed_by_publish_date_in_postizs_shape(
    pz: Client, account: PlatformAccount
) -> None:
    near, far = later(days=1), later(days=40)
    [inside] = create(
        pz, create_body(str(account.pk), date=near, tags=[{"value": "a", "label": "b"}])
    )
    create(pz, create_body(str(account.pk), date=far))

    [post] = list_posts(pz, later(days=-30), later(days=30))
    assert post["id"] == inside["postId"]
    assert post["publishDate"] == iso(near)
    assert (post["state"], post["content"], post["releaseURL"]) == (
        "QUEUE",
        "Hello",
        None,
    )
    assert post["integration"] == {
        "id": str(account.pk),
        "providerIdentifier": "sandbox",
        "name": "pz",
        "picture": None,
    }
    assert post["settings"] == '{"__type": "sandbox"}'
    assert post["tags"][0]["tag"]["name"] == "b"
    assert post["creationMethod"] == "API"
    assert post["error"] is None
    assert post["group"] == PostizPost.objects.get(target_id=inside["postId"]).group


def test_posts_made_natively_are_listed_too(
    owner: Persona, pz: Client, account: PlatformAccount
) -> None:
    when = later(days=2).replace(microsecond=0)
    native = post_json(
        owner.client,
        "/v1/posts",
        {
            "text": "native",
            "targets": [{"accountId": str(account.pk)}],
            "scheduledAt": iso(when),
        },
    )
    assert native.status_code == 202, native.content
    [post] = list_posts(pz, later(), later(days=3))
    assert (post["content"], post["state"]) == ("native", "QUEUE")


def test_listing_needs_both_dates(pz: Client, account: PlatformAccount) -> None:
    response = pz.get("/public/v1/posts", {"startDate": iso(later())})
    assert response.status_code == 400
    assert response.json()["message"] == [
        "endDate must be a valid ISO 8601 date string"
    ]


# --- delete ---------------------------------------------------------------------------------


def test_deleting_cancels_the_queued_post(
    owner: Persona, pz: Client, account: PlatformAccount
) -> None:
    [item] = create(pz, create_body(str(account.pk)))
    response = pz.delete(f"/public/v1/posts/{item['postId']}")
    assert (response.status_code, response.json()) == (200, {"error": True})
    assert PostTarget.objects.get(pk=item["postId"]).status == "canceled"
    assert list_posts(pz, later(days=-1), later(days=1)) == []
    assert (
        owner.client.get(f"/v1/posts/{item['postId']}").json()["status"] == "canceled"
    )


def test_deleting_by_group(pz: Client, account: PlatformAccount) -> None:
    body = create_body(str(account.pk))
    body["posts"][0]["group"] = "grp"
    [item] = create(pz, body)
    response = pz.delete("/public/v1/posts/group/grp")
    assert response.status_code == 200
    assert PostTarget.objects.get(pk=item["postId"]).status == "canceled"


def test_a_published_post_is_only_hidden_from_postiz(
    owner: Persona, pz: Client, account: PlatformAccount
) -> None:
    published = post_json(
        owner.client,
        "/v1/posts",
        {"text": "out", "targets": [{"accountId": str(account.pk)}]},
    )
    assert published.status_code == 200, published.content
    post_id = published.json()["results"][0]["postId"]
    assert [p["state"] for p in list_posts(pz, later(days=-1), later(days=1))] == [
        "PUBLISHED"
    ]

    assert pz.delete(f"/public/v1/posts/{post_id}").status_code == 200
    assert list_posts(pz, later(days=-1), later(days=1)) == []
    assert PostTarget.objects.get(pk=post_id).status == "published"


def test_deleting_an_unknown_post_is_404_not_postizs_500(pz: Client) -> None:
    response = pz.delete("/public/v1/posts/0190c5f2-0000-7000-8000-000000000000")
    assert response.status_code == 404
    assert response.json()["msg"] == "Post not found"
    assert response.json()["code"] == "not_found"


def test_another_workspaces_post_cannot_be_deleted(
    pz: Client, outsider: Persona
) -> None:
    theirs = connect_sandbox(outsider, "theirs")
    [item] = create(
        Client(HTTP_AUTHORIZATION=outsider.key), create_body(str(theirs.pk))
    )
    assert pz.delete(f"/public/v1/posts/{item['postId']}").status_code == 404
    assert PostTarget.objects.get(pk=item["postId"]).status == "queued"


def test_find_slot_skips_a_taken_minute(pz: Client, account: PlatformAccount) -> None:
    first = pz.get(f"/public/v1/find-slot/{account.pk}")
    assert first.status_code == 200
    slot = first.json()["date"]
    assert len(slot) == 19 and "Z" not in slot  # UTC wall time, no offset
    create(pz, create_body(str(account.pk), date=_utc(slot)))
    second = pz.get(f"/public/v1/find-slot/{account.pk}").json()["date"]
    assert _utc(second) > _utc(slot)


def _utc(naive: str):
    from datetime import UTC, datetime

    return datetime.fromisoformat(naive).replace(tzinfo=UTC)


def test_find_slot_of_an_unknown_integration(pz: Client) -> None:
    response = pz.get("/public/v1/find-slot/nope")
    assert response.status_code == 404
    assert response.json()["msg"] == "Integration not found"


def test_a_profile_scoped_key_cannot_delete_another_profiles_group(
    owner: Persona, pz: Client, account: PlatformAccount, key_factory
) -> None:
    from accounts.services import create_profile

    body = create_body(str(account.pk))
    body["posts"][0]["group"] = "shared-name"
    [item] = create(pz, body)
    brand = create_profile(workspace=owner.workspace, name="Brand")
    scoped = Client(HTTP_AUTHORIZATION=key_factory(profile=brand))
    assert scoped.delete("/public/v1/posts/group/shared-name").status_code == 200
    assert scoped.delete(f"/public/v1/posts/{item['postId']}").status_code == 404
    assert PostTarget.objects.get(pk=item["postId"]).status == "queued"

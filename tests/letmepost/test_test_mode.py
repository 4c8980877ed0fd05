"""A test key never reaches a real platform and never changes a live object (D23, issue #15 §2).

Every write operation of `/v1/openapi.json` (read from the app) and of the Postiz-compatible API
(read from its URLconf) is sent with an `lmp_test_` key against live objects: a live draft, a
failed and a queued live post, live Mastodon and Pinterest accounts, a live webhook endpoint and
event, live keys, live media, live Postiz groups. No request may leave for any upstream (`responses`
with nothing registered records every attempt), and no live row may change, appear or vanish.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import responses
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, reverse
from drf_spectacular.generators import SchemaGenerator

from accounts.models import ApiKey, Profile
from accounts.services import create_profile, mint_api_key
from platforms.models import PlatformAccount
from postiz import urls as postiz_urls
from posts.models import PostTarget
from tests.conftest import Persona, api_client, post_json
from tests.media.conftest import png_bytes
from tests.platforms.mastodon.conftest import connect_mastodon
from tests.platforms.pinterest.conftest import CLIENT as PINTEREST_CLIENT
from tests.platforms.pinterest.conftest import connect_pinterest
from webhooks.models import WebhookDelivery, WebhookEvent

WRITES = ("post", "put", "patch", "delete")
FILE_HOST = (
    "files.invalid"  # the caller's own file server (media by URL): not a platform
)
APPS = ("accounts", "platforms", "posts", "media_library", "webhooks", "postiz")
# Rows without a mode a test key may add: they reach no platform and change nothing live.
MODELESS_NEW_ROWS = {
    "accounts.profile",  # createProfile: workspace structure, shared by both modes
    "platforms.sandboxpost",  # the sandbox's own timeline
}


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class World:
    """Live objects, made the way live callers make them."""

    mastodon: PlatformAccount
    pinterest: PlatformAccount
    sandbox: PlatformAccount
    draft: str  # a live draft on Mastodon (no time: promoting it publishes now)
    queued: str  # a live post scheduled on Mastodon
    failed: str  # a live post that failed on Mastodon
    sandbox_queued: str  # a live post scheduled on the sandbox account
    media: str
    endpoint: str
    event: str
    live_key: ApiKey
    brand: Profile  # a profile holding a live key
    postiz_draft: str
    postiz_queued: str


def _result(response: Any) -> str:
    assert response.status_code in (200, 201, 202), response.content
    return response.json()["results"][0]["postId"]


@pytest.fixture
def world(owner: Persona, settings: Any, tmp_path: Any) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OAUTH_CLIENTS = {**settings.OAUTH_CLIENTS, "pinterest": PINTEREST_CLIENT}
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_REQUIRE_HTTPS = False
    live = owner.client
    endpoint = post_json(
        live, "/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/hook"}
    )
    assert endpoint.status_code == 201, endpoint.content
    mastodon = connect_mastodon(owner)
    sandbox = post_json(
        live, "/v1/accounts/connect/sandbox/complete", {"handle": "both-modes"}
    ).json()["id"]
    later = iso(datetime.now(UTC) + timedelta(hours=2))
    on_mastodon = {"targets": [{"accountId": str(mastodon.pk)}]}
    draft = _result(
        post_json(live, "/v1/posts", {**on_mastodon, "text": "d", "draft": True})
    )
    queued = _result(
        post_json(live, "/v1/posts", {**on_mastodon, "text": "q", "scheduledAt": later})
    )
    failed = _result(
        post_json(live, "/v1/posts", {**on_mastodon, "text": "f", "scheduledAt": later})
    )
    PostTarget.objects.filter(pk=failed).update(
        status=PostTarget.Status.FAILED,
        error={"code": "platform_unavailable", "message": "Mastodon was down."},
        error_code="platform_unavailable",
    )
    sandbox_queued = _result(
        post_json(
            live,
            "/v1/posts",
            {"targets": [{"accountId": sandbox}], "text": "s", "scheduledAt": later},
        )
    )
    media = live.post("/v1/media", {"file": SimpleUploadedFile("a.png", png_bytes())})
    assert media.status_code == 201, media.content
    brand = create_profile(workspace=owner.workspace, name="Brand")
    mint_api_key(workspace=owner.workspace, name="brand", profile=brand)
    postiz = Client(HTTP_AUTHORIZATION=owner.key)
    postiz_ids = []
    for kind, group in (("draft", "live-draft"), ("schedule", "live-queued")):
        created = postiz.post(
            "/public/v1/posts",
            json.dumps(
                {
                    "type": kind,
                    "date": later,
                    "shortLink": False,
                    "tags": [],
                    "posts": [
                        {
                            "integration": {"id": str(mastodon.pk)},
                            "group": group,
                            "value": [{"content": f"<p>{kind}</p>", "image": []}],
                            "settings": {},
                        }
                    ],
                }
            ),
            content_type="application/json",
        )
        assert created.status_code == 201, created.content
        postiz_ids.append(created.json()[0]["postId"])
    return World(
        mastodon=mastodon,
        pinterest=connect_pinterest(owner),
        sandbox=PlatformAccount.objects.get(pk=sandbox),
        draft=draft,
        queued=queued,
        failed=failed,
        sandbox_queued=sandbox_queued,
        media=media.json()["id"],
        endpoint=endpoint.json()["id"],
        event=str(WebhookEvent.objects.filter(livemode=True).latest("seq").id),
        live_key=ApiKey.objects.get(workspace=owner.workspace, name="fixture"),
        brand=brand,
        postiz_draft=postiz_ids[0],
        postiz_queued=postiz_ids[1],
    )


# --- what a test key sends ---------------------------------------------------------------------

Call = tuple[
    str, str, Any
]  # method, path, JSON body (or a dict of files for multipart)
Later = iso(datetime(2099, 1, 1, tzinfo=UTC))


def v1_calls(w: World) -> dict[str, list[Call]]:
    """Every /v1 write, by operationId, aimed at the live objects."""
    masto, pin = str(w.mastodon.pk), str(w.pinterest.pk)
    hook = f"/v1/webhook-endpoints/{w.endpoint}"
    return {
        "disconnectAccount": [
            ("DELETE", f"/v1/accounts/{masto}", None),
            ("DELETE", f"/v1/accounts/{w.sandbox.pk}", None),  # a live post waits on it
        ],
        "createPinterestBoard": [
            ("POST", f"/v1/accounts/{pin}/pinterest/boards", {"name": "Test"})
        ],
        "setPinterestDefaultBoard": [
            ("PATCH", f"/v1/accounts/{pin}/pinterest/default-board", {"boardId": "1"})
        ],
        "connectAccount": [
            (
                "POST",
                "/v1/accounts/connect/mastodon",
                {"instanceUrl": "https://mastodon.example"},
            )
        ],
        "selectAccounts": [
            (
                "POST",
                "/v1/accounts/connect/google_business/select",
                {
                    "selectionId": "0190c0de-0000-7000-8000-000000000001",
                    "externalIds": ["accounts/1/locations/2"],
                },
            )
        ],
        "completeConnect": [
            (
                "POST",
                "/v1/accounts/connect/bluesky/complete",
                {
                    "identifier": "alice.bsky.social",
                    "appPassword": "abcd-efgh-ijkl-mnop",
                },
            ),
            (
                "POST",
                "/v1/accounts/connect/mastodon/complete",
                {"code": "c", "state": "s"},
            ),
        ],
        "createApiKey": [("POST", "/v1/api-keys", {"name": "escalate"})],
        "revokeApiKey": [("DELETE", f"/v1/api-keys/{w.live_key.pk}", None)],
        "createMedia": [("POST", "/v1/media", {"file": png_bytes()})],
        "deleteMedia": [("DELETE", f"/v1/media/{w.media}", None)],
        "createPost": [
            ("POST", "/v1/posts", {"targets": [{"accountId": masto}], "text": "t"}),
            (
                "POST",
                "/v1/posts",
                {
                    "targets": [{"accountId": masto}],
                    "text": "t",
                    "media": [{"kind": "image", "mediaId": w.media}],
                },
            ),
        ],
        "reschedulePost": [
            ("PATCH", f"/v1/posts/{w.draft}", {"publishNow": True}),
            ("PATCH", f"/v1/posts/{w.draft}", {"text": "edited"}),
            ("PATCH", f"/v1/posts/{w.postiz_draft}", {"scheduledAt": Later}),
            ("PATCH", f"/v1/posts/{w.queued}", {"scheduledAt": Later}),
        ],
        "cancelPost": [
            ("DELETE", f"/v1/posts/{w.queued}", None),
            ("DELETE", f"/v1/posts/{w.draft}", None),
        ],
        "retryPost": [
            ("POST", f"/v1/posts/{w.failed}/retry", {}),
            ("POST", f"/v1/posts/{w.failed}/retry", {"confirmUnknown": True}),
        ],
        "validatePost": [
            (
                "POST",
                "/v1/posts/validate",
                {"targets": [{"accountId": masto}], "text": "v"},
            )
        ],
        "createProfile": [("POST", "/v1/profiles", {"name": "Test profile"})],
        "updateProfile": [
            ("PATCH", f"/v1/profiles/{w.mastodon.profile_id}", {"name": "Renamed"}),
            ("PATCH", f"/v1/profiles/{w.brand.pk}", {"name": "Renamed"}),
        ],
        "deleteProfile": [("DELETE", f"/v1/profiles/{w.brand.pk}", None)],
        "setProfileQueue": [
            ("PUT", f"/v1/profiles/{p}/queue", {"timezone": "UTC", "slots": []})
            for p in (w.mastodon.profile_id, w.brand.pk)
        ],
        "createWebhookEndpoint": [
            ("POST", "/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/test"})
        ],
        "updateWebhookEndpoint": [("PATCH", hook, {"description": "changed"})],
        "deleteWebhookEndpoint": [("DELETE", hook, None)],
        "replayWebhookEvent": [("POST", f"{hook}/replay/{w.event}", {})],
        "rotateWebhookEndpointSecret": [("POST", f"{hook}/rotate-secret", {})],
        "testWebhookEndpoint": [("POST", f"{hook}/test", {})],
    }


def postiz_calls(w: World) -> dict[tuple[str, str], list[Call]]:
    """Every Postiz-compatible write, by (URL name, method), aimed at the live objects."""
    masto = str(w.mastodon.pk)

    def create(kind: str, group: str) -> dict[str, Any]:
        return {
            "type": kind,
            "date": Later,
            "shortLink": False,
            "tags": [],
            "posts": [
                {
                    "integration": {"id": masto},
                    "group": group,
                    "value": [{"content": "<p>test</p>", "image": []}],
                    "settings": {},
                }
            ],
        }

    base = "/public/v1"
    return {
        ("posts", "post"): [
            ("POST", f"{base}/posts", create("schedule", "live-queued")),
            ("POST", f"{base}/posts", create("draft", "live-draft")),
            ("POST", f"/api{base}/posts", create("now", "new-test-group")),
        ],
        ("post", "delete"): [
            ("DELETE", f"{base}/posts/{w.postiz_queued}", None),
            ("DELETE", f"{base}/posts/{w.draft}", None),
        ],
        ("post-group", "delete"): [
            ("DELETE", f"{base}/posts/group/live-queued", None),
            ("DELETE", f"{base}/posts/group/live-draft", None),
        ],
        ("post-status", "put"): [
            ("PUT", f"{base}/posts/{w.draft}/status", {"status": "schedule"}),
            ("PUT", f"{base}/posts/{w.postiz_draft}/status", {"status": "schedule"}),
            ("PUT", f"{base}/posts/{w.postiz_queued}/status", {"status": "draft"}),
            ("PUT", f"{base}/posts/{w.sandbox_queued}/status", {"status": "draft"}),
        ],
        ("integration", "delete"): [
            ("DELETE", f"{base}/integrations/{masto}", None),
            # The sandbox account has live posts queued: a test key cannot cancel them.
            ("DELETE", f"{base}/integrations/{w.sandbox.pk}", None),
        ],
        ("post-settings", "put"): [
            ("PUT", f"{base}/posts/{w.postiz_queued}/settings", {"settings": {}})
        ],
        ("post-release-id", "put"): [
            ("PUT", f"{base}/posts/{w.postiz_queued}/release-id", {"releaseId": "1"})
        ],
        ("integration-trigger", "post"): [
            ("POST", f"{base}/integration-trigger/{masto}", {"methodName": "x"})
        ],
        ("upload", "post"): [("POST", f"{base}/upload", {"file": png_bytes()})],
        ("upload-from-url", "post"): [
            ("POST", f"{base}/upload-from-url", {"url": f"https://{FILE_HOST}/a.png"})
        ],
    }


def v1_write_operations() -> set[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        op["operationId"]
        for item in schema["paths"].values()
        for method, op in item.items()
        if method in WRITES
    }


def postiz_write_operations() -> set[tuple[str, str]]:
    found = set()
    for pattern in postiz_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        view = pattern.callback.view_class  # type: ignore[attr-defined]
        found |= {(pattern.name, m) for m in WRITES if hasattr(view, m)}
    return found


def send(client: Client, call: Call) -> Any:
    method, path, body = call
    if isinstance(body, dict) and isinstance(body.get("file"), bytes):
        return client.post(path, {"file": SimpleUploadedFile("t.png", body["file"])})
    data = {} if body is None else {"data": json.dumps(body)}
    return getattr(client, method.lower())(
        path, content_type="application/json", **data
    )


# --- what must not change ------------------------------------------------------------------------


def _mode(obj: models.Model) -> bool | None:
    """True for a live row, False for a test row, None for a row that has no mode."""
    for name in ("livemode", "target", "event", "post"):
        value = getattr(obj, name, None)
        if isinstance(value, bool):
            return value
        if isinstance(value, models.Model):
            return _mode(value)
    return None


def snapshot() -> dict[tuple[str, Any], dict[str, Any]]:
    rows = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            for row in model.objects.all():
                values = {
                    f.attname: getattr(row, f.attname) for f in model._meta.fields
                }
                rows[(model._meta.label_lower, row.pk)] = {
                    "mode": _mode(row),
                    "values": values,
                }
    return rows


def live_changes(before: dict, after: dict) -> list[str]:
    """What changed among the rows that are live or have no mode, and any new live row."""
    problems = []
    for key, old in before.items():
        if old["mode"] is False:
            continue
        new = after.get(key)
        if new is None:
            problems.append(f"{key} vanished")
        elif new["values"] != old["values"]:
            changed = {
                k: (v, new["values"][k])
                for k, v in old["values"].items()
                if new["values"][k] != v
            }
            problems.append(f"{key} changed: {changed}")
    for key, new in after.items():
        if key in before:
            continue
        mode = new["mode"]
        if mode is True or (mode is None and key[0] not in MODELESS_NEW_ROWS):
            problems.append(f"{key} appeared (mode {mode})")
    return problems


@pytest.fixture
def upstream() -> Iterator[responses.RequestsMock]:
    """Nothing registered: any request to any host is recorded and refused."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def test_client(key_factory: Callable[..., str]) -> Client:
    return api_client(key_factory(prefix=ApiKey.Prefix.TEST))


# --- the walk ------------------------------------------------------------------------------------

# A write operation that cannot be aimed at a live object goes here, with the reason.
NOT_APPLICABLE: dict[Any, str] = {}


def walk(
    client: Client, calls: dict[Any, list[Call]], upstream: responses.RequestsMock
) -> dict[Any, list[str]]:
    """Send each call against the same live world (each is rolled back to a savepoint, so
    none hides another); return, per operation, every 5xx, upstream request and live change."""
    found: dict[Any, list[str]] = {}
    before = snapshot()
    for op, op_calls in calls.items():
        for call in op_calls:
            savepoint = transaction.savepoint()
            upstream.calls.reset()
            response = send(client, call)
            problems = live_changes(before, snapshot())
            transaction.savepoint_rollback(savepoint)
            if response.status_code >= 500:
                problems.append(f"answered {response.status_code}")
            problems += [
                f"sent {c.request.method} {c.request.url}"
                for c in upstream.calls
                if urlsplit(c.request.url).hostname != FILE_HOST
            ]
            if problems:
                found.setdefault(op, []).append(f"{call[0]} {call[1]}: {problems}")
    return found


def test_a_test_key_changes_no_live_object_through_any_v1_write(
    world: World, test_client: Client, upstream: responses.RequestsMock
) -> None:
    calls = v1_calls(world)
    assert v1_write_operations() == set(calls) | set(NOT_APPLICABLE), (
        "every write operation in /v1/openapi.json is walked or listed as not applicable"
    )
    assert walk(test_client, calls, upstream) == {}


def test_a_test_key_changes_no_live_object_through_any_postiz_write(
    world: World, key_factory: Callable[..., str], upstream: responses.RequestsMock
) -> None:
    calls = postiz_calls(world)
    assert postiz_write_operations() == set(calls) | set(NOT_APPLICABLE)
    bare = Client(HTTP_AUTHORIZATION=key_factory(prefix=ApiKey.Prefix.TEST))
    assert walk(bare, calls, upstream) == {}


def test_a_test_key_works_in_its_own_world(
    world: World, test_client: Client, upstream: responses.RequestsMock
) -> None:
    """The same writes on test objects still work, and go to the sandbox only."""
    body = {"targets": [{"accountId": str(world.mastodon.pk)}], "draft": True}
    draft = _result(post_json(test_client, "/v1/posts", {**body, "text": "mine"}))
    promoted = test_client.patch(
        f"/v1/posts/{draft}", {"publishNow": True}, content_type="application/json"
    )
    assert promoted.status_code == 200, promoted.content
    assert promoted.json()["status"] == "published"
    assert PostTarget.objects.get(pk=draft).livemode is False
    listed = test_client.get("/v1/posts").json()["data"]
    assert [p["id"] for p in listed] == [draft]  # none of the live posts
    assert test_client.get(f"/v1/posts/{world.draft}").status_code == 404
    assert list(upstream.calls) == []


def test_a_live_key_does_not_see_or_touch_test_posts(
    owner: Persona, world: World, test_client: Client
) -> None:
    body = {"targets": [{"accountId": str(world.mastodon.pk)}], "draft": True}
    draft = _result(post_json(test_client, "/v1/posts", {**body, "text": "mine"}))
    response = owner.client.patch(
        f"/v1/posts/{draft}", {"publishNow": True}, content_type="application/json"
    )
    assert response.status_code == 404
    assert PostTarget.objects.get(pk=draft).status == PostTarget.Status.DRAFT


def test_an_endpoint_hears_only_the_events_of_its_own_mode(
    world: World, test_client: Client
) -> None:
    made = post_json(
        test_client, "/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/test"}
    )
    assert made.status_code == 201, made.content
    body = {"targets": [{"accountId": str(world.mastodon.pk)}], "text": "t"}
    _result(post_json(test_client, "/v1/posts", body))
    heard = {
        endpoint: set(
            WebhookDelivery.objects.filter(endpoint_id=endpoint).values_list(
                "event__livemode", flat=True
            )
        )
        for endpoint in (world.endpoint, made.json()["id"])
    }
    assert heard == {world.endpoint: {True}, made.json()["id"]: {False}}


def test_the_dashboard_is_live_mode(
    owner: Persona, world: World, test_client: Client
) -> None:
    target = {
        "accountId": str(world.mastodon.pk),
        "options": {"sandboxOutcome": "platform_rejected"},
    }
    rejected = _result(
        post_json(test_client, "/v1/posts", {"targets": [target], "text": "no"})
    )
    assert PostTarget.objects.get(pk=rejected).status == PostTarget.Status.REJECTED
    browser = Client()
    browser.force_login(owner.user)
    assert browser.get(reverse("posts:detail", args=[world.failed])).status_code == 200
    assert browser.get(reverse("posts:detail", args=[rejected])).status_code == 404
    assert browser.post(reverse("posts:retry", args=[rejected])).status_code == 404
    assert PostTarget.objects.filter(livemode=False).count() == 1  # nothing retried
    when = {"text": "then", "scheduledAt": "2099-01-15T12:00:00Z"}
    on_mastodon = {"targets": [{"accountId": str(world.mastodon.pk)}]}
    live = _result(post_json(owner.client, "/v1/posts", {**on_mastodon, **when}))
    test = _result(post_json(test_client, "/v1/posts", {**on_mastodon, **when}))
    page = browser.get(reverse("posts:calendar"), {"date": "2099-01-15"}).content
    assert live.encode() in page and test.encode() not in page


def test_a_test_key_manages_what_it_made(
    world: World, test_client: Client, upstream: responses.RequestsMock
) -> None:
    """What the SDKs' suites do with a test key keeps working: its own objects are its to
    change (a profile it made holds nothing live; the sandbox account it connects has no live
    post waiting)."""

    def ok(method: str, path: str, body: Any = None) -> Any:
        response = send(test_client, (method, path, body))
        assert response.status_code in (200, 201), (path, response.content)
        return response.json()

    profile = ok("POST", "/v1/profiles", {"name": "Brand T"})["id"]
    ok("PATCH", f"/v1/profiles/{profile}", {"name": "Brand U"})
    ok("PUT", f"/v1/profiles/{profile}/queue", {"timezone": "UTC", "slots": []})
    ok("DELETE", f"/v1/profiles/{profile}")
    media = ok("POST", "/v1/media", {"file": png_bytes()})["id"]
    ok("DELETE", f"/v1/media/{media}")
    account = ok("POST", "/v1/accounts/connect/sandbox/complete", {"handle": "tmp"})
    ok("DELETE", f"/v1/accounts/{account['id']}")
    hook = ok("POST", "/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/t"})["id"]
    ok("PATCH", f"/v1/webhook-endpoints/{hook}", {"description": "mine"})
    ok("POST", f"/v1/webhook-endpoints/{hook}/rotate-secret", {})
    ok("DELETE", f"/v1/webhook-endpoints/{hook}")
    key = ok("POST", "/v1/api-keys", {"name": "ci", "prefix": "lmp_test_"})["id"]
    assert key in [k["id"] for k in ok("GET", "/v1/api-keys")["data"]]
    ok("DELETE", f"/v1/api-keys/{key}")
    assert str(world.live_key.pk) not in [
        k["id"] for k in ok("GET", "/v1/api-keys")["data"]
    ]
    assert list(upstream.calls) == []

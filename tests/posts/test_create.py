"""`POST /v1/posts`: immediate and scheduled publishing to sandbox accounts, in documented order."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiKey
from accounts.services import create_profile
from letmepost.api.fields import format_datetime
from letmepost.errors import CATALOG
from platforms.models import SandboxPost
from posts.models import PostTarget
from tests.conftest import Persona, api_client, connect_sandbox, error_of, post_json


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def two_accounts(owner: Persona):
    return connect_sandbox(owner, "alpha"), connect_sandbox(owner, "beta")


def test_immediate_publish_returns_results_in_input_order(
    owner: Persona, two_accounts
) -> None:
    a, b = two_accounts
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(b.pk)}, {"accountId": str(a.pk)}],
            "text": "hello",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "published" and body["livemode"] is True
    assert [r["accountId"] for r in body["results"]] == [str(b.pk), str(a.pk)]
    for result in body["results"]:
        assert result["status"] == "published"
        assert result["uri"] == f"sandbox://sandbox/{result['postId']}"
    assert SandboxPost.objects.count() == 2


def test_one_failing_target_gives_partial_failed_with_its_error(
    owner: Persona, two_accounts
) -> None:
    a, b = two_accounts
    body = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [
                {
                    "accountId": str(a.pk),
                    "options": {
                        "platform": "sandbox",
                        "sandboxOutcome": "platform_rejected",
                    },
                },
                {"accountId": str(b.pk)},
            ],
            "text": "mixed",
        },
    ).json()
    assert body["status"] == "partial_failed"
    rejected, published = body["results"]
    assert (rejected["status"], rejected["error"]["code"]) == (
        "rejected",
        "platform_rejected",
    )
    assert rejected["error"]["rule"] == "sandbox.outcome.forced"
    assert {"docUrl", "requestId"}.isdisjoint(rejected["error"])
    assert (rejected["error"]["platform"], rejected["error"]["platformVersion"]) == (
        "sandbox",
        "sandbox-v1",
    )
    assert published["status"] == "published"


EXPECTED_STATUS = {
    "preflight_failed": "rejected",
    "platform_auth_failed": "rejected",
    "platform_rejected": "rejected",
    "validation_failed": "rejected",
    "platform_unavailable": "queued",
    "rate_limited": "queued",
}


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_every_error_code_can_be_forced_and_lands_in_the_right_status(
    owner: Persona, code: str
) -> None:
    account = connect_sandbox(owner, "forced")
    response = post_json(
        owner.client,
        "/v1/posts",
        {"targets": [{"accountId": str(account.pk)}], "text": "x"},
        HTTP_LETMEPOST_SANDBOX_OUTCOME=code,
    )
    result = response.json()["results"][0]
    assert result["status"] == EXPECTED_STATUS.get(code, "failed"), result
    assert result["error"]["code"] == code
    if (
        result["status"] == "queued"
    ):  # transient: retried later, and the caller is told when
        assert result["nextAttemptAt"].endswith("Z")
    assert not SandboxPost.objects.exists()


def test_all_targets_failing_gives_failed(owner: Persona, two_accounts) -> None:
    a, _ = two_accounts
    body = post_json(
        owner.client,
        "/v1/posts",
        {"targets": [{"accountId": str(a.pk)}], "text": "x"},
        HTTP_LETMEPOST_SANDBOX_OUTCOME="platform_auth_failed",
    ).json()
    assert body["status"] == "failed"


def test_scheduled_post_is_202_queued_and_keeps_everything(
    owner: Persona, two_accounts
) -> None:
    a, _ = two_accounts
    when = datetime.now(UTC) + timedelta(hours=1)
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [
                {
                    "accountId": str(a.pk),
                    "options": {"platform": "sandbox", "sandboxDelayMs": 1},
                }
            ],
            "text": "later",
            "firstComment": {"text": "first!"},
            "scheduledAt": iso(when),
            "media": [
                {
                    "kind": "image",
                    "url": "https://cdn.example.com/a.png",
                    "altText": "A",
                }
            ],
        },
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["scheduledAt"] == format_datetime(when)
    target = PostTarget.objects.get(pk=body["results"][0]["postId"])
    assert target.status == "queued" and target.first_comment == "first!"
    assert target.media == [
        {"kind": "image", "altText": "A", "url": "https://cdn.example.com/a.png"}
    ]
    assert target.options == {"platform": "sandbox"} and target.sandbox == {
        "delayMs": 1
    }
    assert not SandboxPost.objects.exists()


def test_scheduled_at_accepts_an_offset_and_refuses_a_naive_time(
    owner: Persona, two_accounts
) -> None:
    a, _ = two_accounts
    later = (datetime.now(UTC) + timedelta(hours=2)).astimezone().replace(microsecond=0)
    offset = later.astimezone(timezone(timedelta(hours=5, minutes=30)))
    ok = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(a.pk)}],
            "text": "t",
            "scheduledAt": offset.isoformat(),
        },
    )
    assert ok.status_code == 202
    assert ok.json()["scheduledAt"] == later.astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    )
    naive = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(a.pk)}],
            "text": "t",
            "scheduledAt": "2030-01-01T10:00:00",
        },
    )
    assert naive.status_code == 400 and error_of(naive)["rule"] == "scheduledAt"


def test_prefer_respond_async_queues_for_the_workers(
    owner: Persona, two_accounts
) -> None:
    a, _ = two_accounts
    response = post_json(
        owner.client,
        "/v1/posts",
        {"targets": [{"accountId": str(a.pk)}], "text": "bg"},
        HTTP_PREFER="respond-async",
    )
    assert response.status_code == 202
    assert response.json()["results"][0]["status"] == "queued"


def test_test_keys_publish_to_the_sandbox_with_livemode_false(
    owner: Persona, key_factory
) -> None:
    account = connect_sandbox(owner, "t")
    test_client = api_client(key_factory(prefix=ApiKey.Prefix.TEST))
    body = post_json(
        test_client,
        "/v1/posts",
        {"targets": [{"accountId": str(account.pk)}], "text": "t"},
    ).json()
    assert body["livemode"] is False and body["status"] == "published"
    assert PostTarget.objects.get().livemode is False
    listed = test_client.get("/v1/posts?livemode=false").json()["data"]
    assert [p["id"] for p in listed] == [body["results"][0]["postId"]]
    assert test_client.get("/v1/posts?livemode=true").json()["data"] == []
    # Test and live are two worlds (D23): a live key does not see test posts.
    assert owner.client.get("/v1/posts?livemode=false").json()["data"] == []


def test_a_replayed_key_returns_the_same_batch_and_publishes_once(
    owner: Persona, two_accounts
) -> None:
    a, _ = two_accounts
    key = str(uuid.uuid4())
    body = {"targets": [{"accountId": str(a.pk)}], "text": "once"}
    first = post_json(owner.client, "/v1/posts", body, HTTP_IDEMPOTENCY_KEY=key)
    second = post_json(owner.client, "/v1/posts", body, HTTP_IDEMPOTENCY_KEY=key)
    assert first.content == second.content and second["Idempotency-Replayed"] == "true"
    assert SandboxPost.objects.count() == 1 and PostTarget.objects.count() == 1


def test_a_scheduled_post_is_stored_for_replay_in_the_transaction_that_creates_it(
    owner: Persona, two_accounts
) -> None:
    a, _ = two_accounts
    key = str(uuid.uuid4())
    later = iso(datetime.now(UTC) + timedelta(days=1))
    body = {
        "targets": [{"accountId": str(a.pk)}],
        "text": "later",
        "scheduledAt": later,
    }
    with CaptureQueriesContext(connection) as captured:
        first = post_json(owner.client, "/v1/posts", body, HTTP_IDEMPOTENCY_KEY=key)
    statements = [
        q["sql"].split(" ", 1)[0]
        for q in captured.captured_queries
        if "letmepost_idempotencyrecord" in q["sql"]
    ]
    # One look for the key, then the answer written with the post: no reservation of its own.
    assert (first.status_code, statements) == (202, ["SELECT", "INSERT"])
    second = post_json(owner.client, "/v1/posts", body, HTTP_IDEMPOTENCY_KEY=key)
    assert first.content == second.content and second["Idempotency-Replayed"] == "true"
    assert second.status_code == 202 and PostTarget.objects.count() == 1


def test_the_unprefixed_alias_works(owner: Persona, two_accounts) -> None:
    a, _ = two_accounts
    assert (
        post_json(
            owner.client,
            "/posts",
            {"targets": [{"accountId": str(a.pk)}], "text": "alias"},
        ).status_code
        == 200
    )


# --- error precedence (spec/api.md §8.1) -------------------------------------------------------


def rule_of(owner: Persona, body: dict, **headers) -> tuple[int, str | None]:
    response = post_json(owner.client, "/v1/posts", body, **headers)
    error = error_of(response)
    return response.status_code, error.get("rule")


def test_schema_errors_name_the_first_path(owner: Persona) -> None:
    assert rule_of(owner, {"targets": [], "text": "x"}) == (400, "targets")
    assert rule_of(owner, {"targets": [{}], "text": "x"}) == (
        400,
        "targets.0.accountId",
    )
    assert rule_of(owner, {"targets": [{"platform": "myspace"}], "text": "x"}) == (
        400,
        "targets.0.platform",
    )
    assert rule_of(owner, {"targets": [{"platform": "sandbox"}], "text": ""}) == (
        400,
        "text",
    )
    bad_media = {
        "targets": [{"platform": "sandbox"}],
        "text": "x",
        "media": [{"kind": "image"}],
    }
    status, rule = rule_of(owner, bad_media)
    assert (status, rule) == (400, "media.0")


def test_batch_rules_in_order(owner: Persona, two_accounts) -> None:
    a, _ = two_accounts
    target = {"accountId": str(a.pk)}
    soon = iso(datetime.now(UTC) + timedelta(hours=1))
    assert rule_of(owner, {"targets": [target] * 26, "text": "x"}) == (
        400,
        "targets.max",
    )
    assert rule_of(
        owner,
        {"targets": [target], "text": "x", "publishNow": True, "scheduledAt": soon},
    ) == (400, "mode_conflict")
    assert rule_of(
        owner, {"targets": [{"accountId": str(uuid.uuid4())}], "text": "x"}
    ) == (404, None)
    assert rule_of(
        owner,
        {"targets": [{"accountId": str(a.pk), "platform": "bluesky"}], "text": "x"},
    ) == (400, "targets.account.platform_mismatch")
    assert rule_of(owner, {"targets": [{"platform": "bluesky"}], "text": "x"}) == (
        400,
        "target.account.not_connected",
    )
    status, rule = rule_of(owner, {"targets": [{"platform": "sandbox"}], "text": "x"})
    assert (status, rule) == (400, "target.account.ambiguous")
    wrong_options = {"accountId": str(a.pk), "options": {"platform": "twitter"}}
    assert rule_of(owner, {"targets": [wrong_options], "text": "x"}) == (
        400,
        "targets.options.platform_mismatch",
    )
    assert rule_of(owner, {"targets": [target]}) == (400, "targets.text.required")
    past = iso(datetime.now(UTC) - timedelta(minutes=1))
    assert rule_of(owner, {"targets": [target], "text": "x", "scheduledAt": past}) == (
        400,
        "scheduledAt.future",
    )
    assert not PostTarget.objects.exists()


def test_platform_only_targets_resolve_within_the_profile(owner: Persona) -> None:
    connect_sandbox(owner, "only")
    response = post_json(
        owner.client,
        "/v1/posts",
        {"targets": [{"platform": "sandbox"}], "text": "auto"},
    )
    assert response.status_code == 200 and response.json()["status"] == "published"


def test_preflight_reports_every_violation_and_writes_nothing(
    owner: Persona, two_accounts
) -> None:
    a, b = two_accounts
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [
                {"accountId": str(a.pk), "text": "x" * 501},
                {
                    "accountId": str(b.pk),
                    "text": "ok",
                    "media": [
                        {"kind": "image", "url": f"https://e.com/{i}.png"}
                        for i in range(5)
                    ],
                },
            ],
        },
    )
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["rule"], error["platform"]) == (
        "preflight_failed",
        "sandbox.text.max_graphemes",
        "sandbox",
    )
    assert error["ruleUrl"].endswith("/docs/preflight/sandbox-text-max_graphemes")
    assert [(v["rule"], v["targetIndex"]) for v in error["violations"]] == [
        ("sandbox.text.max_graphemes", 0),
        ("sandbox.media.max_count", 1),
    ]
    assert not PostTarget.objects.exists()


def test_graphemes_not_code_points_are_counted(owner: Persona, two_accounts) -> None:
    a, _ = two_accounts
    family = "👨‍👩‍👧‍👦" * 500  # 3,500 code points, 500 graphemes
    response = post_json(
        owner.client,
        "/v1/posts",
        {"targets": [{"accountId": str(a.pk)}], "text": family},
    )
    assert response.status_code == 200


def test_another_workspaces_account_is_not_found(
    owner: Persona, outsider: Persona
) -> None:
    theirs = connect_sandbox(outsider, "theirs")
    response = post_json(
        owner.client,
        "/v1/posts",
        {"targets": [{"accountId": str(theirs.pk)}], "text": "x"},
    )
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_profile_scoped_keys_stay_in_their_profile(owner: Persona, key_factory) -> None:
    brand = create_profile(workspace=owner.workspace, name="Brand")
    in_brand = connect_sandbox(owner, "brand", profile=brand)
    in_default = connect_sandbox(owner, "default")
    scoped = api_client(key_factory(profile=brand))
    out = post_json(
        scoped,
        "/v1/posts",
        {"targets": [{"accountId": str(in_default.pk)}], "text": "x"},
    )
    assert out.status_code == 404 and error_of(out)["rule"] == "api_key.profile_scope"
    mismatch = post_json(
        scoped,
        "/v1/posts",
        {
            "targets": [{"accountId": str(in_brand.pk)}],
            "text": "x",
            "profileId": str(owner.profile.pk),
        },
    )
    assert (
        mismatch.status_code == 400
        and error_of(mismatch)["rule"] == "profile.scope_mismatch"
    )
    assert (
        post_json(
            scoped, "/v1/posts", {"targets": [{"platform": "sandbox"}], "text": "x"}
        ).status_code
        == 200
    )


def test_each_stored_target_emits_validated_then_queued_in_the_same_transaction(
    owner: Persona, two_accounts, listening: None
) -> None:
    from webhooks.models import WebhookEvent

    a, _ = two_accounts
    result = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(a.pk)}],
            "text": "events",
            "scheduledAt": iso(datetime.now(UTC) + timedelta(hours=1)),
        },
    ).json()["results"][0]
    events = list(
        WebhookEvent.objects.filter(ordering_key=f"post:{result['postId']}").order_by(
            "seq"
        )
    )
    assert [e.type for e in events] == ["post.validated", "post.queued"]
    validated = json.loads(events[0].body)["data"]
    assert validated["id"] == result["postId"] and validated["rules"] == []
    rejected = post_json(
        owner.client,
        "/v1/posts",
        {"targets": [{"accountId": str(a.pk)}], "text": "x" * 600},
    )
    assert rejected.status_code == 400
    assert WebhookEvent.objects.count() == 2  # a refused request emits nothing


@pytest.fixture
def listening(owner: Persona, settings) -> None:
    """An endpoint of the owner's workspace that subscribes to every event."""
    from webhooks.services import create_endpoint

    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_REQUIRE_HTTPS = False
    create_endpoint(workspace=owner.workspace, url="http://127.0.0.1:9/all", events=[])


def test_events_are_stored_only_for_the_types_an_endpoint_listens_for(
    owner: Persona, two_accounts, settings
) -> None:
    from webhooks.models import WebhookDelivery, WebhookEvent
    from webhooks.services import create_endpoint

    a, _ = two_accounts
    body = {
        "targets": [{"accountId": str(a.pk)}],
        "text": "nobody listens",
        "scheduledAt": iso(datetime.now(UTC) + timedelta(hours=1)),
    }
    assert post_json(owner.client, "/v1/posts", body).status_code == 202
    assert not WebhookEvent.objects.exists()

    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_REQUIRE_HTTPS = False
    endpoint, _ = create_endpoint(
        workspace=owner.workspace, url="http://127.0.0.1:9/q", events=["post.queued"]
    )
    body["text"] = "one type is wanted"
    result = post_json(owner.client, "/v1/posts", body).json()["results"][0]
    (event,) = WebhookEvent.objects.all()
    assert (event.type, event.envelope["data"]["id"]) == (
        "post.queued",
        result["postId"],
    )
    (delivery,) = WebhookDelivery.objects.all()
    assert (delivery.endpoint_id, delivery.event_id, delivery.event_seq) == (
        endpoint.pk,
        event.pk,
        event.seq,
    )

"""Unknown body fields are refused on every /v1 write, never ignored (issue #15, point 4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from posts.models import PostTarget
from tests.conftest import Persona, connect_sandbox, error_of, post_json
from tests.platforms.pinterest.conftest import connect_pinterest

# Write operations that take no body at all: nothing is read from one, so nothing to refuse.
NO_BODY = {
    "disconnectAccount": "DELETE, no body",
    "revokeApiKey": "DELETE, no body",
    "deleteMedia": "DELETE, no body",
    "cancelPost": "DELETE, no body",
    "deleteProfile": "DELETE, no body",
    "deleteWebhookEndpoint": "DELETE, no body",
    "replayWebhookEvent": "the event is named by the path; no body",
    "rotateWebhookEndpointSecret": "no body",
}


def send(client: Client, method: str, path: str, body: Any) -> Any:
    return getattr(client, method)(path, data=body, content_type="application/json")


def future() -> str:
    return (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_misspelt_scheduled_at_is_refused_not_published_now(owner: Persona) -> None:
    account = connect_sandbox(owner, "typo")
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": "hi",
            "sheduledAt": future(),
        },
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_failed"
    assert error["rule"] == "sheduledAt.unknown"
    assert error["remediation"] == "Did you mean `scheduledAt`?"
    assert error["message"] == "Unknown field `sheduledAt`."
    assert not PostTarget.objects.exists()


def test_every_unknown_field_is_listed_with_its_path_nested_ones_included(
    owner: Persona,
) -> None:
    account = connect_sandbox(owner, "nested")
    body = {
        "targets": [
            # Per-platform options are free-form: their keys are not checked here.
            {"accountId": str(account.pk), "options": {"anyName": 1}},
            {
                "accountId": str(account.pk),
                "sandboxOutcome": "rate_limited",
                "firstComment": {"text": "c", "txt": "d"},
            },
        ],
        "text": "hi",
        "media": [{"kind": "image", "url": "https://example.com/a.png", "altTxt": "a"}],
        "publishNow": True,
    }
    error = error_of(post_json(owner.client, "/v1/posts", body))
    assert error["rule"] == "targets.1.sandboxOutcome.unknown"
    assert error["remediation"].startswith("Remove it; this object accepts `accountId`")
    assert [(i["rule"], i["remediation"]) for i in error["platformResponse"]] == [
        ("targets.1.sandboxOutcome.unknown", error["remediation"]),
        ("targets.1.firstComment.txt.unknown", "Did you mean `text`?"),
        ("media.0.altTxt.unknown", "Did you mean `altText`?"),
    ]
    assert [i["path"] for i in error["platformResponse"]] == [
        ["targets", 1, "sandboxOutcome"],
        ["targets", 1, "firstComment", "txt"],
        ["media", 0, "altTxt"],
    ]
    assert not PostTarget.objects.exists()


def test_a_number_sent_for_a_string_field_is_refused_not_stored(owner: Persona) -> None:
    error = error_of(
        post_json(owner.client, "/v1/profiles", {"name": -4.6e16, "slug": 7})
    )
    assert error["rule"] == "name"
    assert [(i["path"], i["code"]) for i in error["platformResponse"]] == [
        (["name"], "invalid"),
        (["slug"], "invalid"),
    ]

    account = connect_sandbox(owner, "typed")
    body = {"targets": [{"accountId": str(account.pk), "text": 5}], "text": "hi"}
    error = error_of(post_json(owner.client, "/v1/posts", body))
    assert error["rule"] == "targets.0.text"
    assert not PostTarget.objects.exists()


def test_a_body_of_junk_keys_gets_a_bounded_answer(owner: Persona) -> None:
    body = {"x" * 100_000: 1, "name": "B", **{f"junk{i}": i for i in range(1000)}}
    response = post_json(owner.client, "/v1/profiles", body)
    error = error_of(response)
    assert error["rule"] == "x" * 80 + ".unknown"
    assert len(error["platformResponse"]) == 100
    assert error["message"].endswith("and more.")
    assert len(response.content) < 40_000


def test_credential_connect_refuses_fields_the_platform_does_not_ask_for(
    owner: Persona,
) -> None:
    response = post_json(
        owner.client,
        "/v1/accounts/connect/sandbox/complete",
        {"handle": "demo", "handel": "demo2"},
    )
    error = error_of(response)
    assert error["rule"] == "handel.unknown"
    assert error["remediation"] == "Did you mean `handle`?"
    ok = post_json(
        owner.client, "/v1/accounts/connect/sandbox/complete", {"handle": "demo"}
    )
    assert ok.status_code == 201, ok.content


def test_the_rule_url_of_an_unknown_field_is_a_docs_page(owner: Persona) -> None:
    error = error_of(
        post_json(owner.client, "/v1/profiles", {"name": "B", "colour": "teal"})
    )
    assert error["ruleUrl"].endswith("/docs/preflight/colour-unknown")
    page = Client().get("/docs/preflight/colour-unknown")
    assert page.status_code == 200 and b"field.unknown" in page.content


@pytest.fixture
def path_values(owner: Persona, settings: Any) -> dict[str, str]:
    """A real object for every path parameter, so each operation reaches its body."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_REQUIRE_HTTPS = False
    settings.OAUTH_CLIENTS = {
        **settings.OAUTH_CLIENTS,
        "pinterest": {"client_id": "id", "client_secret": "secret"},
    }
    account = connect_sandbox(owner, "walk")
    post = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": "t",
            "scheduledAt": future(),
        },
    )
    endpoint = post_json(
        owner.client, "/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/hook"}
    )
    assert post.status_code == 202 and endpoint.status_code == 201
    return {
        "account_id": str(connect_pinterest(owner).pk),
        "platform": "sandbox",
        "post_id": post.json()["results"][0]["postId"],
        "profile_id": str(owner.profile.pk),
        "endpoint_id": endpoint.json()["id"],
    }


def test_every_write_operation_refuses_an_unknown_top_level_field(
    owner: Persona, path_values: dict[str, str]
) -> None:
    document = owner.client.get("/v1/openapi.json").json()
    checked, skipped, wrong = [], [], []
    for template, item in document["paths"].items():
        for method, operation in item.items():
            if method not in {"post", "put", "patch", "delete"}:
                continue
            name = operation["operationId"]
            if "requestBody" not in operation:
                skipped.append(name)
                continue
            path = template.format(**path_values)
            response = send(owner.client, method, path, {"bogusField": True})
            body = response.json().get("error", {})
            if response.status_code != 400 or body.get("rule") != "bogusField.unknown":
                wrong.append((name, response.status_code, body.get("rule")))
            checked.append(name)
    assert wrong == []
    assert sorted(skipped) == sorted(NO_BODY), "a write operation was skipped unlisted"
    assert "createPost" in checked and len(checked) >= 15

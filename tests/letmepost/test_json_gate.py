"""The JSON gate (letmepost.api.parsers): bodies no database or recursion can take are a 400.

PostgreSQL refuses NUL and lone surrogates in text and JSON, SQLite stores them: both now answer
the same `400 validation_failed` before any view runs. Deep nesting used to exhaust the stack in
the camelCase conversion (a 500); it is refused at a fixed depth, quickly.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client

from letmepost.api.parsers import MAX_JSON_DEPTH, checked
from letmepost.errors import ValidationFailed
from platforms.models import PlatformAccount
from posts.models import Post
from tests.conftest import Persona, connect_sandbox, error_of
from webhooks.services import create_endpoint


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_sandbox(owner, "gate")


def nest(levels: int) -> str:
    """`levels` objects inside one another: {"a": {"a": ... 1 ...}}."""
    return '{"a": ' * levels + "1" + "}" * levels


def send(client: Client, path: str, text: str) -> Any:
    return client.post(path, data=text.encode(), content_type="application/json")


def post_with_options(account: PlatformAccount, options_json: str) -> str:
    target = f'{{"accountId": "{account.pk}", "options": {options_json}}}'
    return f'{{"text": "hi", "targets": [{target}]}}'


@pytest.mark.parametrize(
    ("options", "where", "code_point"),
    [
        (
            '{"sandboxOutcome": "a\\u0000b"}',
            "targets.0.options.sandboxOutcome",
            "U+0000",
        ),
        ('{"sandboxOutcome": "\\ud800"}', "targets.0.options.sandboxOutcome", "U+D800"),
        (
            '{"sandboxOutcome": "\\udfffx"}',
            "targets.0.options.sandboxOutcome",
            "U+DFFF",
        ),
        ('{"a\\u0000": 1}', "targets.0.options", "U+0000"),
    ],
)
def test_nul_and_lone_surrogates_in_options_are_refused(
    owner: Persona, account: PlatformAccount, options: str, where: str, code_point: str
) -> None:
    response = send(owner.client, "/v1/posts", post_with_options(account, options))

    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["rule"]) == (
        "validation_failed",
        "body.invalid_character",
    )
    assert error["message"].startswith(f"{where}: contains {code_point}")
    assert error["platformResponse"] == [
        {
            "path": [int(k) if k.isdigit() else k for k in where.split(".")],
            "message": error["message"],
            "code": "invalid_character",
            "rule": "body.invalid_character",
        }
    ]
    assert not Post.objects.exists()


def test_a_surrogate_pair_is_an_ordinary_character(
    owner: Persona, account: PlatformAccount
) -> None:
    body = f'{{"text": "\\ud83d\\ude00", "targets": [{{"accountId": "{account.pk}"}}]}}'
    assert send(owner.client, "/v1/posts", body).status_code == 200


def test_a_postiz_post_with_nul_in_its_content_is_refused(
    owner: Persona, account: PlatformAccount
) -> None:
    body = {
        "type": "now",
        "date": "2030-01-01T00:00:00.000Z",
        "shortLink": False,
        "tags": [],
        "posts": [
            {
                "integration": {"id": str(account.pk)},
                "value": [{"content": "a\u0000b", "image": []}],
                "settings": {},
            }
        ],
    }
    pz = Client(HTTP_AUTHORIZATION=owner.key)
    response = send(pz, "/public/v1/posts", json.dumps(body))

    assert response.status_code == 400
    error = response.json()  # Postiz's body, with our envelope's members beside it
    assert (error["code"], error["rule"]) == (
        "validation_failed",
        "body.invalid_character",
    )
    assert "posts.0.value.0.content" in error["message"]
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("[" * 100_000, "body"),
        ("{" + '"a":{' * 100_000, "body"),
        (nest(5000), "body"),  # past the parser's own recursion limit: no path
        (nest(MAX_JSON_DEPTH + 8), "a." * (MAX_JSON_DEPTH - 1) + "a"),
    ],
    ids=["100k-arrays", "100k-objects", "5000-objects", "40-objects"],
)
def test_deep_nesting_is_refused_quickly(owner: Persona, body: str, where: str) -> None:
    started = time.monotonic()
    response = send(owner.client, "/v1/posts", body)

    assert time.monotonic() - started < 2
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["rule"]) == ("validation_failed", "body.depth_max")
    assert error["message"].startswith(f"{where}: JSON nested deeper than")


@pytest.mark.parametrize("levels", [5000, MAX_JSON_DEPTH + 8])
def test_deep_nesting_inside_options_is_refused(
    owner: Persona, account: PlatformAccount, levels: int
) -> None:
    response = send(owner.client, "/v1/posts", post_with_options(account, nest(levels)))

    assert response.status_code == 400
    assert error_of(response)["rule"] == "body.depth_max"
    assert not Post.objects.exists()


def test_nesting_up_to_the_limit_passes_the_gate() -> None:
    def nested(levels: int) -> object:
        return json.loads("[" * levels + "]" * levels)

    assert checked(nested(MAX_JSON_DEPTH)) == nested(MAX_JSON_DEPTH)
    with pytest.raises(ValidationFailed):
        checked(nested(MAX_JSON_DEPTH + 1))


@pytest.mark.parametrize(
    "number",
    ["1e309", "-1e309", "NaN", "Infinity", "-Infinity", str(2**63)],
)
def test_numbers_no_column_can_hold_are_invalid_json(
    owner: Persona, number: str
) -> None:
    response = send(owner.client, "/v1/profiles", '{"name": ' + number + "}")

    assert response.status_code == 400
    assert error_of(response)["rule"] == "body.json"


def test_the_webhook_test_payload_is_checked_too(owner: Persona, settings: Any) -> None:
    """Views with their own parser (raw JSON, no camelCase) go through the same gate."""
    settings.WEBHOOKS_ALLOW_PRIVATE, settings.WEBHOOKS_REQUIRE_HTTPS = True, False
    endpoint, _ = create_endpoint(
        workspace=owner.workspace, url="http://127.0.0.1:9/hook", events=[]
    )
    path = f"/v1/webhook-endpoints/{endpoint.pk}/test"
    response = send(owner.client, path, '{"type": "post.published", "data": "\\u0000"}')

    assert response.status_code == 400
    assert error_of(response)["rule"] == "body.invalid_character"


@pytest.mark.parametrize(
    "path",
    ["/v1/posts?q=a%00b", "/v1/posts?errorCode=%00", "/public/v1/posts?customer=%00"],
)
def test_nul_in_a_query_parameter_is_refused(owner: Persona, path: str) -> None:
    client = Client(HTTP_AUTHORIZATION=owner.key) if "public" in path else owner.client
    response = client.get(path)

    assert response.status_code == 400
    body = response.json()
    error = body if "public" in path else body["error"]  # Postiz: members at the top
    assert (error["code"], error["rule"]) == (
        "validation_failed",
        "query.invalid_character",
    )
    name = path.split("?")[1].split("=")[0]
    assert error["message"].startswith(f"{name}: contains U+0000")

"""No input answers 5xx: a hostile corpus against every JSON write operation (issue #15, point 3).

The operations are read from the served `/v1/openapi.json` and from the Postiz routes, so a new
write route is covered the day it is added. Each one gets two kinds of body, sent with a valid
API key:

- the gate corpus: whole bodies no parser should choke on (NUL, lone surrogates, nesting 100,000
  deep, 1e309, 400-digit integers, 5 MB strings, empty, binary, non-object, wrong content type);
- mutations: a valid body with one field at a time (to two levels, inside `targets[0]` and its
  `options`) swapped for a hostile value, so each value reaches validation and the service.

Every GET route gets the same treatment for its query parameters (NUL, a raw lone surrogate, far
dates, huge and odd numbers, 5,000 characters).

Every answer must be below 500, and every error must be the envelope. CI runs this module on
SQLite and on PostgreSQL, whose text types refuse NUL where SQLite stores it.
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern

from accounts.services import create_profile, mint_api_key
from postiz import urls as postiz_urls
from posts import services as post_services
from posts.requests import PostRequest, TargetRequest
from tests.conftest import Persona, connect_sandbox
from webhooks.services import create_endpoint

WRITES = ("post", "put", "patch", "delete")
HOLE = "__HOSTILE__"  # stands in a valid body for the raw JSON text of a hostile value


def deep_object(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


# Raw JSON texts, so that values json.dumps cannot write (1e309, depth 5,000) are sent as well.
# Each replaces one field at a time.
VALUES = {
    "int32_overflow": str(2**31),
    "int64_max": str(2**63 - 1),
    "negative": "-1",
    "float_huge": "1e300",
    "far_future": '"9999-12-31T23:59:59Z"',
    "far_future_offset": '"9999-12-31T23:59:59-12:00"',
    "far_past_offset": '"0001-01-01T00:00:00+14:00"',
    "long_string": json.dumps("x" * 100_000),
    "array": "[]",
    "object": "{}",
    "null": "null",
    "true": "true",
}
# The JSON gate refuses these wherever they are; they replace nested fields only (e.g. inside
# `targets[0].options`, Postiz's `value[0].content`), where PostgreSQL used to meet them.
NESTED_VALUES = {
    "nul": json.dumps("a\u0000b"),
    "surrogate": '"a\\ud800b"',
    "nul_key": '{"k\\u0000": 1}',
    "deep": deep_object(5000),
    "inf": "1e309",
    "int_400_digits": "9" * 400,
}

# Whole bodies: (name, bytes, content type).
GATE: list[tuple[str, bytes, str]] = [
    (name, text.encode(), "application/json")
    for name, text in (
        ("nul", '{"text": "a\\u0000b", "name": "a\\u0000b"}'),
        ("surrogate", '{"text": "\\udfff", "name": "\\ud800"}'),
        ("deep_array", "[" * 100_000),
        ("deep_object", deep_object(5000)),
        ("inf", '{"text": 1e309}'),
        ("nan", '{"text": NaN}'),
        ("digits_5000", '{"text": ' + "9" * 5000 + "}"),
        ("empty", ""),
        ("array", "[1, 2]"),
        ("null", "null"),
        ("truncated", '{"text": '),
    )
] + [
    ("binary", b"\xff\xfe\x00\x81garbage", "application/json"),
    ("plain", b"hello", "text/plain"),
    ("over_cap", b'{"text": "' + b"x" * (11 * 1024 * 1024) + b'"}', "application/json"),
]
# Sent only where a body is read: 5 MB in the fields most operations have.
HUGE = json.dumps({"text": "x" * 5_000_000, "name": "x" * 5_000_000}).encode()


def in_an_hour() -> str:
    return (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class World:
    """One object of each kind, so path ids name real rows and bodies reach the services."""

    ids: dict[str, str]
    bases: dict[str, Any]  # operation → a valid body


@pytest.fixture
def world(owner: Persona, settings: Any) -> World:
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # the receiver is a closed loopback port
    settings.WEBHOOKS_REQUIRE_HTTPS = False
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    account = connect_sandbox(owner, "hostile")
    caller = post_services.Caller(workspace=owner.workspace, scope=None, livemode=True)
    created = post_services.create_post(
        caller=caller,
        request=PostRequest(
            targets=(TargetRequest(account_id=str(account.pk), options={}),),
            text="hostile",
            scheduled_at=datetime.now(UTC) + timedelta(hours=2),
        ),
    )
    target = created.post.targets.get()
    profile = create_profile(workspace=owner.workspace, name="Spare", slug="spare")
    key = mint_api_key(workspace=owner.workspace, name="spare")
    endpoint, _ = create_endpoint(
        workspace=owner.workspace, url=f"http://127.0.0.1:{closed}/hook", events=[]
    )
    ids = {
        "account_id": str(account.pk),
        "integration_id": str(account.pk),
        "platform": "sandbox",
        "post_id": str(target.pk),  # the API's post ids are target ids
        "group": "no-such-group",
        "profile_id": str(profile.pk),
        "key_id": str(key.api_key.pk),
        "media_id": str(uuid.uuid4()),
        "endpoint_id": str(endpoint.pk),
        "event_id": str(uuid.uuid4()),
    }
    # Immediate posts are rate-limited by the sandbox, so waits derived from hostile numbers
    # (`sandboxRetryAfter`) reach the engine's backoff as well.
    post_body = {
        "text": "hello",
        "targets": [
            {
                "accountId": ids["account_id"],
                "text": "hi",
                "options": {"sandboxOutcome": "rate_limited", "sandboxRetryAfter": 5},
            }
        ],
    }
    bases = {
        "createPost": post_body,
        "validatePost": post_body,
        "reschedulePost": {"scheduledAt": in_an_hour(), "text": "moved"},
        "retryPost": {"confirmUnknown": False},
        "createProfile": {"name": "Brand", "slug": "brand"},
        "updateProfile": {"name": "Renamed", "slug": "renamed"},
        "createApiKey": {"name": "k", "prefix": "lmp_live_", "scopes": ["posts"]},
        "createWebhookEndpoint": {
            "url": f"http://127.0.0.1:{closed}/new",
            "events": ["post.published"],
            "description": "d",
            "active": True,
        },
        "updateWebhookEndpoint": {"description": "d", "active": True},
        "testWebhookEndpoint": {"type": "post.published", "data": {"a": 1}},
        "completeConnect": {"handle": "second"},
        "connectAccount": {"returnTo": "http://testserver/app/"},
        "createMedia": {"url": f"http://127.0.0.1:{closed}/a.png"},
        "createPinterestBoard": {"name": "Board"},
        "setPinterestDefaultBoard": {"boardId": "1"},
        "postiz:posts:post": {
            "type": "schedule",
            "date": in_an_hour(),
            "shortLink": False,
            "tags": [],
            "posts": [
                {
                    "integration": {"id": ids["integration_id"]},
                    "value": [{"content": "<p>Hello</p>", "image": []}],
                    "settings": {},
                }
            ],
        },
        "postiz:post-status:put": {"status": "schedule"},
        "postiz:post-settings:put": {"settings": {"who_can_reply_post": "everyone"}},
    }
    return World(ids=ids, bases=bases)


# --- the operations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    name: str  # operationId, or postiz:<url name>:<method>
    method: str
    path: str  # with {param} placeholders
    schema: dict[str, Any] | None  # the JSON request body's schema, references resolved

    def url(self, ids: dict[str, str]) -> str:
        path = self.path
        for name, value in ids.items():
            path = path.replace("{" + name + "}", value)
        assert "{" not in path, f"no id for a parameter of {self.path}"
        return path


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def api_operations() -> list[Operation]:
    # At collection time pytest-django has not yet allowed "testserver".
    document = Client(SERVER_NAME="localhost").get("/v1/openapi.json").json()
    found = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method not in WRITES:
                continue
            content = op.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            found.append(
                Operation(
                    op["operationId"],
                    method,
                    path,
                    _resolve(document, schema) if schema else None,
                )
            )
    return found


def postiz_operations() -> list[Operation]:
    found = []
    for pattern in postiz_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        view = pattern.callback.view_class  # type: ignore[attr-defined]
        route = str(pattern.pattern).replace("<str:", "{").replace(">", "}")
        for method in WRITES:
            if hasattr(view, method):
                name = f"postiz:{pattern.name}:{method}"
                found.append(Operation(name, method, f"/public/v1/{route}", None))
    return found


OPERATIONS = api_operations() + postiz_operations()


# --- the checks -------------------------------------------------------------------------------


def send(
    client: Client, op: Operation, url: str, body: bytes, content_type: str
) -> Any:
    return client.generic(op.method.upper(), url, body, content_type=content_type)


def problem(response: Any, op: Operation, what: str) -> str | None:
    """What is wrong with the answer, or None: below 500, and an error is the envelope."""
    where = f"{op.method.upper()} {op.path} with {what}"
    if response.status_code >= 500:
        return f"{where}: {response.status_code} {response.content[:300]!r}"
    if response.status_code < 400:
        return None
    body = response.json()
    error = body if op.path.startswith("/public/v1/") else body.get("error")
    if not isinstance(error, dict) or not {
        "code",
        "message",
        "docUrl",
        "requestId",
    } <= set(error):
        return f"{where}: not an envelope: {body!r:.300}"
    return None


def mutation_paths(schema: dict[str, Any] | None, base: Any) -> Iterator[list[str]]:
    """Every field of the schema, and the fields of the base body's first list items and objects."""
    names = list((schema or {}).get("properties", {}))
    if isinstance(base, dict):
        names += [k for k in base if k not in names]
    for name in names:
        yield [name]
        value = base.get(name) if isinstance(base, dict) else None
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = value[0]
            prefix = [name, "0"]
        else:
            prefix = [name]
        if isinstance(value, dict):
            for key, member in value.items():
                yield [*prefix, key]
                if isinstance(member, dict):
                    yield from ([*prefix, key, sub] for sub in member)
                elif (
                    isinstance(member, list) and member and isinstance(member[0], dict)
                ):
                    yield from ([*prefix, key, "0", sub] for sub in member[0])


def with_hole(base: Any, path: list[str]) -> str:
    """The base body as JSON text, with the member at `path` replaced by HOLE."""
    body = json.loads(json.dumps(base if isinstance(base, dict) else {}))
    node = body
    for part in path[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[path[-1]] = HOLE
    return json.dumps(body)


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.name)
def test_no_hostile_body_gets_a_5xx(
    owner: Persona, world: World, op: Operation
) -> None:
    url = op.url(world.ids)
    problems = []
    for name, body, content_type in GATE:
        response = send(owner.client, op, url, body, content_type)
        problems.append(problem(response, op, f"the {name} body"))
    base = world.bases.get(op.name)
    if op.schema or base:
        response = send(owner.client, op, url, HUGE, "application/json")
        problems.append(problem(response, op, "5 MB strings"))
    for path in mutation_paths(op.schema, base) if (op.schema or base) else ():
        text = with_hole(base, path)
        values = {**VALUES, **(NESTED_VALUES if len(path) > 2 else {})}
        for name, value in values.items():
            body = text.replace(json.dumps(HOLE), value).encode()
            response = send(owner.client, op, url, body, "application/json")
            problems.append(problem(response, op, f"{name} at {'.'.join(path)}"))
    found = [p for p in problems if p]
    assert not found, "\n".join(found)


# --- query strings --------------------------------------------------------------------------

# A lone surrogate cannot be encoded by the test client: it is sent raw, as %ED%A0%80, below.
QUERY_VALUES = [
    "a\x00b",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00",
    "-1",
    "99999999999999999999",
    "1e309",
    "²",  # str.isdigit() says yes, int() says no
    "9" * 5000,
]
# Query parameters the Postiz routes read (they are not in the OpenAPI document), each replaced in
# turn in an otherwise valid query.
POSTIZ_PARAMS = ["startDate", "endDate", "customer", "group", "page", "date", "refresh"]
POSTIZ_QUERY = {"startDate": "2026-01-01T00:00:00Z", "endDate": "2027-01-01T00:00:00Z"}


def read_operations() -> list[tuple[str, list[str]]]:
    """(path, query parameter names) of every GET under /v1 and /public/v1."""
    document = Client(SERVER_NAME="localhost").get("/v1/openapi.json").json()
    found = [
        (
            path,
            [
                p["name"]
                for p in item["get"].get("parameters", [])
                if p["in"] == "query"
            ],
        )
        for path, item in document["paths"].items()
        if "get" in item
    ]
    for pattern in postiz_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if hasattr(pattern.callback.view_class, "get"):  # type: ignore[attr-defined]
            route = str(pattern.pattern).replace("<str:", "{").replace(">", "}")
            found.append((f"/public/v1/{route}", POSTIZ_PARAMS))
    return found


@pytest.mark.parametrize(("path", "params"), read_operations(), ids=lambda v: str(v))
def test_no_hostile_query_gets_a_5xx(
    owner: Persona, world: World, path: str, params: list[str]
) -> None:
    op = Operation(path, "get", path, None)
    url = op.url(world.ids)
    problems = [
        problem(owner.client.get(f"{url}?{name}=%ED%A0%80&{name}=%00"), op, name)
        for name in params
    ]
    base = POSTIZ_QUERY if path.startswith("/public/v1/") else {}
    for name in params:
        for value in QUERY_VALUES:
            response = owner.client.get(url, {**base, name: value})
            problems.append(problem(response, op, f"{name}={value[:30]!r}"))
    found = [p for p in problems if p]
    assert not found, "\n".join(found)

"""Check Mastodon requests and responses against the OpenAPI description in ../shared.

`../shared/platform-apis/mastodon/schema.json` (abraham/mastodon-openapi, Mastodon 4.7). Two
known defects are patched in memory (platform-apis/README.md): createStatus's `oneOf` rejects a
body with both `status` and `media_ids`, so it becomes `anyOf`; the `Idempotency-Key` header is
typed `object`, so headers are not checked against the file (tests assert it themselves).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA = (
    Path(settings.BASE_DIR).parent
    / "shared"
    / "platform-apis"
    / "mastodon"
    / "schema.json"
)
URN = "urn:mastodon-openapi"


@cache
def document() -> dict[str, Any]:
    doc = json.loads(SCHEMA.read_text())
    body = doc["paths"]["/api/v1/statuses"]["post"]["requestBody"]["content"][
        "application/json"
    ]["schema"]
    body["anyOf"] = body.pop("oneOf")
    return doc


@cache
def _registry() -> Registry:
    return Registry().with_resource(
        URN, Resource.from_contents(document(), default_specification=DRAFT202012)
    )


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _errors(pointer: str, value: Any) -> list[str]:
    validator = Draft202012Validator(
        {"$ref": f"{URN}#/{pointer}"}, registry=_registry()
    )
    return sorted(
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}"
        for e in validator.iter_errors(value)
    )


def request_errors(
    method: str, path: str, body: Any, content_type: str = "application/json"
) -> list[str]:
    """Everything wrong with a request body, per the operation's requestBody schema."""
    operation = document()["paths"][path][method.lower()]
    content = operation["requestBody"]["content"]
    if content_type not in content:
        return [
            f"{method} {path} does not take {content_type}; it takes {sorted(content)}"
        ]
    return _errors(
        _pointer(
            "paths",
            path,
            method.lower(),
            "requestBody",
            "content",
            content_type,
            "schema",
        ),
        body,
    )


def response_errors(method: str, path: str, status: int, body: Any) -> list[str]:
    """Everything wrong with a response body, per the operation's schema for that status."""
    responses = document()["paths"][path][method.lower()]["responses"]
    if str(status) not in responses:
        return [f"{method} {path} documents no {status} response"]
    content = responses[str(status)].get("content", {}).get("application/json")
    if content is None:
        return []
    return _errors(
        _pointer(
            "paths",
            path,
            method.lower(),
            "responses",
            str(status),
            "content",
            "application/json",
            "schema",
        ),
        body,
    )

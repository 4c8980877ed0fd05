"""YouTube fixtures: the discovery document as a schema checker, a connected channel, `responses`.

The discovery document's schemas use bare `"$ref": "VideoSnippet"`; they are rewritten to
`#/schemas/VideoSnippet` and every object is closed (`additionalProperties: false`), so a body
with a misspelt or unknown field fails, as it would upstream.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from platforms.base import ConnectedAccount
from platforms.models import PlatformAccount
from platforms.services import store_connected
from tests.conftest import Persona
from tests.fixtures import platform_api

API = "https://youtube.googleapis.com"
CLIENT = {
    "client_id": "1234-abc.apps.googleusercontent.com",
    "client_secret": "gsecret",
}
CHANNEL_ID = "UC_x5XG1OV2P6uZZ5FSM9Ttw"
SESSION = f"{API}/upload/youtube/v3/videos?uploadType=resumable&upload_id=ADPycdv1"
URN = "urn:youtube-discovery"


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _rewrite(v) for k, v in node.items()}
        if isinstance(out.get("$ref"), str) and not out["$ref"].startswith("#"):
            out["$ref"] = f"#/schemas/{out['$ref']}"
        if out.get("type") == "object" and "properties" in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


@cache
def _document() -> dict[str, Any]:
    return json.loads(platform_api("youtube/youtube__v3.json"))


@cache
def _discovery() -> dict[str, Any]:
    return {"schemas": _rewrite(_document()["schemas"])}


def method_errors(resource: str, method: str, call: Any) -> list[str]:
    """Why the discovery document's `resource.method` would refuse `call`: its HTTP method and
    path, unknown or missing query parameters, enum values and the request body's schema."""
    spec = _document()["resources"][resource]["methods"][method]
    parts = urlsplit(call.request.url)
    errors = []
    if (call.request.method, parts.path) != (spec["httpMethod"], f"/{spec['path']}"):
        errors.append(f"{call.request.method} {parts.path} is not {resource}.{method}")
    query = dict(parse_qsl(parts.query))
    declared = spec.get("parameters", {})
    for name, value in query.items():
        if name not in declared:
            errors.append(f"{name}: not a parameter of {resource}.{method}")
        elif (allowed := declared[name].get("enum")) and value not in allowed:
            errors.append(f"{name}: {value!r} not in {allowed}")
    errors += [
        f"{name}: required"
        for name, p in declared.items()
        if p.get("required") and name not in query
    ]
    if request := spec.get("request"):
        errors += schema_errors(request["$ref"], json.loads(call.request.body))
    return errors


def schema_errors(name: str, body: Any) -> list[str]:
    registry = Registry().with_resource(
        URN, Resource.from_contents(_discovery(), default_specification=DRAFT202012)
    )
    validator = Draft202012Validator(
        {"$ref": f"{URN}#/schemas/{name}"}, registry=registry
    )
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(body)
    ]


def api(path: str) -> str:
    return f"{API}{path}"


def channel(**changes: Any) -> dict[str, Any]:
    item = {
        "kind": "youtube#channel",
        "etag": "Xw2wJDqE7Xg1b2Q",
        "id": CHANNEL_ID,
        "snippet": {
            "title": "Maker Studio",
            "description": "We make things.",
            "customUrl": "@makerstudio",
            "publishedAt": "2019-05-01T10:00:00Z",
        },
        "contentDetails": {
            "relatedPlaylists": {"likes": "", "uploads": "UU_x5XG1OV2P6uZZ5FSM9Ttw"}
        },
    }
    item.update(changes)
    return item


def channel_list(*items: dict[str, Any]) -> dict[str, Any]:
    body = {
        "kind": "youtube#channelListResponse",
        "etag": "e1",
        "pageInfo": {"totalResults": len(items), "resultsPerPage": 5},
        "items": list(items),
    }
    assert schema_errors("ChannelListResponse", body) == []
    return body


def video(video_id: str = "Ks-_Mh1QhMc", **status: Any) -> dict[str, Any]:
    body = {
        "kind": "youtube#video",
        "etag": "v1",
        "id": video_id,
        "snippet": {"title": "Launch day", "channelId": CHANNEL_ID, "categoryId": "22"},
        "status": {"uploadStatus": "uploaded", "privacyStatus": "public", **status},
    }
    assert schema_errors("Video", body) == []
    return body


def google_error(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "errors": [
                {"message": message, "domain": "youtube.video", "reason": reason}
            ],
        }
    }


def copy_of(body: Any) -> Any:
    return copy.deepcopy(body)


@pytest.fixture(autouse=True)
def youtube_enabled(settings) -> None:
    settings.OAUTH_CLIENTS = {**settings.OAUTH_CLIENTS, "youtube": dict(CLIENT)}


def connect_youtube(persona: Persona) -> PlatformAccount:
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="youtube",
        connected=ConnectedAccount(
            external_id=CHANNEL_ID,
            display_name="Maker Studio",
            credentials={"accessToken": "ya29.current", "refreshToken": "1//refresh"},
            metadata={"channelId": CHANNEL_ID, "channelTitle": "Maker Studio"},
        ),
    )
    return account


@pytest.fixture
def upstream():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_youtube(owner)

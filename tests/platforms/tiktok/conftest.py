"""TikTok fixtures: documented-shaped payloads, a connected account, the API behind `responses`.

TikTok publishes no machine-readable API description, so the request schemas below are written
from its Content Posting reference (field names, types, enums); every init body is checked
against them, so a body TikTok would refuse fails the test.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import responses
from jsonschema import Draft202012Validator

from platforms.base import ConnectedAccount
from platforms.models import PlatformAccount
from platforms.services import store_connected
from platforms.tiktok.adapter import creator_metadata
from tests.conftest import Persona

API = "https://open.tiktokapis.com"
PAYLOADS = Path(__file__).parent / "payloads"
CLIENT = {"client_id": "aw1234example", "client_secret": "tiktok-secret"}
OPEN_ID = "723f24d7-e717-40f8-a2b6-cb8464cd23b4"
UPLOAD_URL = (
    "https://open-upload.tiktokapis.com/video/?upload_id=67890&upload_token=Xza123"
)

SOURCE_INFO = {
    "type": "object",
    "additionalProperties": False,
    "required": ["source", "video_size", "chunk_size", "total_chunk_count"],
    "properties": {
        "source": {"enum": ["FILE_UPLOAD"]},
        "video_size": {"type": "integer", "minimum": 1},
        "chunk_size": {"type": "integer", "minimum": 1},
        "total_chunk_count": {"type": "integer", "minimum": 1, "maximum": 1000},
    },
}
POST_INFO = {
    "type": "object",
    "additionalProperties": False,
    "required": ["privacy_level"],
    "properties": {
        "title": {"type": "string", "maxLength": 2200},
        "privacy_level": {
            "enum": [
                "PUBLIC_TO_EVERYONE",
                "MUTUAL_FOLLOW_FRIENDS",
                "FOLLOWER_OF_CREATOR",
                "SELF_ONLY",
            ]
        },
        "disable_duet": {"type": "boolean"},
        "disable_stitch": {"type": "boolean"},
        "disable_comment": {"type": "boolean"},
        "video_cover_timestamp_ms": {"type": "integer"},
        "brand_content_toggle": {"type": "boolean"},
        "brand_organic_toggle": {"type": "boolean"},
        "is_aigc": {"type": "boolean"},
    },
}
DIRECT_INIT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["post_info", "source_info"],
    "properties": {"post_info": POST_INFO, "source_info": SOURCE_INFO},
}
INBOX_INIT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["source_info"],
    "properties": {"source_info": SOURCE_INFO},
}


def schema_errors(schema: dict[str, Any], body: Any) -> list[str]:
    return [e.message for e in Draft202012Validator(schema).iter_errors(body)]


@cache
def _payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def payload(name: str) -> Any:
    return copy.deepcopy(_payload(name))


def api(path: str) -> str:
    return f"{API}{path}"


def checked_init(call: Any, *, direct: bool) -> dict[str, Any]:
    expected = (
        "/v2/post/publish/video/init/"
        if direct
        else "/v2/post/publish/inbox/video/init/"
    )
    assert call.request.url == api(expected)
    body = json.loads(call.request.body)
    errors = schema_errors(DIRECT_INIT if direct else INBOX_INIT, body)
    assert errors == [], errors
    return body


@pytest.fixture(autouse=True)
def tiktok_enabled(settings) -> None:
    settings.OAUTH_CLIENTS = {**settings.OAUTH_CLIENTS, "tiktok": dict(CLIENT)}
    settings.PLATFORM_POLL_INTERVAL_SECONDS = 0


def connect_tiktok(
    persona: Persona,
    *,
    audit: bool = False,
    scopes: tuple[str, ...] = ("user.info.basic", "video.upload", "video.publish"),
) -> PlatformAccount:
    info = payload("creator_info")["data"]
    if audit:
        info["privacy_level_options"] = ["SELF_ONLY"]
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="tiktok",
        connected=ConnectedAccount(
            external_id=OPEN_ID,
            display_name="makerstudio",
            credentials={"accessToken": "act.current", "refreshToken": "rft.current"},
            metadata={
                "openId": OPEN_ID,
                "username": "makerstudio",
                "grantedScopes": list(scopes),
                **creator_metadata(info),
            },
        ),
    )
    return account


@pytest.fixture
def upstream():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_tiktok(owner)

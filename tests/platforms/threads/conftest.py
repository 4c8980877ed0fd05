"""Threads fixtures: payloads shaped as Meta documents them, a connected profile, Graph faked.

Threads has no machine-readable description (tests/fixtures/platform-apis/README.md), so the
parameters below are written from Meta's reference
(developers.facebook.com/docs/threads/reference/publishing and /reference/user, /reference/media,
/reference/reply-management for a user's replies):
every call to graph.threads.net a test makes is checked against them when the test ends, so a
request Threads would refuse fails the test.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import responses

from platforms.base import ConnectedAccount
from platforms.models import PlatformAccount
from platforms.services import store_connected
from tests.conftest import Persona
from tests.platforms.meta.graph_spec import call_params

GRAPH_HOST = "graph.threads.net"
GRAPH = f"https://{GRAPH_HOST}"
PAYLOADS = Path(__file__).parent / "payloads"
CLIENT = {"client_id": "1122334455667788", "client_secret": "threads-app-secret-0123"}
USER_ID = "25864031543294815"
TOKEN = "THQVJLongLivedExample9876543210"

MEDIA_TYPES = {"TEXT", "IMAGE", "VIDEO", "CAROUSEL"}
# POST /{threads-user-id}/threads: name → check of its string value
CREATE_PARAMS = {
    "media_type": lambda v: v in MEDIA_TYPES,
    "text": lambda v: True,
    "image_url": lambda v: v.startswith(("http://", "https://")),
    "video_url": lambda v: v.startswith(("http://", "https://")),
    "is_carousel_item": lambda v: v in ("true", "false"),
    "children": lambda v: re.fullmatch(r"\d+(,\d+)*", v) is not None,
    "reply_to_id": lambda v: v.isdigit(),
    "alt_text": lambda v: len(v) <= 1000,
    "reply_control": lambda v: (
        v in {"everyone", "accounts_you_follow", "mentioned_only"}
    ),
    "link_attachment": lambda v: True,
    "quote_post_id": lambda v: v.isdigit(),
}
REQUIRED_BY_TYPE = {
    "TEXT": {"text"},
    "IMAGE": {"image_url"},
    "VIDEO": {"video_url"},
    "CAROUSEL": {"children"},
}
CONTAINER_FIELDS = {"id", "status", "error_message"}
MEDIA_FIELDS = {
    "id", "media_product_type", "media_type", "media_url", "permalink", "owner",
    "username", "text", "timestamp", "shortcode", "thumbnail_url", "children",
    "is_quote_post", "alt_text", "link_attachment_url",
}  # fmt: skip
# GET /{threads-user-id}/replies (reference/user, "A user's replies"): a reply's fields.
REPLY_FIELDS = MEDIA_FIELDS | {
    "has_replies", "root_post", "replied_to", "is_reply", "is_reply_owned_by_me",
    "hide_status", "reply_audience",
}  # fmt: skip
USER_FIELDS = {
    "id", "username", "name", "threads_profile_picture_url", "threads_biography",
}  # fmt: skip


def request_errors(
    method: str, segments: list[str], params: dict[str, str]
) -> list[str]:
    params = {k: v for k, v in params.items() if k != "access_token"}
    if segments in (
        ["access_token"],
        ["refresh_access_token"],
        ["oauth", "access_token"],
    ):
        return []  # OAuth, checked by hand in the connect tests
    if method == "POST" and segments == [USER_ID, "threads"]:
        errors = [f"unknown {k}" for k in params if k not in CREATE_PARAMS]
        errors += [
            f"bad {k}={v!r}"
            for k, v in params.items()
            if k in CREATE_PARAMS and not CREATE_PARAMS[k](v)
        ]
        kind = params.get("media_type", "")
        errors += [
            f"{kind} needs {r}"
            for r in REQUIRED_BY_TYPE.get(kind, {"media_type"})
            if r not in params
        ]
        if params.get("is_carousel_item") == "true" and kind not in ("IMAGE", "VIDEO"):
            errors.append("a carousel item is an IMAGE or a VIDEO")
        return errors
    if method == "POST" and segments == [USER_ID, "threads_publish"]:
        return (
            []
            if set(params) == {"creation_id"} and params["creation_id"].isdigit()
            else [f"bad publish {params}"]
        )
    fields = set(params.pop("fields", "").split(","))
    if method == "GET" and segments == ["me"]:
        known = USER_FIELDS
    elif method == "GET" and segments in ([USER_ID, "threads"], [USER_ID, "replies"]):
        known = MEDIA_FIELDS if segments[1] == "threads" else REPLY_FIELDS
        params = {
            k: v
            for k, v in params.items()
            if k not in ("limit", "since", "until", "after")
        }
    elif method == "GET" and len(segments) == 1 and segments[0].isdigit():
        known = CONTAINER_FIELDS if "status" in fields else MEDIA_FIELDS
    else:
        return [f"undocumented call {method} /{'/'.join(segments)}"]
    return [f"unknown field {f}" for f in fields - known] + [f"unknown {k}" for k in params]  # fmt: skip


@cache
def _payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def payload(name: str, **changes: Any) -> Any:
    data = copy.deepcopy(_payload(name))
    data.update(changes)
    return data


def api(path: str) -> str:
    return f"{GRAPH}/v1.0/{path.lstrip('/')}"


def sent(call: Any) -> dict[str, str]:
    params = call_params(call)
    params.pop("access_token", None)
    return params


def graph_calls(upstream: Any) -> list[Any]:
    return [c for c in upstream.calls if GRAPH_HOST in c.request.url]


@pytest.fixture(autouse=True)
def threads_enabled(settings) -> None:
    settings.OAUTH_CLIENTS = {**settings.OAUTH_CLIENTS, "threads": dict(CLIENT)}
    settings.PLATFORM_POLL_INTERVAL_SECONDS = 0


@pytest.fixture
def upstream():
    from urllib.parse import urlsplit

    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock
        errors = []
        for call in graph_calls(mock):
            segments = [s for s in urlsplit(call.request.url).path.split("/") if s]
            if segments and segments[0] == "v1.0":
                segments = segments[1:]
            errors += request_errors(call.request.method, segments, call_params(call))
        assert errors == [], errors


def connect_threads(persona: Persona, token: str = TOKEN) -> PlatformAccount:
    from datetime import timedelta

    from django.utils import timezone

    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="threads",
        connected=ConnectedAccount(
            external_id=USER_ID,
            display_name="@cornerbakery",
            credentials={"accessToken": token},
            metadata={"userId": USER_ID, "username": "cornerbakery"},
        ),
        token_expires_at=timezone.now() + timedelta(days=50),
    )
    return account


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_threads(owner)

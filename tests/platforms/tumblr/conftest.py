"""Tumblr fixtures. Tumblr publishes no machine-readable description of its API, so the fakes
and the checks here follow its official prose docs (tests/fixtures/platform-apis/tumblr:
api.md and npf-spec.md): every answer in the `{"meta", "response"}` envelope, and every post we
send checked by `npf_errors` against what the NPF spec says a new post may hold."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import responses

from platforms.base import ConnectedAccount
from platforms.models import PlatformAccount
from platforms.services import store_connected
from tests.conftest import Persona
from tests.fixtures import platform_api
from tests.platforms.multipart import parts

API = "https://api.tumblr.com/v2"
PAYLOADS = Path(__file__).parent / "payloads"
CLIENT = {"client_id": "tumblr-consumer-key", "client_secret": "tumblr-secret"}
BLOG = "derekg"
# api.md "Note about Post States"; npf-spec.md "Post Content Limits".
STATES = {"published", "queue", "draft", "private", "unapproved"}
LIMITS = {"blocks": 1000, "text": 1000, "image": 30, "link": 10, "text_chars": 4096}
BLOCK_FIELDS = {
    "text": {"text"},
    "image": {"media"},
    "link": {"url"},
}  # required per type


@cache
def _payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def payload(name: str) -> Any:
    return copy.deepcopy(_payload(name))


def api(path: str) -> str:
    return f"{API}{path}"


def docs() -> str:
    return (
        platform_api("tumblr/api.md").decode()
        + platform_api("tumblr/npf-spec.md").decode()
    )


def npf_errors(body: dict[str, Any], uploads: set[str] = frozenset()) -> list[str]:
    """What the prose docs say is wrong with a new NPF post (`uploads`: the multipart parts)."""
    errors: list[str] = []
    content = body.get("content")
    if not isinstance(content, list) or not content:
        return ["content must be a non-empty array (required for new posts)"]
    counts: dict[str, int] = {}
    for i, block in enumerate(content):
        kind = block.get("type")
        counts[kind] = counts.get(kind, 0) + 1
        missing = BLOCK_FIELDS.get(kind, {"?"}) - set(block)
        if missing:
            errors.append(f"content.{i} ({kind}) lacks {sorted(missing)}")
        if kind == "text" and len(block.get("text", "")) > LIMITS["text_chars"]:
            errors.append(f"content.{i} is over 4,096 characters")
        for media in block.get("media", []) if kind == "image" else []:
            if "url" not in media and media.get("identifier") not in uploads:
                errors.append(f"content.{i} media has no url and no uploaded part")
    if len(content) > LIMITS["blocks"]:
        errors.append("over 1,000 blocks")
    errors += [
        f"over {LIMITS[k]} {k} blocks"
        for k in ("text", "image", "link")
        if counts.get(k, 0) > LIMITS[k]
    ]
    if "state" in body and body["state"] not in STATES:
        errors.append(f"state {body['state']!r} is not documented")
    if "tags" in body and not isinstance(body["tags"], str):
        errors.append("tags must be one comma-separated string")
    return errors


def sent_post(call: Any) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The NPF body a post request sent (JSON, or the multipart `json` part first) and the
    uploaded parts, after checking both against the docs."""
    request = call.request
    assert request.headers["Authorization"].startswith("Bearer ")
    if request.headers["Content-Type"].startswith("multipart/form-data"):
        found = parts(request)
        names = list(found)
        assert names[0] == "json" and found["json"].content_type == "application/json"
        body = json.loads(found["json"].text)
        uploads = {n: found[n].data for n in names[1:]}
        assert all(found[n].filename for n in uploads)
    else:
        body, uploads = json.loads(request.body), {}
    errors = npf_errors(body, set(uploads))
    assert errors == [], errors
    return body, uploads


@pytest.fixture(autouse=True)
def tumblr_enabled(settings) -> None:
    settings.OAUTH_CLIENTS = {**settings.OAUTH_CLIENTS, "tumblr": dict(CLIENT)}


@pytest.fixture
def upstream():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def connect_tumblr(persona: Persona) -> PlatformAccount:
    account, _ = store_connected(
        workspace=persona.workspace,
        profile=persona.profile,
        platform="tumblr",
        connected=ConnectedAccount(
            external_id=BLOG,
            display_name=BLOG,
            credentials={
                "accessToken": "tumblr-access",
                "refreshToken": "tumblr-refresh",
            },
            metadata={"blog": BLOG, "blogName": BLOG, "blogUrl": "https://derekg.org/"},
        ),
    )
    return account


@pytest.fixture
def account(owner: Persona) -> PlatformAccount:
    return connect_tumblr(owner)

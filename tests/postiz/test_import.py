"""`manage.py import_postiz` against a fake Postiz public API, faked at the HTTP boundary.

Payloads follow spec/postiz-compat.md §5.2 and §5.4: integrations with identifier/profile, posts
with state, publishDate, group, settings as a JSON string and tags as {tag: {...}}.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.core.management import CommandError, call_command

from platforms.models import PlatformAccount
from postiz.models import PostizPost
from posts.models import PostTarget
from tests.conftest import Persona
from tests.postiz.conftest import connect_sandbox

pytestmark = pytest.mark.django_db

POSTIZ = "https://postiz.example.com/api"
KEY = "postiz-secret-key-123"


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def integration(id_: str, identifier: str, profile: str) -> dict[str, Any]:
    return {
        "id": id_,
        "name": profile.title(),
        "identifier": identifier,
        "picture": None,
        "disabled": False,
        "profile": profile,
    }


def remote_post(
    id_: str, integration_id: str, identifier: str, **over: Any
) -> dict[str, Any]:
    post = {
        "id": id_,
        "content": "<p>Hello from <strong>Postiz</strong></p>",
        "publishDate": iso(datetime.now(UTC) + timedelta(days=3)),
        "releaseURL": None,
        "releaseId": None,
        "state": "QUEUE",
        "intervalInDays": None,
        "group": f"group-{id_}",
        "creationMethod": "API",
        "settings": json.dumps(
            {"__type": identifier, "who_can_reply_post": "everyone"}
        ),
        "tags": [
            {"tag": {"id": "t1", "name": "launch", "color": "#fff", "orgId": "o"}}
        ],
        "error": None,
        "integration": {
            "id": integration_id,
            "providerIdentifier": identifier,
            "name": "x",
            "picture": None,
        },
    }
    post.update(over)
    return post


class FakePostiz:
    """The two public routes the importer reads; records what it was asked."""

    def __init__(self, mock: responses.RequestsMock) -> None:
        self.integrations: list[dict[str, Any]] = []
        self.posts: list[dict[str, Any]] = []
        self.calls: list[Any] = []
        mock.add_callback(responses.GET, f"{POSTIZ}/public/v1/integrations", self._ints)
        mock.add_callback(responses.GET, f"{POSTIZ}/public/v1/posts", self._posts)

    def _auth(self, request: Any) -> tuple[int, dict[str, str], str] | None:
        self.calls.append(request)
        if request.headers.get("Authorization") != KEY:
            return 401, {}, json.dumps({"msg": "Invalid API key"})
        return None

    def _ints(self, request: Any) -> tuple[int, dict[str, str], str]:
        return self._auth(request) or (200, {}, json.dumps(self.integrations))

    def _posts(self, request: Any) -> tuple[int, dict[str, str], str]:
        if failed := self._auth(request):
            return failed
        query = parse_qs(urlsplit(request.url).query)
        if "startDate" not in query or "endDate" not in query:
            return (
                400,
                {},
                json.dumps(
                    {"message": ["startDate must be a valid ISO 8601 date string"]}
                ),
            )
        return 200, {}, json.dumps({"posts": self.posts})


@pytest.fixture
def postiz() -> Iterator[FakePostiz]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakePostiz(mock)


@pytest.fixture
def pz_account(owner: Persona) -> PlatformAccount:
    return connect_sandbox(owner, "acme")


def run(*extra: str, key: str = KEY) -> str:
    out = StringIO()
    call_command("import_postiz", "--url", POSTIZ, "--api-key", key, *extra, stdout=out)
    return out.getvalue()


def test_future_queued_posts_of_matched_channels_are_imported(
    owner: Persona, postiz: FakePostiz, pz_account: PlatformAccount
) -> None:
    postiz.integrations = [integration("int-1", "sandbox", "acme")]
    postiz.posts = [remote_post("p1", "int-1", "sandbox")]

    output = run()

    meta = PostizPost.objects.get(source_id="p1")
    target = meta.target
    assert target.account_id == pz_account.pk
    assert target.status == PostTarget.Status.QUEUED
    assert target.text == "Hello from Postiz"
    assert target.scheduled_at == datetime.fromisoformat(postiz.posts[0]["publishDate"])
    assert meta.group == "group-p1"
    assert meta.settings == {"who_can_reply_post": "everyone"}
    assert meta.tags == [{"value": "t1", "label": "launch"}]
    assert meta.source == f"{POSTIZ}/public/v1"
    assert "p1" in output and "imported" in output and f"post {target.pk}" in output
    assert all(c.headers["Authorization"] == KEY for c in postiz.calls)
    assert KEY not in output


def test_a_second_run_imports_nothing_new(
    postiz: FakePostiz, pz_account: PlatformAccount
) -> None:
    postiz.integrations = [integration("int-1", "sandbox", "acme")]
    postiz.posts = [remote_post("p1", "int-1", "sandbox")]
    run()
    output = run()
    assert PostTarget.objects.count() == 1
    assert "already imported as" in output
    assert "0 imported" in output


def test_each_skip_says_why(postiz: FakePostiz, pz_account: PlatformAccount) -> None:
    postiz.integrations = [
        integration("int-1", "sandbox", "acme"),
        integration("int-2", "x", "someone"),
    ]
    postiz.posts = [
        remote_post("published", "int-1", "sandbox", state="PUBLISHED"),
        remote_post("draft", "int-1", "sandbox", state="DRAFT"),
        remote_post(
            "past",
            "int-1",
            "sandbox",
            publishDate=iso(datetime.now(UTC) - timedelta(hours=1)),
        ),
        remote_post("repeat", "int-1", "sandbox", intervalInDays=7),
        remote_post("elsewhere", "int-2", "x"),
        remote_post("too-long", "int-1", "sandbox", content="y" * 501),
    ]
    output = run()
    lines = {line.split()[0]: line for line in output.splitlines()[1:-1]}
    assert "state PUBLISHED" in lines["published"]
    assert "state DRAFT" in lines["draft"]
    assert "not in the future" in lines["past"]
    assert "repeating posts" in lines["repeat"]
    assert "no twitter account with handle 'someone'" in lines["elsewhere"]
    assert "refused here: Text is 501 graphemes" in lines["too-long"]
    assert all("skipped" in line for line in lines.values())
    assert not PostTarget.objects.exists()
    assert output.splitlines()[-1] == "0 imported, 6 skipped"


def test_handles_match_with_or_without_at_and_case(
    owner: Persona, postiz: FakePostiz
) -> None:
    account = connect_sandbox(owner, "Acme.Social")
    postiz.integrations = [integration("int-1", "sandbox", "@acme.social")]
    postiz.posts = [remote_post("p1", "int-1", "sandbox")]
    run()
    assert PostizPost.objects.get(source_id="p1").target.account_id == account.pk


def test_a_dry_run_writes_nothing(
    postiz: FakePostiz, pz_account: PlatformAccount
) -> None:
    postiz.integrations = [integration("int-1", "sandbox", "acme")]
    postiz.posts = [remote_post("p1", "int-1", "sandbox")]
    output = run("--dry-run")
    assert "would import" in output
    assert (
        output.splitlines()[-1]
        == "0 imported, 1 would import (dry run: nothing written)"
    )
    assert not PostTarget.objects.exists()


def test_the_window_starts_now(postiz: FakePostiz, pz_account: PlatformAccount) -> None:
    run("--days", "10")
    [posts_call] = [c for c in postiz.calls if "/posts" in c.url]
    query = parse_qs(urlsplit(posts_call.url).query)
    start = datetime.fromisoformat(query["startDate"][0])
    end = datetime.fromisoformat(query["endDate"][0])
    assert abs((start - datetime.now(UTC)).total_seconds()) < 60
    assert (end - start) == timedelta(days=10)


def test_a_wrong_key_stops_the_import(
    postiz: FakePostiz, pz_account: PlatformAccount
) -> None:
    with pytest.raises(CommandError, match="answered 401"):
        run(key="wrong")


def test_private_addresses_are_refused_by_the_guard(owner: Persona) -> None:
    with pytest.raises(CommandError, match="not a public internet address"):
        call_command(
            "import_postiz",
            "--url",
            "http://127.0.0.1:9/api",
            "--api-key",
            KEY,
            stdout=StringIO(),
        )


def test_the_workspace_must_be_named_when_there_are_several(
    owner: Persona, outsider: Persona, postiz: FakePostiz
) -> None:
    with pytest.raises(CommandError, match="several workspaces"):
        run()
    postiz.integrations = [integration("int-1", "sandbox", "theirs")]
    postiz.posts = [remote_post("p1", "int-1", "sandbox")]
    theirs = connect_sandbox(outsider, "theirs")
    run("--workspace", str(outsider.workspace.pk))
    assert PostizPost.objects.get(source_id="p1").target.account_id == theirs.pk

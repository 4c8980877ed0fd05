"""The real Postiz CLI (npm `postiz`, pinned in tests/postiz/node) against a live `serve`.

The CLI is pointed at us exactly as docs/migrate-from-postiz.md says: `POSTIZ_API_URL` (host only,
it appends /public/v1) and `POSTIZ_API_KEY`, with a throwaway HOME so no stored Postiz login wins.
Skips when node/npm are missing, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.support import boot_env, http, manage, serving
from tests.media.conftest import png_bytes

NODE_DIR = Path(__file__).resolve().parent / "node"
CLI = NODE_DIR / "node_modules" / "postiz" / "dist" / "index.js"
TIMEOUT = 60


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the Postiz CLI tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def cli() -> Path:
    """The pinned CLI, installed from package-lock.json on first use."""
    if not (shutil.which("node") and shutil.which("npm")):
        _unavailable("node and npm are needed to run the Postiz CLI")
    if not CLI.exists():
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],  # noqa: S607
            cwd=NODE_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0 or not CLI.exists():
            _unavailable(f"npm ci failed: {done.stderr[-500:]}")
    return CLI


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    env = boot_env(Path(tmp_path_factory.mktemp("postiz")))
    done = manage(
        "bootstrap",
        "--email",
        "postiz@example.com",
        "--password",
        "postiz-password-123",
        "--test-key",
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    key = json.loads(done.stdout.strip().splitlines()[-1])["apiKey"]
    with serving(env) as process:
        url = process.extra["url"]
        status, account = http(
            "POST", f"{url}/v1/accounts/connect/sandbox/complete", {"handle": "pz"}, key
        )
        assert status == 201, account
        yield {"url": url, "key": key, "accountId": account["id"]}


def postiz(
    cli: Path, server: dict[str, str], tmp_path: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "POSTIZ_API_URL": server["url"],
        "POSTIZ_API_KEY": server["key"],
    }
    return subprocess.run(  # noqa: S603 - node from PATH, the pinned CLI
        ["node", str(cli), *args],  # noqa: S607
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def printed_json(output: str) -> Any:
    """The JSON the CLI prints after its one-line banner."""
    return json.loads(output[output.index("\n") + 1 :])


def test_the_cli_lists_uploads_schedules_lists_and_deletes(
    cli: Path, server: dict[str, str], tmp_path: Path
) -> None:
    listed = postiz(cli, server, tmp_path, "integrations:list")
    assert listed.returncode == 0, listed.stderr
    [integration] = printed_json(listed.stdout)
    assert (integration["id"], integration["identifier"], integration["profile"]) == (
        server["accountId"],
        "sandbox",
        "pz",
    )

    picture = tmp_path / "pic.png"
    picture.write_bytes(png_bytes((6, 6)))
    uploaded = postiz(cli, server, tmp_path, "upload", str(picture))
    assert uploaded.returncode == 0, uploaded.stderr
    media = printed_json(uploaded.stdout)
    assert media["path"].endswith(".png")

    when = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:00Z")
    created = postiz(
        cli,
        server,
        tmp_path,
        "posts:create",
        "-c",
        "hello from the postiz cli",
        "-m",
        media["path"],
        "-s",
        when,
        "-i",
        server["accountId"],
    )
    assert created.returncode == 0, created.stderr + created.stdout
    [result] = printed_json(created.stdout)
    post_id = result["postId"]

    status, native = http(
        "GET", f"{server['url']}/v1/posts/{post_id}", key=server["key"]
    )
    assert status == 200, native
    assert native["status"] == "queued"
    assert native["scheduledAt"].startswith(when[:16])
    assert native["mediaRefs"][0]["mediaId"] == media["id"]

    shown = postiz(cli, server, tmp_path, "posts:list")
    assert shown.returncode == 0, shown.stderr
    posts = printed_json(shown.stdout)["posts"]
    assert [(p["id"], p["state"], p["content"]) for p in posts] == [
        (post_id, "QUEUE", "hello from the postiz cli")
    ]

    deleted = postiz(cli, server, tmp_path, "posts:delete", post_id)
    assert deleted.returncode == 0, deleted.stderr
    assert re.search(rf"Post {post_id} deleted", deleted.stdout)
    status, native = http(
        "GET", f"{server['url']}/v1/posts/{post_id}", key=server["key"]
    )
    assert native["status"] == "canceled"
    again = printed_json(postiz(cli, server, tmp_path, "posts:list").stdout)
    assert again["posts"] == []


def test_the_cli_reports_a_wrong_key(
    cli: Path, server: dict[str, str], tmp_path: Path
) -> None:
    wrong = {**server, "key": "lmp_test_wrong"}
    done = postiz(cli, wrong, tmp_path, "integrations:list")
    assert done.returncode == 1
    assert "API Error (401)" in done.stderr
    assert "Invalid API key" in done.stderr


def test_the_cli_shows_a_preflight_failure(
    cli: Path, server: dict[str, str], tmp_path: Path
) -> None:
    when = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:00Z")
    done = postiz(
        cli,
        server,
        tmp_path,
        "posts:create",
        "-c",
        "x" * 501,
        "-s",
        when,
        "-i",
        server["accountId"],
    )
    assert done.returncode == 1
    assert "API Error (400)" in done.stderr
    assert "the sandbox allows 500" in done.stderr


def test_the_cli_saves_a_draft(
    cli: Path, server: dict[str, str], tmp_path: Path
) -> None:
    when = (datetime.now(UTC) + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:00Z")
    done = postiz(
        cli,
        server,
        tmp_path,
        "posts:create",
        "-c",
        "a thought for later",
        "-s",
        when,
        "-t",
        "draft",
        "-i",
        server["accountId"],
    )
    assert done.returncode == 0, done.stderr + done.stdout
    [result] = printed_json(done.stdout)
    status, native = http(
        "GET", f"{server['url']}/v1/posts/{result['postId']}", key=server["key"]
    )
    assert (status, native["status"]) == (200, "draft")
    listed = printed_json(postiz(cli, server, tmp_path, "posts:list").stdout)["posts"]
    assert [(p["id"], p["state"]) for p in listed] == [(result["postId"], "DRAFT")]

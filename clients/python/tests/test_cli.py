"""The `letmepost` console script, run as a subprocess against the live server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import get_args

import pytest
from support import scripted_server, tiny_png
from typer.testing import CliRunner

from letmepost import Letmepost
from letmepost.cli.main import app
from letmepost.types import Weekday

CLI = Path(sys.executable).with_name("letmepost")
UTC = timezone.utc


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(server, tmp_path):
    """Run the CLI with the key in env (unless `login=True`) and a private config dir.

    In-process through click's runner (the same app object the console script calls) to keep
    the suite fast; `process=True` runs the installed `letmepost` script instead.
    """
    cleared = {k: None for k in os.environ if k.startswith(("LETMEPOST_", "LMP_"))}
    config_dir = str(tmp_path / "config")

    def invoke(
        *args: str,
        env: dict[str, str] | None = None,
        login: bool = False,
        process: bool = False,
    ) -> Outcome:
        full: dict[str, str | None] = {**cleared, "LETMEPOST_CONFIG_DIR": config_dir}
        if not login:
            full["LETMEPOST_API_KEY"] = server.api_key
            full["LETMEPOST_BASE_URL"] = server.base_url
        full.update(env or {})
        if process:
            merged = {k: v for k, v in {**os.environ, **full}.items() if v is not None}
            done = subprocess.run(
                [str(CLI), *args],
                env=merged,
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=60,
                stdin=subprocess.DEVNULL,
            )
            return Outcome(done.returncode, done.stdout, done.stderr)
        result = CliRunner().invoke(app, list(args), env=full, catch_exceptions=False)
        return Outcome(result.exit_code, result.stdout, result.stderr)

    return invoke


def test_login_stores_key_and_env_wins(run, server, tmp_path) -> None:
    login = run(
        "login",
        "--api-key",
        server.api_key,
        "--base-url",
        server.base_url,
        "--json",
        login=True,
    )
    assert login.returncode == 0, login.stderr
    stored = tmp_path / "config" / "config.json"
    assert json.loads(stored.read_text()) == {
        "apiKey": server.api_key,
        "baseUrl": server.base_url,
    }
    assert stored.stat().st_mode & 0o777 == 0o600
    assert server.api_key not in login.stdout

    who = run("whoami", "--json", login=True, process=True)
    assert who.returncode == 0, who.stderr
    assert json.loads(who.stdout)["keySource"] == "config"

    # env beats the stored key: a wrong env key is used, and refused
    bad = run("whoami", login=True, env={"LETMEPOST_API_KEY": "lmp_test_" + "z" * 32})
    assert bad.returncode == 1
    assert "unauthenticated" in bad.stderr

    assert run("logout", login=True).returncode == 0
    assert not stored.exists()
    nokey = run("whoami", login=True)
    assert nokey.returncode == 1 and "letmepost login" in nokey.stderr


def test_login_refuses_a_bad_key_and_stores_nothing(run, server, tmp_path) -> None:
    result = run(
        "login", "--api-key", "lmp_test_nope", "--base-url", server.base_url, login=True
    )
    assert result.returncode == 1
    assert "unauthenticated" in result.stderr
    assert not (tmp_path / "config" / "config.json").exists()


def test_whoami(run, server) -> None:
    result = run("whoami", "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["baseUrl"] == server.base_url and info["keySource"] == "env"
    assert server.api_key not in result.stdout
    human = run("whoami")
    assert server.base_url in human.stdout and "test" in human.stdout


def test_post_to_account_and_platform(run, server) -> None:
    result = run(
        "post", "from the cli", "--to", server.account_id, "--json", process=True
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["status"] == "published"

    by_platform = run("post", "to every sandbox account", "--to", "sandbox")
    assert by_platform.returncode == 0, by_platform.stderr
    assert "published" in by_platform.stdout

    nothing = run("post", "x", "--to", "mastodon")
    assert nothing.returncode == 1
    assert "No connected mastodon account" in nothing.stderr


def test_post_a_thread_in_order(run, server) -> None:
    result = run(
        "post",
        "one",
        "--to",
        server.account_id,
        "--thread",
        "two",
        "--thread",
        "three",
        "--auto-thread",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    (target,) = json.loads(result.stdout)["results"]
    assert target["thread"]["published"] == target["thread"]["total"] == 3


def test_post_with_media_schedule_and_idempotency_key(run, server, tmp_path) -> None:
    image = tmp_path / "one.png"
    image.write_bytes(tiny_png(8, 8))
    key = f"cli-{uuid.uuid4()}"
    when = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    args = (
        "post",
        "scheduled with media",
        "--to",
        server.account_id,
        "--media",
        str(image),
        "--at",
        when,
        "--idempotency-key",
        key,
        "--json",
    )

    first = run(*args)
    second = run(*args)

    assert first.returncode == 0, first.stderr
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["status"] == "queued" and a["scheduledAt"]
    assert a["id"] == b["id"], "the same key must not schedule twice"
    with Letmepost(api_key=server.api_key, base_url=server.base_url) as lmp:
        assert len(lmp.posts.get(a["results"][0]["postId"])["mediaRefs"]) == 1
    relative = run("post", "soon", "--to", server.account_id, "--at", "+90m", "--json")
    assert relative.returncode == 0, relative.stderr
    soon = datetime.fromisoformat(
        json.loads(relative.stdout)["scheduledAt"].replace("Z", "+00:00")
    )
    assert timedelta(minutes=89) < soon - datetime.now(UTC) < timedelta(minutes=91)
    human = run("post", "again", "--to", server.account_id, "--media", str(image))
    assert "upload one.png" in human.stderr  # the progress bar


def test_post_at_next_slot_takes_the_queues_next_slot(run, server) -> None:
    with Letmepost(api_key=server.api_key, base_url=server.base_url) as lmp:
        profile_id = lmp.profiles.create(name="Queue CLI")["id"]
        slots = [{"weekday": d, "time": "02:10"} for d in get_args(Weekday)]
        lmp.queues.set(profile_id, timezone="UTC", slots=slots)
        account = lmp.accounts.complete_connect(
            "sandbox", {"handle": "cli-queue"}, profile_id=profile_id
        )
        result = run("post", "q", "--to", account["id"], "--at", "next_slot", "--json")
        assert result.returncode == 0, result.stderr
        body = json.loads(result.stdout)
        assert body["status"] == "queued"
        assert body["scheduledAt"].endswith("T02:10:00.000Z")
        lmp.accounts.disconnect(account["id"])  # cancels the post


def test_post_rejected_exits_1_with_envelope(run, server) -> None:
    result = run("post", "z" * 600, "--to", server.account_id)
    assert result.returncode == 1
    assert "preflight_failed" in result.stderr
    assert "rule:        sandbox.text.max_graphemes" in result.stderr
    assert "remediation: Shorten" in result.stderr

    as_json = run("post", "z" * 600, "--to", server.account_id, "--json")
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["error"]["rule"] == "sandbox.text.max_graphemes"


def test_validate_exit_codes(run, server) -> None:
    bad = run("validate", "x" * 5000, "--to", server.account_id, process=True)
    assert bad.returncode == 2
    assert "sandbox.text.max_graphemes" in bad.stdout
    good = run("validate", "short", "--to", server.account_id, "--json")
    assert good.returncode == 0
    assert json.loads(good.stdout)["valid"] is True
    broken = run("validate", "x", "--to", "00000000-0000-7000-8000-000000000000")
    assert broken.returncode == 1


def test_posts_list_get_reschedule_cancel(run, server) -> None:
    marker = uuid.uuid4().hex[:10]
    when = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    created = json.loads(
        run(
            "post", f"{marker} later", "--to", server.account_id, "--at", when, "--json"
        ).stdout
    )
    post_id = created["results"][0]["postId"]

    listed = json.loads(run("posts", "list", "--q", marker, "--json").stdout)
    assert [p["id"] for p in listed["data"]] == [post_id]
    table = run("posts", "list", "--status", "queued", "--limit", "200")
    assert post_id in table.stdout
    got = json.loads(run("posts", "get", post_id, "--json").stdout)
    assert got["status"] == "queued"

    moved = run("posts", "reschedule", post_id, "+5d", "--json")
    assert moved.returncode == 0, moved.stderr
    assert json.loads(moved.stdout)["scheduledAt"] != got["scheduledAt"]
    canceled = run("posts", "cancel", post_id)
    assert canceled.returncode == 0 and "canceled" in canceled.stdout
    again = run("posts", "cancel", post_id)
    assert again.returncode == 1 and "rule:" in again.stderr


def test_posts_list_all_pages(run, server) -> None:
    marker = uuid.uuid4().hex[:10]
    for i in range(3):
        run("post", f"{marker} {i}", "--to", server.account_id)
    listed = json.loads(
        run("posts", "list", "--q", marker, "--limit", "1", "--all", "--json").stdout
    )
    assert len(listed["data"]) == 3 and listed["nextCursor"] is None


def test_posts_retry(run, server) -> None:
    with Letmepost(api_key=server.api_key, base_url=server.base_url) as lmp:
        failed = lmp.posts.create(
            targets=[server.account_id],
            text="retry me",
            sandbox_outcome="platform_rejected",
        )
        # a transient failure is queued for the engine's own retry, not for this command
        transient = lmp.posts.create(
            targets=[server.account_id],
            text="retrying on its own",
            sandbox_outcome="platform_unavailable",
        )
    post_id = failed["results"][0]["postId"]
    result = run("posts", "retry", post_id, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "published"

    refused = run("posts", "retry", transient["results"][0]["postId"])
    assert refused.returncode == 1
    assert "Only failed or rejected posts can be retried" in refused.stderr


def test_accounts_list_and_connect_credentials(run, server) -> None:
    connected = run(
        "accounts", "connect", "sandbox", "--field", "handle=cli-made", "--json"
    )
    assert connected.returncode == 0, connected.stderr
    account = json.loads(connected.stdout)
    try:
        listed = run("accounts", "list", "--platform", "sandbox", "--json")
        assert account["id"] in {a["id"] for a in json.loads(listed.stdout)["data"]}
        assert server.account_id in run("accounts", "list").stdout
    finally:  # other tests target "sandbox" by slug and need it to stay unambiguous
        with Letmepost(api_key=server.api_key, base_url=server.base_url) as lmp:
            lmp.accounts.disconnect(account["id"])

    missing = run("accounts", "connect", "sandbox", "--json")
    assert missing.returncode == 1 and "handle" in missing.stdout


def test_webhooks_list_and_test(run, server) -> None:
    with scripted_server([(200, {}, b"ok")]) as fake:
        with Letmepost(api_key=server.api_key, base_url=server.base_url) as lmp:
            endpoint = lmp.webhooks.create(url=fake.url + "/cli")
        listed = run("webhooks", "list", "--json")
        assert endpoint["id"] in {w["id"] for w in json.loads(listed.stdout)["data"]}
        tested = run("webhooks", "test", endpoint["id"])
        assert tested.returncode == 0, tested.stderr
        assert "delivered" in tested.stdout
        assert len(fake.received) == 1


def test_rules(run) -> None:
    rules = run("rules", "bluesky", "--json")
    assert rules.returncode == 0
    assert "bluesky.text.max_graphemes" in {
        r["id"] for r in json.loads(rules.stdout)["data"]
    }
    unknown = run("rules", "myspace")
    assert unknown.returncode == 1 and "validation_failed" in unknown.stderr


def test_connection_error_is_reported_not_a_traceback(run) -> None:
    result = run(
        "whoami", env={"LETMEPOST_BASE_URL": "http://127.0.0.1:9"}, process=True
    )
    assert result.returncode == 1
    assert "Could not reach" in result.stderr and "Traceback" not in result.stderr


# ---- letmepost.dev's `lmp` CLI: its names, flags, variables and output shapes work here ----

LMP = Path(sys.executable).with_name("lmp")


def test_lmp_script_and_its_environment_variables(run, server) -> None:
    env = {
        "LETMEPOST_API_KEY": None,
        "LETMEPOST_BASE_URL": None,
        "LMP_API_KEY": server.api_key,
        "LMP_API_BASE": server.base_url,
    }
    who = run("whoami", "--json", env=env)
    assert who.returncode == 0, who.stderr
    info = json.loads(who.stdout)
    assert info["baseUrl"] == server.base_url and info["keySource"] == "env"

    # ours win when both are set: a wrong LMP_API_KEY is not used
    both = run("whoami", "--json", env={"LMP_API_KEY": "lmp_test_" + "z" * 32})
    assert both.returncode == 0, both.stderr

    done = subprocess.run(
        [str(LMP), "-v"],
        env={**os.environ, "LMP_API_BASE": server.base_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("letmepost ") and server.base_url in done.stdout


def test_reference_post_flags(run, server, tmp_path) -> None:
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    first.write_bytes(tiny_png(4, 4))
    second.write_bytes(tiny_png(6, 6))
    when = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    result = run(
        "post",
        "in the reference's words",
        f"--to=sandbox,{server.account_id}",
        f"--media={first},{second}",
        f"--schedule={when}",
        "--first-comment=more below",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    batch = json.loads(result.stdout)
    assert batch["status"] == "queued" and batch["scheduledAt"].startswith(when[:19])
    [target] = batch["results"]  # the slug and the id name the same account
    with Letmepost(api_key=server.api_key, base_url=server.base_url) as lmp:
        post = lmp.posts.get(target["postId"])
        assert len(post["mediaRefs"]) == 2
        lmp.posts.cancel(target["postId"])
    missing = run("post", "x", "--to", "sandbox", "--media", "a.png,nope.png")
    assert missing.returncode == 1 and "Media file not found" in missing.stderr


def test_profiles_use_and_current(run, server) -> None:
    with Letmepost(api_key=server.api_key, base_url=server.base_url) as lmp:
        default = lmp.accounts.get(server.account_id)["profileId"]
        other = lmp.profiles.create(name="Client B")
        theirs = lmp.accounts.complete_connect(
            "sandbox", {"handle": "client-b"}, profile_id=other["id"]
        )
    try:
        assert run("profiles", "current").stdout == "none — using key default\n"
        listed = run("profiles", "list", "--json")
        assert {default, other["id"]} <= {
            p["id"] for p in json.loads(listed.stdout)["data"]
        }

        unknown = run("profiles", "use", "00000000-0000-7000-8000-000000000000")
        assert unknown.returncode == 1
        assert "not found in this org" in unknown.stderr

        chosen = run("profiles", "use", other["id"])
        assert chosen.returncode == 0, chosen.stderr
        assert chosen.stdout == f"✔ Default profile set to Client B ({other['id']}).\n"
        assert run("profiles", "current").stdout == f"{other['id']}\n"
        assert "✔" in run("profiles", "list").stdout

        # commands without --profile now see only that profile; --profile still wins
        rows = json.loads(run("accounts", "list", "--json").stdout)["data"]
        assert [a["id"] for a in rows] == [theirs["id"]]
        rows = json.loads(
            run("accounts", "list", "--profile", default, "--json").stdout
        )["data"]
        assert server.account_id in {a["id"] for a in rows}
        posted = json.loads(
            run("post", "for client b", "--to", "sandbox", "--json").stdout
        )
        assert [r["accountId"] for r in posted["results"]] == [theirs["id"]]
        listed_posts = json.loads(run("posts", "list", "--json").stdout)["data"]
        assert {p["profileId"] for p in listed_posts} == {other["id"]}
    finally:  # other tests target "sandbox" by slug and need it to stay unambiguous
        with Letmepost(api_key=server.api_key, base_url=server.base_url) as lmp:
            lmp.accounts.disconnect(theirs["id"])


def test_accounts_disconnect(run, server) -> None:
    with Letmepost(api_key=server.api_key, base_url=server.base_url) as lmp:
        account = lmp.accounts.complete_connect("sandbox", {"handle": "to-go"})
        other = lmp.profiles.create(name="Elsewhere")
    try:
        wrong = run("accounts", "disconnect", account["id"], "--profile", other["id"])
        assert wrong.returncode == 1 and "in profile" in wrong.stderr

        done = run("accounts", "disconnect", account["id"])
        assert done.returncode == 0, done.stderr
        assert done.stdout == f"✔ disconnected {account['id']}\n"
        with Letmepost(api_key=server.api_key, base_url=server.base_url) as lmp:
            assert account["id"] not in {a["id"] for a in lmp.accounts.list()}
        again = run("accounts", "disconnect", account["id"], "--json")
        assert again.returncode == 1
        assert json.loads(again.stdout)["error"]["code"] == "not_found"
    finally:
        with Letmepost(api_key=server.api_key, base_url=server.base_url) as lmp:
            lmp.profiles.delete(other["id"])

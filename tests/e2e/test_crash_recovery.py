"""A post survives its server dying mid-publish, and lands exactly once.

Each test runs the real embedded server (`manage.py serve` in its own process group) on a fresh
LETMEPOST_DATA_DIR and talks to it over loopback HTTP only; the sandbox platform's timeline is read
straight from the SQLite file. Leases are 2 s and retry backoff 1 s, so recovery takes seconds.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.e2e.support import (
    Process,
    boot_env,
    bootstrap_key,
    http,
    serving,
    wait_for,
)

LEASE_SECONDS = 2
# scheduledAt must be at least 1 s ahead when the server validates it (posts.services.MIN_LEAD); a
# loaded machine can take a while to get there, so the time is taken as the request is sent, with
# seconds to spare.
SCHEDULE_LEAD = timedelta(seconds=3)
SETTLE_TIMEOUT = 20  # seconds for a reclaimed post to be published


def engine_env(data_dir: Path) -> dict[str, str]:
    return boot_env(
        data_dir,
        LETMEPOST_PUBLISH_LEASE_SECONDS=str(LEASE_SECONDS),
        LETMEPOST_PUBLISH_RETRY_BASE_SECONDS="1",
        LETMEPOST_DISPATCH_INTERVAL_MS="100",
    )


def iso(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def connect_account(server: Process, key: str) -> str:
    status, body = http(
        "POST",
        f"{server.extra['url']}/v1/accounts/connect/sandbox/complete",
        {"handle": "crash"},
        key,
    )
    assert status in (200, 201), body
    return body["id"]


def schedule(server: Process, key: str, account_id: str, **body: Any) -> str:
    """Create a post due SCHEDULE_LEAD from the moment it is sent."""
    body["targets"] = [{"accountId": account_id, "options": body.pop("options")}]
    body["scheduledAt"] = iso(datetime.now(UTC) + SCHEDULE_LEAD)
    status, answer = http("POST", f"{server.extra['url']}/v1/posts", body, key)
    assert status in (200, 202), answer
    [result] = answer["results"]
    return result["postId"]


def get_post(server: Process, key: str, post_id: str) -> dict[str, Any]:
    status, body = http("GET", f"{server.extra['url']}/v1/posts/{post_id}", key=key)
    assert status == 200, body
    return body


def timeline_rows(data_dir: Path, token: str) -> int:
    """Rows the sandbox "platform" holds for this idempotency token (the target id)."""
    with sqlite3.connect(data_dir / "db.sqlite3", timeout=10) as conn:
        return conn.execute(
            "SELECT COUNT(*) FROM platforms_sandboxpost WHERE token = ?", (token,)
        ).fetchone()[0]


def all_timeline_rows(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "db.sqlite3", timeout=10) as conn:
        return conn.execute("SELECT COUNT(*) FROM platforms_sandboxpost").fetchone()[0]


def published(server: Process, key: str, post_id: str) -> dict[str, Any] | None:
    post = get_post(server, key, post_id)
    assert post["status"] in ("queued", "publishing", "published"), post
    return post if post["status"] == "published" else None


def test_a_server_killed_while_the_platform_answers_slowly_is_reconciled_not_reposted(
    tmp_path: Path,
) -> None:
    env = engine_env(tmp_path)
    with serving(env, name="first") as first:
        key = bootstrap_key(env)
        account_id = connect_account(first, key)
        post_id = schedule(
            first,
            key,
            account_id,
            text="applied, but the answer is slow",
            options={"platform": "sandbox", "sandboxDelayMs": 8000},
        )

        def mid_publish() -> dict[str, Any] | None:
            post = get_post(first, key, post_id)
            started = post["status"] == "publishing" and len(post["attempts"]) == 1
            return post if started and timeline_rows(tmp_path, post_id) == 1 else None

        # The attempt is written, the platform has the post, the adapter sleeps on its answer.
        during = wait_for(
            mid_publish,
            timeout=SCHEDULE_LEAD.total_seconds() + 10,
            interval=0.02,
            what="the first attempt",
        )
        assert during["attempts"][0]["outcome"] == "pending"
        first.kill()  # SIGKILL the group well inside the 2 s lease: nobody records an outcome

    with serving(env, name="second") as second:
        post = wait_for(
            lambda: published(second, key, post_id),
            timeout=SETTLE_TIMEOUT,
            interval=0.1,
            what="the reclaimed post to be published",
        )

    assert [a["outcome"] for a in post["attempts"]] == ["unknown", "reconciled"]
    assert [a["attemptNumber"] for a in post["attempts"]] == [1, 2]
    assert post["attemptCount"] == 2
    assert post["publishedAt"] is not None
    assert post["platformUri"].endswith(post_id)
    assert timeline_rows(tmp_path, post_id) == 1
    assert all_timeline_rows(tmp_path) == 1


def test_an_unknown_outcome_is_reconciled_through_the_platform_not_published_twice(
    tmp_path: Path,
) -> None:
    env = engine_env(tmp_path)
    with serving(env) as server:
        key = bootstrap_key(env)
        account_id = connect_account(server, key)
        post_id = schedule(
            server,
            key,
            account_id,
            text="sent, answer lost",
            options={"platform": "sandbox", "sandboxOutcome": "outcome_unknown"},
        )
        post = wait_for(
            lambda: published(server, key, post_id),
            timeout=SETTLE_TIMEOUT,
            interval=0.1,
            what="the unknown outcome to be reconciled",
        )

    assert [a["outcome"] for a in post["attempts"]] == ["unknown", "reconciled"]
    assert post["attempts"][0]["errorCode"] == "platform_unavailable"
    assert "answer was lost" in post["attempts"][0]["errorMessage"]
    assert post["publishedAt"] is not None
    assert timeline_rows(tmp_path, post_id) == 1
    assert all_timeline_rows(tmp_path) == 1


def test_a_server_killed_between_thread_items_resumes_with_one_row_per_item(
    tmp_path: Path,
) -> None:
    env = engine_env(tmp_path)
    with serving(env, name="first") as first:
        key = bootstrap_key(env)
        account_id = connect_account(first, key)
        post_id = schedule(
            first,
            key,
            account_id,
            text="a thread that survives a crash",
            thread=[{"text": f"item {n}"} for n in range(4)],
            # thread[1] lands, then its answer is slow: the server dies while waiting for it.
            options={
                "platform": "sandbox",
                "sandboxFailItem": 1,
                "sandboxDelayMs": 8000,
            },
        )
        item = f"{post_id}.2"

        def between_items() -> dict[str, Any] | None:
            if timeline_rows(tmp_path, item) != 1:
                return None
            return get_post(first, key, post_id)  # read after the item landed

        during = wait_for(
            between_items,
            timeout=SCHEDULE_LEAD.total_seconds() + 10,
            interval=0.02,
            what="thread[1] to land",
        )
        assert during["status"] == "publishing"
        assert [i["status"] for i in during["thread"]["items"]] == [
            "published",
            "publishing",
            "pending",
            "pending",
        ]
        first.kill()  # SIGKILL inside the 2 s lease, between thread[1] and thread[2]

    with serving(env, name="second") as second:
        post = wait_for(
            lambda: published(second, key, post_id),
            timeout=SETTLE_TIMEOUT,
            interval=0.1,
            what="the resumed thread to be published",
        )

    assert post["thread"]["published"] == 5  # the first post and 4 items
    assert [a["outcome"] for a in post["attempts"]] == ["unknown", "published"]
    tokens = [post_id] + [f"{post_id}.{n}" for n in range(1, 5)]
    assert [timeline_rows(tmp_path, t) for t in tokens] == [1, 1, 1, 1, 1]
    assert all_timeline_rows(tmp_path) == 5

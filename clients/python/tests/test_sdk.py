"""The SDK against a live server: publishing, scheduling, validation, media, pages, errors."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta, timezone
from typing import get_args

import pytest
from support import tiny_png

from letmepost import (
    IdempotencyConflictError,
    Letmepost,
    LetmepostError,
    NotFoundError,
    PreflightFailedError,
    UnauthenticatedError,
    ValidationFailedError,
)
from letmepost.types import Weekday

UTC = timezone.utc


def test_publish_now_and_read_back(lmp: Letmepost, server) -> None:
    result = lmp.posts.create(targets=[server.account_id], text="hello from the sdk")

    assert result["status"] == "published"
    (target,) = result["results"]
    assert target["status"] == "published"
    detail = lmp.posts.get(target["postId"])
    assert detail["text"] == "hello from the sdk"
    assert detail["status"] == "published"
    assert detail["attempts"], "a published post has at least one attempt"


def test_a_thread_is_published_after_the_post_and_reported(
    lmp: Letmepost, server
) -> None:
    result = lmp.posts.create(
        targets=[server.account_id],
        text="a thread from the sdk",
        thread=["second", {"text": "third"}],
        first_comment="and a comment",
    )
    (target,) = result["results"]
    assert target["status"] == "published"
    assert target["thread"]["published"] == target["thread"]["total"] == 3  # the chain
    assert [i["position"] for i in target["thread"]["items"]] == [0, 1]
    assert target["firstCommentUri"]
    detail = lmp.posts.get(target["postId"])
    assert detail["thread"] is not None and detail["thread"]["published"] == 3


def test_platform_slug_target_resolves_to_the_account(lmp: Letmepost, server) -> None:
    result = lmp.posts.create(targets=["sandbox"], text="by platform")

    assert [r["accountId"] for r in result["results"]] == [server.account_id]


def test_schedule_reschedule_cancel(lmp: Letmepost, server) -> None:
    when = datetime.now(UTC) + timedelta(days=2)
    result = lmp.posts.create(
        targets=[server.account_id], text="later", scheduled_at=when
    )
    assert result["status"] == "queued"
    post_id = result["results"][0]["postId"]

    later = when + timedelta(hours=3)
    moved = lmp.posts.reschedule(post_id, later)
    assert moved["scheduledAt"].startswith(later.strftime("%Y-%m-%dT%H:%M"))

    assert lmp.posts.cancel(post_id) == {"id": post_id, "status": "canceled"}
    with pytest.raises(ValidationFailedError) as caught:
        lmp.posts.cancel(post_id)
    assert caught.value.status == 409
    assert caught.value.rule


def test_naive_datetime_is_refused_before_sending(lmp: Letmepost, server) -> None:
    with pytest.raises(ValueError, match="aware"):
        lmp.posts.create(
            targets=[server.account_id],
            text="x",
            scheduled_at=datetime(2030, 1, 1),  # noqa: DTZ001 - naive on purpose
        )


def test_validate_reports_violations_without_publishing(lmp: Letmepost, server) -> None:
    marker = uuid.uuid4().hex
    result = lmp.posts.validate(targets=[server.account_id], text=marker + "x" * 600)

    assert result["valid"] is False
    (target,) = result["results"]
    assert [v["rule"] for v in target["violations"]] == ["sandbox.text.max_graphemes"]
    assert list(lmp.iter_posts(q=marker)) == []
    assert lmp.posts.validate(targets=[server.account_id], text="fine")["valid"] is True


def test_error_envelope_becomes_exception_fields(lmp: Letmepost, server) -> None:
    with pytest.raises(PreflightFailedError) as caught:
        lmp.posts.create(targets=[server.account_id], text="y" * 600)

    exc = caught.value
    assert exc.code == "preflight_failed"
    assert exc.status == 400
    assert exc.rule == "sandbox.text.max_graphemes"
    assert exc.platform == "sandbox"
    assert exc.remediation
    assert exc.doc_url and exc.doc_url.endswith("/errors/preflight_failed")
    assert exc.docUrl == exc.doc_url
    assert exc.request_id and exc.request_id == lmp.last_response.request_id
    assert exc.requestId == exc.request_id
    assert exc.violations and exc.violations[0]["rule"] == exc.rule
    assert isinstance(exc, LetmepostError)


def test_not_found_and_unauthenticated(lmp: Letmepost, server) -> None:
    with pytest.raises(NotFoundError) as caught:
        lmp.posts.get(str(uuid.uuid4()))
    assert caught.value.status == 404

    with (
        Letmepost(api_key="lmp_test_" + "x" * 32, base_url=server.base_url) as bad,
        pytest.raises(UnauthenticatedError) as denied,
    ):
        bad.accounts.list()
    assert denied.value.status == 401
    assert denied.value.message


def test_idempotent_replay_and_conflict(lmp: Letmepost, server) -> None:
    key = f"sdk-test-{uuid.uuid4()}"
    first = lmp.posts.create(
        targets=[server.account_id], text="once", idempotency_key=key
    )
    assert lmp.last_response.replayed is False
    again = lmp.posts.create(
        targets=[server.account_id], text="once", idempotency_key=key
    )

    assert again["id"] == first["id"]
    assert lmp.last_response.replayed is True
    assert lmp.last_response.idempotency_key == key
    with pytest.raises(IdempotencyConflictError) as caught:
        lmp.posts.create(targets=[server.account_id], text="twice", idempotency_key=key)
    assert caught.value.rule == "idempotency_key.body_mismatch"


def test_every_write_gets_its_own_generated_key(lmp: Letmepost, server) -> None:
    lmp.posts.create(targets=[server.account_id], text="auto key one")
    first = lmp.last_response.idempotency_key
    lmp.posts.create(targets=[server.account_id], text="auto key one")
    second = lmp.last_response.idempotency_key

    assert first and second and first != second
    assert uuid.UUID(first) and lmp.last_response.replayed is False


def test_media_upload_from_path_and_bytes_with_progress(
    lmp: Letmepost, server, tmp_path
) -> None:
    png = tiny_png(16, 9)
    path = tmp_path / "pixel.png"
    path.write_bytes(png)
    seen: list[tuple[int, int]] = []

    from_path = lmp.media.upload(
        path, progress=lambda sent, total: seen.append((sent, total))
    )
    from_bytes = lmp.media.upload(png, filename="again.png")

    for media in (from_path, from_bytes):
        assert media["kind"] == "image"
        assert media["sizeBytes"] == len(png)
        assert media["sha256"] == hashlib.sha256(png).hexdigest()
        assert (media["width"], media["height"]) == (16, 9)
    assert (
        seen[-1][0] == seen[-1][1] > len(png)
    )  # the multipart envelope is counted too
    assert [s for s, _ in seen] == sorted(s for s, _ in seen)
    assert lmp.media.get(from_path["id"])["id"] == from_path["id"]
    assert {from_path["id"], from_bytes["id"]} <= {m["id"] for m in lmp.iter_media()}

    result = lmp.posts.create(
        targets=[server.account_id], text="with a picture", media=[from_path]
    )
    assert result["status"] == "published"
    detail = lmp.posts.get(result["results"][0]["postId"])
    assert [m.get("mediaId") for m in detail["mediaRefs"]] == [from_path["id"]]

    assert lmp.media.delete(from_bytes["id"])["deleted"] is True
    with pytest.raises(NotFoundError):
        lmp.media.get(from_bytes["id"])


def test_iterators_follow_the_cursor(lmp: Letmepost, server) -> None:
    marker = uuid.uuid4().hex[:12]
    made = [
        lmp.posts.create(targets=[server.account_id], text=f"{marker} #{i}")["results"][
            0
        ]["postId"]
        for i in range(5)
    ]

    page = lmp.posts.list(q=marker, limit=2)
    assert len(page["data"]) == 2 and page["nextCursor"]
    seen = [p["id"] for p in lmp.iter_posts(q=marker, page_size=2)]
    assert sorted(seen) == sorted(made)
    assert len(seen) == len(set(seen))
    assert seen == list(reversed(made))  # newest first


def test_retry_republishes_a_rejected_post(lmp: Letmepost, server) -> None:
    rejected = lmp.posts.create(
        targets=[server.account_id],
        text="will be rejected",
        sandbox_outcome="platform_rejected",
    )
    post_id = rejected["results"][0]["postId"]
    assert rejected["results"][0]["status"] == "rejected"

    again = lmp.posts.retry(post_id)

    assert again["status"] == "published"
    assert again["results"][0]["postId"] != post_id
    assert lmp.posts.get(again["results"][0]["postId"])["text"] == "will be rejected"
    with pytest.raises(ValidationFailedError, match="failed or rejected") as refused:
        lmp.posts.retry(again["results"][0]["postId"])
    assert (refused.value.status, refused.value.rule) == (409, "post.retry.status")


def test_accounts_connect_and_disconnect(lmp: Letmepost) -> None:
    started = lmp.accounts.connect("sandbox")
    assert started["descriptor"]["kind"] == "credentials"
    assert [f["name"] for f in started["descriptor"]["fields"]] == ["handle"]

    account = lmp.accounts.complete_connect("sandbox", {"handle": "temporary"})
    assert lmp.accounts.get(account["id"])["displayName"] == "temporary"
    assert account["id"] in {a["id"] for a in lmp.accounts.list(platform="sandbox")}
    assert lmp.accounts.list(platform="bluesky") == []
    assert lmp.accounts.disconnect(account["id"])["deleted"] is True
    with pytest.raises(NotFoundError):
        lmp.accounts.get(account["id"])


def test_a_post_takes_the_next_slot_of_the_queue(lmp: Letmepost) -> None:
    # A profile of its own, which nothing live depends on: a test key may set its queue.
    profile_id = lmp.profiles.create(name="Queue Py")["id"]
    slots = [{"weekday": d, "time": "05:20"} for d in get_args(Weekday)]
    queue = lmp.queues.set(profile_id, timezone="Europe/Paris", slots=slots)
    assert queue == {"timezone": "Europe/Paris", "slots": slots}
    assert lmp.queues.get(profile_id) == queue
    account = lmp.accounts.complete_connect(
        "sandbox", {"handle": "py-queue"}, profile_id=profile_id
    )
    result = lmp.posts.create(
        targets=[account["id"]], text="queued", scheduled_at="next_slot"
    )
    assert result["status"] == "queued"
    first = lmp.queues.list(profile_id, days=2)["data"][0]
    assert first["at"] == result["scheduledAt"]
    post_id = result["results"][0]["postId"]
    assert first["posts"] == [{"id": post_id, "status": "queued"}]
    lmp.accounts.disconnect(account["id"])  # cancels the post


def test_profiles_and_api_keys(lmp: Letmepost, server) -> None:
    profile = lmp.profiles.create(name="Brand B")
    assert lmp.profiles.get(profile["id"])["slug"] == "brand-b"
    assert lmp.profiles.update(profile["id"], name="Brand C")["name"] == "Brand C"
    assert profile["id"] in {p["id"] for p in lmp.profiles.list()}

    minted = lmp.api_keys.create(name="ci", prefix="lmp_test_")
    assert minted["key"].startswith("lmp_test_")
    with Letmepost(api_key=minted["key"], base_url=server.base_url) as other:
        assert other.whoami()["keyName"] == "ci"
    assert lmp.api_keys.revoke(minted["id"])["id"] == minted["id"]
    assert next(k for k in lmp.api_keys.list() if k["id"] == minted["id"])["revokedAt"]
    assert lmp.profiles.delete(profile["id"])["deleted"] is True


def test_whoami(lmp: Letmepost, server) -> None:
    info = lmp.whoami()

    assert info["baseUrl"] == server.base_url
    assert info["livemode"] is False
    assert info["keyName"] == "bootstrap"
    assert server.api_key not in str(info)
    assert info["accounts"] >= 1


def test_rules_and_platform_versions(lmp: Letmepost) -> None:
    rules = lmp.preflight_rules.list("bluesky")
    assert rules and {r["platform"] for r in rules} == {"bluesky"}
    assert "bluesky.text.max_graphemes" in {r["id"] for r in rules}
    versions = lmp.platform_versions.list()
    assert "bluesky" in {v["platform"] for v in versions}

"""X has no idempotency key: an unknown outcome is settled by reading the account's timeline."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from letmepost.ids import uuid7
from platforms.base import Draft, MediaItem, ReconcileUnsupported
from platforms.models import PlatformAccount
from platforms.twitter.adapter import TwitterAdapter
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.twitter.conftest import PROBLEM, USER_ID, api, payload

TIMELINE = api(f"/2/users/{USER_ID}/tweets")
TWEETS = api("/2/tweets")
FOUND_ID = "1880031234567890123"
TEXT = "Launch day & more at https://example.com/launch"
ONE_IMAGE = (MediaItem(kind="image", url="https://cdn.example.com/a.png"),)


def draft(text: str = TEXT, media=ONE_IMAGE) -> Draft:
    return Draft(text=text, idempotency_token=str(uuid7()), media=media)


def sent_query(call) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


def test_our_post_is_found_despite_x_rewriting_its_text(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(TIMELINE, json=payload("user_posts"))
    post = draft()
    found = TwitterAdapter(account).reconcile(post)
    assert found is not None
    assert (found.cid, found.uri) == (
        FOUND_ID,
        f"https://x.com/letmepost_demo/status/{FOUND_ID}",
    )
    query = sent_query(upstream.calls[0])
    # No attempt recorded: the target id's own UUIDv7 time, minus the clock margin.
    created = datetime.fromtimestamp(
        (int(post.idempotency_token.replace("-", ""), 16) >> 80) / 1000, tz=UTC
    )
    start = datetime.strptime(query["start_time"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=UTC
    )
    assert (
        created - timedelta(minutes=2, seconds=1)
        < start
        <= created - timedelta(minutes=2)
    )
    assert query["exclude"] == "retweets" and query["max_results"] == "100"


@pytest.mark.parametrize(
    "post",
    [
        Draft(text=TEXT, idempotency_token=str(uuid7())),  # media count differs
        Draft(
            text="Launch day and more", idempotency_token=str(uuid7()), media=ONE_IMAGE
        ),
    ],
)
def test_a_different_post_is_not_ours(account: PlatformAccount, upstream, post) -> None:
    upstream.get(TIMELINE, json=payload("user_posts"))
    assert TwitterAdapter(account).reconcile(post) is None


def test_every_page_is_read_until_the_end(account: PlatformAccount, upstream) -> None:
    first = payload("user_posts")
    first["data"] = first["data"][:1]
    first["meta"]["next_token"] = "7140dibdnow9c7btw452yx2uwqxfqfwmuuo3bkbdb1xl0"
    upstream.get(TIMELINE, json=first)
    upstream.get(TIMELINE, json=payload("user_posts"))
    assert TwitterAdapter(account).reconcile(draft()) is not None
    assert (
        sent_query(upstream.calls[1])["pagination_token"] == first["meta"]["next_token"]
    )


def test_too_many_posts_since_the_attempt_cannot_be_settled(
    account: PlatformAccount, upstream
) -> None:
    page = payload("user_posts")
    page["data"] = page["data"][:1]
    page["meta"]["next_token"] = "7140dibdnow9c7btw452yx2uwqxfqfwmuuo3bkbdb1xl0"
    for _ in range(5):
        upstream.get(TIMELINE, json=page)
    with pytest.raises(ReconcileUnsupported):
        TwitterAdapter(account).reconcile(draft())


def test_an_empty_timeline_means_nothing_was_published(
    account: PlatformAccount, upstream
) -> None:
    upstream.get(TIMELINE, json={"meta": {"result_count": 0}})
    assert TwitterAdapter(account).reconcile(draft()) is None


def schedule(persona: Persona, account: PlatformAccount, text: str) -> PostTarget:
    response = post_json(
        persona.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": text,
            "scheduledAt": (timezone.now() + timedelta(hours=1)).isoformat(),
        },
    )
    assert response.status_code == 202, response.json()
    target = PostTarget.objects.get()
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    return target


def dispatch_once() -> str:
    (claim,) = claim_due()
    return publish_claimed(claim)


def test_the_engine_finds_a_post_that_landed_and_never_sends_it_twice(
    owner: Persona, account: PlatformAccount, upstream, settings
) -> None:
    settings.PUBLISH_RETRY_BASE_SECONDS = 0
    target = schedule(owner, account, "Quiet launch &")
    upstream.post(TWEETS, status=503, json=payload("problem_503"), content_type=PROBLEM)
    landed = payload("user_posts")
    landed["data"][1]["text"] = "Quiet launch &amp;"
    del landed["data"][1]["attachments"]
    upstream.get(TIMELINE, json=landed)
    assert dispatch_once() == "unknown"
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    assert dispatch_once() == "published"
    target.refresh_from_db()
    assert (target.status, target.platform_cid) == (
        PostTarget.Status.PUBLISHED,
        FOUND_ID,
    )
    assert [a.outcome for a in target.attempts.order_by("number")] == [
        "unknown",
        "reconciled",
    ]
    assert [c.request.method for c in upstream.calls] == ["POST", "GET"]
    first = target.attempts.get(number=1).started_at
    start = datetime.strptime(
        parse_qs(urlsplit(upstream.calls[1].request.url).query)["start_time"][0],
        "%Y-%m-%dT%H:%M:%SZ",
    ).replace(tzinfo=UTC)
    assert (
        first - timedelta(minutes=2, seconds=1) < start <= first - timedelta(minutes=2)
    )


def test_the_engine_posts_again_when_the_timeline_shows_nothing(
    owner: Persona, account: PlatformAccount, upstream, settings
) -> None:
    settings.PUBLISH_RETRY_BASE_SECONDS = 0
    target = schedule(owner, account, "Hello from letmepost")
    upstream.post(TWEETS, status=503, json=payload("problem_503"), content_type=PROBLEM)
    upstream.get(TIMELINE, json={"meta": {"result_count": 0}})
    upstream.post(TWEETS, status=201, json=payload("create_post"))
    assert dispatch_once() == "unknown"
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    assert dispatch_once() == "published"
    target.refresh_from_db()
    assert [a.outcome for a in target.attempts.order_by("number")] == [
        "unknown",
        "published",
    ]
    bodies = [
        json.loads(c.request.body) for c in upstream.calls if c.request.method == "POST"
    ]
    assert bodies == [{"text": "Hello from letmepost"}] * 2

"""Publishing DEV articles through the real publish path; only Forem's HTTP API is faked, and
every request is checked against Forem's OpenAPI description."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from letmepost.errors import PlatformRateLimited, PlatformRejected
from platforms.base import Draft, MediaItem, ReconcileUnsupported
from platforms.devto.adapter import DevtoAdapter
from platforms.models import PlatformAccount
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.platforms.devto.conftest import api, payload, sent

ARTICLES = api("/articles")
MINE = api("/articles/me/all")
OPTIONS = {"platform": "devto", "title": "Hello, DEV"}
TEXT = "# Hello\n\nA first article, ![a cat](https://cdn.example.com/cat.png)."


def create(persona: Persona, account: PlatformAccount, **body: Any):
    options = {**OPTIONS, **body.pop("options", {})}
    return post_json(
        persona.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk), "options": options}],
            "text": TEXT,
            **body,
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


class Sent:
    """A target first sent `ago` before now."""

    def __init__(self, ago: timedelta) -> None:
        self.at = timezone.now() - ago

    def first_attempt_at(self):
        return self.at

    def counted_publishes(self, since):
        return 0, None


def draft(**fields: Any) -> Draft:
    fields.setdefault("options", {"title": "Hello, DEV"})
    return Draft(text=TEXT, idempotency_token=str(uuid.uuid4()), **fields)


def test_an_article_is_published_now_with_its_options(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(ARTICLES, status=201, json=payload("article"))
    response = create(
        owner,
        account,
        options={
            "tags": ["Python", "webdev"],
            "canonicalUrl": "https://blog.example.com/hello",
            "series": "Getting started",
            "mainImage": "https://cdn.example.com/cover.png",
        },
    )
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    assert result["status"] == "published"
    assert result["uri"] == payload("article")["url"]
    (call,) = upstream.calls
    assert sent(call) == {
        "article": {
            "title": "Hello, DEV",
            "body_markdown": TEXT,
            "published": True,
            "tags": "python,webdev",  # a comma-separated string, as the schema says
            "canonical_url": "https://blog.example.com/hello",
            "series": "Getting started",
            "main_image": "https://cdn.example.com/cover.png",
        }
    }
    assert PostTarget.objects.get().platform_cid == "251"


def test_published_false_saves_a_draft_on_dev(
    account: PlatformAccount, upstream
) -> None:
    upstream.post(ARTICLES, status=201, json=payload("article"))
    DevtoAdapter(account).publish(
        draft(options={"title": "Later", "published": False, "tags": "a, b"})
    )
    article = sent(upstream.calls[0])["article"]
    assert (article["published"], article["tags"]) == (False, "a,b")


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ({"options": {"title": " "}}, "devto.title.required"),
        ({"options": {"tags": ["a", "b", "c", "d", "e"]}}, "devto.tags.max_items"),
        ({"options": {"tags": ["web-dev"]}}, "devto.tags.format"),
        ({"options": {"canonicalUrl": "blog.example.com"}}, "devto.canonical_url.http"),
        (
            {"media": [{"url": "https://cdn.example.com/a.png", "kind": "image"}]},
            "devto.media.unsupported",
        ),
        ({"firstComment": {"text": "More below"}}, "devto.thread.unsupported"),
    ],
)
def test_preflight_refuses_before_any_call(
    owner: Persona, account: PlatformAccount, upstream, body: dict, rule: str
) -> None:
    response = create(owner, account, **body)
    assert response.status_code == 400, response.json()
    assert rule in str(response.json())
    assert len(upstream.calls) == 0


def test_media_are_refused_with_the_markdown_remedy(owner: Persona, account) -> None:
    response = create(
        owner,
        account,
        media=[{"url": "https://cdn.example.com/a.png", "kind": "image"}],
    )
    assert "link them in the Markdown" in str(response.json())


def test_a_422_is_rejected_with_forem_message(
    account: PlatformAccount, upstream
) -> None:
    body = {"error": "Canonical url has already been taken", "status": 422}
    upstream.post(ARTICLES, status=422, json=body)
    with pytest.raises(PlatformRejected) as raised:
        DevtoAdapter(account).publish(draft())
    assert raised.value.fields["rule"] == "devto.article.invalid"
    assert raised.value.fields["platform_response"] == body
    assert "already been taken" in raised.value.message


def test_a_429_carries_retry_after(account: PlatformAccount, upstream) -> None:
    upstream.post(
        ARTICLES,
        status=429,
        json={"error": "Rate limit reached, try again in 30 seconds", "status": 429},
        headers={"Retry-After": "30"},
    )
    with pytest.raises(PlatformRateLimited) as raised:
        DevtoAdapter(account).publish(draft())
    assert raised.value.retry_after == 30


def test_a_revoked_key_flags_the_account_for_reconnecting(
    owner: Persona, account: PlatformAccount, upstream
) -> None:
    upstream.post(ARTICLES, status=401, json={"error": "unauthorized", "status": 401})
    response = create(owner, account)
    (result,) = response.json()["results"]
    assert result["status"] == "rejected"  # final: a revoked key is not retried
    assert result["error"]["code"] == "platform_auth_failed"
    account.refresh_from_db()
    assert account.status == PlatformAccount.Status.NEEDS_REAUTH


def listing(created_at: str) -> list[dict[str, Any]]:
    articles = payload("articles_me_all")
    articles[0]["created_at"] = created_at
    return articles


def test_reconcile_finds_the_one_article_with_our_title_since_the_first_attempt(
    account: PlatformAccount, upstream
) -> None:
    post = draft(history=Sent(timedelta(minutes=1)))
    upstream.get(MINE, json=listing(timezone.now().isoformat()))
    found = DevtoAdapter(account).reconcile(post)
    assert found is not None and found.cid == "1934"
    assert sent(upstream.calls[0]) == {"per_page": "100"}

    upstream.get(MINE, json=listing("2026-01-01T00:00:00Z"))  # older: not ours
    assert DevtoAdapter(account).reconcile(post) is None

    twice = listing(timezone.now().isoformat()) * 2
    upstream.get(MINE, json=twice)
    with pytest.raises(ReconcileUnsupported):
        DevtoAdapter(account).reconcile(post)

    assert (
        DevtoAdapter(account).reconcile(draft()) is None
    )  # never sent: nothing to ask


def test_a_truncated_listing_without_our_article_cannot_tell(
    account: PlatformAccount, upstream
) -> None:
    full = payload("articles_me_all")[1:] * 100
    upstream.get(MINE, json=full)
    with pytest.raises(ReconcileUnsupported):
        DevtoAdapter(account).reconcile(draft(history=Sent(timedelta(minutes=1))))


def test_the_engine_reconciles_a_lost_answer_without_posting_twice(
    owner: Persona, account: PlatformAccount, upstream, settings
) -> None:
    settings.PUBLISH_RETRY_BASE_SECONDS = 0
    response = create(
        owner, account, scheduledAt=(timezone.now() + timedelta(hours=1)).isoformat()
    )
    assert response.status_code == 202, response.json()
    target = PostTarget.objects.get()
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    upstream.post(ARTICLES, status=502, body="Bad Gateway")
    (claim,) = claim_due()
    assert publish_claimed(claim) == "unknown"

    upstream.get(MINE, json=listing(timezone.now().isoformat()))
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    (claim,) = claim_due()
    assert publish_claimed(claim) == "published"
    target.refresh_from_db()
    assert (target.status, target.platform_cid) == (PostTarget.Status.PUBLISHED, "1934")
    assert [c.request.method for c in upstream.calls].count("POST") == 1


def test_an_attachment_never_reaches_the_adapter_unrefused(
    account: PlatformAccount,
) -> None:
    image = MediaItem(kind="image", url="https://cdn.example.com/a.png")
    rules = [v.rule for v in DevtoAdapter(account).preflight(draft(media=(image,)))]
    assert rules == ["devto.media.unsupported"]

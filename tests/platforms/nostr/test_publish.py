"""Publishing to the reference relay for real: signed kind:1 notes, read back by id with a REQ.

The failures a well-behaved relay gives only under load or policy (refusals, rate limits, an
answer that never comes) come from `FakeRelay`, a local websocket server that checks every event
it receives (id and signature) as a relay does.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from letmepost.errors import (
    PlatformRateLimited,
    PlatformRejected,
    PlatformUnavailable,
    PublishOutcomeUnknown,
)
from letmepost.ids import uuid7
from platforms.base import Draft, MediaItem, ReplyTo
from platforms.models import PlatformAccount
from platforms.nostr.adapter import NostrAdapter, created_at
from posts.dispatch import claim_due, publish_claimed
from posts.models import PostTarget
from tests.conftest import Persona, post_json
from tests.e2e.upstreams import free_port
from tests.platforms.nostr.conftest import PUBKEY, connect_nostr, stored


def draft(text: str = "Hello, Nostr", **kwargs) -> Draft:
    return Draft(text=text, idempotency_token=str(uuid7()), **kwargs)


def test_a_note_is_signed_published_and_read_back_by_id(
    account: PlatformAccount, relay_url: str
) -> None:
    post = draft('Hello "Nostr"\nsecond line 🙂')
    result = NostrAdapter(account).publish(post)

    event = stored(relay_url, result.cid or "")
    assert event is not None
    assert (event["kind"], event["pubkey"], event["content"]) == (
        1,
        PUBKEY,
        'Hello "Nostr"\nsecond line 🙂',
    )
    assert event["created_at"] == created_at(post) and event["tags"] == []
    assert result.uri and result.uri.startswith("nostr:nevent1") and not result.warnings


def test_a_retry_sends_the_very_same_event_and_the_relay_keeps_one(
    account: PlatformAccount, relay_url: str
) -> None:
    post = draft("exactly once")
    first = NostrAdapter(account).publish(post)
    again = NostrAdapter(account).publish(post)  # relays answer "duplicate:"
    assert again.cid == first.cid and not again.warnings
    assert NostrAdapter(account).reconcile(post) == first
    assert NostrAdapter(account).reconcile(draft("never sent")) is None


def test_media_urls_go_into_the_content_with_nip92_imeta(
    account: PlatformAccount, relay_url: str
) -> None:
    image = MediaItem(
        kind="image",
        url="https://cdn.example.com/cat.png",
        content_type="image/png",
        alt_text="a cat",
        width=640,
        height=480,
    )
    video = MediaItem(kind="video", url="https://cdn.example.com/v.mp4")
    result = NostrAdapter(account).publish(draft("Look", media=(image, video)))
    event = stored(relay_url, result.cid or "")
    assert event is not None
    assert event["content"] == (
        "Look\nhttps://cdn.example.com/cat.png\nhttps://cdn.example.com/v.mp4"
    )
    assert event["tags"] == [
        [
            "imeta",
            "url https://cdn.example.com/cat.png",
            "m image/png",
            "alt a cat",
            "dim 640x480",
        ]
    ]


def test_replies_carry_nip10_root_and_reply_markers(
    account: PlatformAccount, relay_url: str
) -> None:
    adapter = NostrAdapter(account)
    root_draft = draft("thread 1/3")
    root = adapter.publish(root_draft)
    token = root_draft.idempotency_token
    second = adapter.publish_reply(
        Draft(text="thread 2/3", idempotency_token=f"{token}.1"),
        ReplyTo(parent=root, root=root),
    )
    third_draft = Draft(text="thread 3/3", idempotency_token=f"{token}.2")
    third = adapter.publish_reply(third_draft, ReplyTo(parent=second, root=root))

    direct = stored(relay_url, second.cid or "")
    nested = stored(relay_url, third.cid or "")
    assert direct is not None and nested is not None
    assert direct["tags"] == [["e", root.cid, relay_url, "root", PUBKEY], ["p", PUBKEY]]
    assert nested["tags"] == [
        ["e", root.cid, relay_url, "root", PUBKEY],
        ["e", second.cid, relay_url, "reply", PUBKEY],
        ["p", PUBKEY],
    ]
    # Dated after the first post, in thread order, so clients sort them right.
    assert (
        created_at(root_draft) + 2 == nested["created_at"] == direct["created_at"] + 1
    )
    assert (
        adapter.reconcile_reply(third_draft, ReplyTo(parent=second, root=root)) == third
    )


def test_a_relay_that_refuses_is_a_warning_when_another_accepts(
    owner: Persona, relay_url: str, fake_relay
) -> None:
    blocked = fake_relay(lambda e: ["OK", e["id"], False, "blocked: pay first"])
    account = connect_nostr(owner, [blocked.url, relay_url])
    result = NostrAdapter(account).publish(draft())
    assert result.warnings == (
        {"code": "relay_refused", "message": f"{blocked.url}: blocked: pay first"},
    )
    assert stored(relay_url, result.cid or "") is not None


@pytest.mark.parametrize(
    ("message", "error", "rule"),
    [
        ("blocked: pay first", PlatformRejected, "nostr.relay.rejected"),
        ("rate-limited: slow down", PlatformRateLimited, "nostr.relay.rate_limited"),
    ],
)
def test_when_no_relay_accepts_the_refusal_is_mapped(
    owner: Persona, fake_relay, message: str, error: type, rule: str
) -> None:
    relay = fake_relay(lambda e: ["OK", e["id"], False, message])
    account = connect_nostr(owner, [relay.url])
    with pytest.raises(error) as raised:
        NostrAdapter(account).publish(draft())
    assert raised.value.fields["rule"] == rule
    assert raised.value.fields["platform_response"] == {
        "relays": [{"relay": relay.url, "accepted": False, "message": message}]
    }
    if error is PlatformRateLimited:
        assert raised.value.retry_after == 60


def test_a_relay_that_never_answers_makes_the_outcome_unknown(
    owner: Persona, fake_relay, settings
) -> None:
    settings.NOSTR_RELAY_TIMEOUT_SECONDS = 1
    silent = fake_relay(lambda e: None)
    account = connect_nostr(owner, [silent.url])
    with pytest.raises(PublishOutcomeUnknown) as raised:
        NostrAdapter(account).publish(draft())
    assert raised.value.fields["rule"] == "nostr.relay.unanswered"


def test_unreachable_relays_are_retryable_and_nothing_was_sent(
    account: PlatformAccount,
) -> None:
    account.metadata["relays"] = [f"ws://127.0.0.1:{free_port()}"]
    with pytest.raises(PlatformUnavailable) as raised:
        NostrAdapter(account).publish(draft())
    assert not isinstance(raised.value, PublishOutcomeUnknown)
    assert raised.value.fields["rule"] == "nostr.relay.unreachable"


def test_a_loopback_relay_is_refused_when_private_urls_are_not_allowed(
    account: PlatformAccount, settings
) -> None:
    settings.ALLOW_PRIVATE_URLS = False
    with pytest.raises(PlatformRejected) as raised:
        NostrAdapter(account).publish(draft())
    assert raised.value.fields["rule"] == "nostr.relays.private_address"


def test_the_engine_reconciles_a_lost_ok_by_resending_the_same_event(
    owner: Persona, relay_url: str, fake_relay, settings
) -> None:
    """Attempt 1 reaches a relay that never confirms; attempt 2 asks both relays (REQ), finds
    nothing, and re-sends: the very same event, which the real relay stores."""
    settings.NOSTR_RELAY_TIMEOUT_SECONDS = 1
    settings.PUBLISH_RETRY_BASE_SECONDS = 0
    silent = fake_relay(lambda e: None)
    account = connect_nostr(owner, [silent.url])
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [
                {"accountId": str(account.pk), "options": {"platform": "nostr"}}
            ],
            "text": "landed once",
            "scheduledAt": (timezone.now() + timedelta(hours=1)).isoformat(),
        },
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 202, response.json()
    target = PostTarget.objects.get()
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    (claim,) = claim_due()
    assert publish_claimed(claim) == "unknown"

    PlatformAccount.objects.filter(pk=account.pk).update(
        metadata={**account.metadata, "relays": [silent.url, relay_url]}
    )
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now())
    (claim,) = claim_due()
    assert publish_claimed(claim) == "published"

    target.refresh_from_db()
    sent = [m[1]["id"] for m in silent.received if m[0] == "EVENT"]
    assert sent == [target.platform_cid] * 2  # the same event both times
    assert [m[0] for m in silent.received] == ["EVENT", "REQ", "CLOSE", "EVENT"]
    event = stored(relay_url, target.platform_cid)
    assert event is not None and event["content"] == "landed once"


def test_a_thread_and_first_comment_through_the_api_are_nip10_replies(
    owner: Persona, account: PlatformAccount, relay_url: str
) -> None:
    response = post_json(
        owner.client,
        "/v1/posts",
        {
            "targets": [{"accountId": str(account.pk)}],
            "text": "thread 1/3",
            "thread": [{"text": "thread 2/3"}, {"text": "thread 3/3"}],
            "firstComment": {"text": "first!"},
        },
    )
    assert response.status_code == 200, response.json()
    (result,) = response.json()["results"]
    assert result["status"] == "published", result
    target = PostTarget.objects.get()
    root_id = target.platform_cid
    items = target.replies.order_by("position").values_list("cid", flat=True)
    second, third, comment = (stored(relay_url, i) for i in items)
    assert second and third and comment
    assert second["tags"][0] == ["e", root_id, relay_url, "root", PUBKEY]
    assert third["tags"][:2] == [
        ["e", root_id, relay_url, "root", PUBKEY],
        ["e", second["id"], relay_url, "reply", PUBKEY],
    ]
    assert comment["content"] == "first!" and comment["tags"][0][1] == root_id

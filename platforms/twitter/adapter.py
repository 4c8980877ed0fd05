"""X (Twitter): connect with OAuth 2.0 + PKCE, publish posts through API v2.

Connecting: authorization code with PKCE S256 as a confidential client (HTTP Basic at the token
endpoint); `GET /2/users/me` names the account, so external_id is the real X user id and
reconnecting the same person updates their row. Access tokens live 2 hours; with
`offline.access` a refresh token comes along and is renewed 15 minutes ahead (X rotates it).

Publishing: each attachment is uploaded (platforms.twitter.media), then one `POST /2/tweets`.
Thread items and first comments are replies (`reply.in_reply_to_tweet_id`, the previous item),
published one by one by the engine through `publish_reply()`.

Exactly once: X has no idempotency key. When an attempt's outcome is unknown, `reconcile()` reads
the account's timeline from just before the first attempt for a post with our text and media
count (platforms.twitter.reconcile) before anything is sent again; a reply is looked for among
the posts newer than the one it answers.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from letmepost.errors import PlatformRejected, ValidationFailed
from platforms.base import (
    ConnectedAccount,
    Draft,
    PlatformAdapter,
    PublishResult,
    ReconcileUnsupported,
    ReplyTo,
)
from platforms.oauth import OAuthConnect, OAuthProvider, TokenSet, token_credentials
from platforms.twitter import PLATFORM_INFO
from platforms.twitter.client import PLATFORM, XClient
from platforms.twitter.launch_cap import check_launch_cap
from platforms.twitter.media import upload
from platforms.twitter.reconcile import find_post
from platforms.versions import pinned_label

SCOPES = ("tweet.read", "tweet.write", "users.read", "media.write", "offline.access")
POST_ID = re.compile(r"^[0-9]{1,19}$")
OPTION_NAMES = {"replyToTweetId": "reply_to_tweet_id", "quoteTweetId": "quote_tweet_id"}


def post_uri(username: str, post_id: str) -> str:
    if username:
        return f"https://x.com/{username}/status/{post_id}"
    return f"https://x.com/i/web/status/{post_id}"


def post_options(options: Mapping[str, Any]) -> dict[str, str]:
    """`replyToTweetId` / `quoteTweetId` (or snake_case), checked; at most one of them."""
    found: dict[str, str] = {}
    for wire, snake in OPTION_NAMES.items():
        value = options.get(wire, options.get(snake))
        if value in (None, ""):
            continue
        if not POST_ID.match(str(value)):
            raise ValidationFailed(
                f"options.{wire} must be an X post id (digits), not {value!r}.",
                rule=f"options.{wire}",
                remediation="Use the numeric id at the end of the post's URL.",
            )
        found[wire] = str(value)
    if len(found) > 1:
        raise ValidationFailed(
            "options.replyToTweetId and options.quoteTweetId cannot be combined.",
            rule="options.quoteTweetId",
            remediation="Send one of them: X posts either reply to or quote a post.",
        )
    return found


def first_attempt_at(draft: Draft) -> datetime:
    """When the target was first sent: its first attempt, else the time in its UUIDv7 id."""
    started = draft.history.first_attempt_at()
    if started is not None:
        return started
    try:
        target_id = uuid.UUID(draft.idempotency_token)
    except ValueError:
        raise ReconcileUnsupported(PLATFORM) from None
    if target_id.version != 7:
        raise ReconcileUnsupported(PLATFORM)
    return datetime.fromtimestamp((target_id.int >> 80) / 1000, tz=UTC)


def parent_id(reply_to: ReplyTo) -> str:
    """The X post id a reply answers: the previous item's, as its publish returned it."""
    parent = str(reply_to.parent.cid or "")
    if not POST_ID.match(parent):
        raise PlatformRejected(
            f"The post to reply to has no X post id ({parent!r}); nothing was sent.",
            platform=PLATFORM,
            remediation="Publish the thread again from its first post.",
        )
    return parent


class TwitterAdapter(OAuthConnect, PlatformAdapter):
    platform = PLATFORM_INFO
    oauth_provider = OAuthProvider(
        authorize_url="https://x.com/i/oauth2/authorize",
        token_url="https://api.x.com/2/oauth2/token",  # noqa: S106 - a URL
        scopes=SCOPES,
        client_auth="basic",
        revoke_url="https://api.x.com/2/oauth2/revoke",
    )
    thread_style = "replies"

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def connect_with_token(
        cls, token: TokenSet, context: Mapping[str, Any]
    ) -> ConnectedAccount:
        me = XClient(token.access_token, version=pinned_label(cls.slug)).me()
        username = str(me.get("username") or "")
        return ConnectedAccount(
            external_id=str(me["id"]),
            display_name=f"@{username}"
            if username
            else str(me.get("name") or me["id"]),
            credentials=token_credentials(token),
            metadata={
                "userId": str(me["id"]),
                "username": username,
                "name": str(me.get("name") or ""),
                "grantedScopes": (token.scope or "").split(),
            },
        )

    # --- publishing -------------------------------------------------------------------------

    def _client(self) -> XClient:
        return XClient(
            str(self.account.credentials.get("accessToken") or ""),
            version=self.platform_version,
        )

    @property
    def username(self) -> str:
        return str(self.account.metadata.get("username") or "")

    def publish(self, draft: Draft) -> PublishResult:
        options = post_options(draft.options or {})
        check_launch_cap(draft.history)
        fields: dict[str, Any] = {}
        if reply := options.get("replyToTweetId"):
            fields["reply"] = {"in_reply_to_tweet_id": reply}
        if quote := options.get("quoteTweetId"):
            fields["quote_tweet_id"] = quote
        return self._post(draft, fields)

    def publish_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult:
        """One thread item or first comment: text and media answering the previous item.
        The target's options (reply, quote) belong to the first post; the launch cap counts
        the target once, so a thread is never cut halfway by it."""
        reply = {"in_reply_to_tweet_id": parent_id(reply_to)}
        return self._post(draft, {"reply": reply})

    def _post(self, draft: Draft, fields: dict[str, Any]) -> PublishResult:
        """Upload the media, then the one `POST /2/tweets` with the text and `fields`."""
        client = self._client()
        uploads = [upload(client, item, i) for i, item in enumerate(draft.media)]
        body: dict[str, Any] = {"text": draft.text}
        if uploads:
            body["media"] = {"media_ids": [u.media_id for u in uploads]}
        created = client.create_post({**body, **fields})
        return PublishResult(
            uri=post_uri(self.username, str(created["id"])),
            cid=str(created["id"]),
            warnings=tuple(u.warning for u in uploads if u.warning),
        )

    def reconcile(self, draft: Draft) -> PublishResult | None:
        return self._found(draft, since=first_attempt_at(draft))

    def reconcile_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult | None:
        # X ids grow with time: a reply is newer than the post it answers, whatever the clocks.
        return self._found(draft, since_id=parent_id(reply_to))

    def _found(
        self,
        draft: Draft,
        *,
        since: datetime | None = None,
        since_id: str | None = None,
    ) -> PublishResult | None:
        found = find_post(
            self._client(),
            self.account.external_id,
            draft,
            since=since,
            since_id=since_id,
        )
        if found is None:
            return None
        return PublishResult(
            uri=post_uri(self.username, str(found["id"])), cid=str(found["id"])
        )

"""Reddit: connect with OAuth (scopes `submit identity`, a permanent token), submit self, link
and image posts to a subreddit.

Connecting: the code flow at www.reddit.com with `duration=permanent` (a refresh token that does
not expire), no PKCE (Reddit has none), the app authenticating with HTTP Basic at
`/api/v1/access_token`; the account is `GET /api/v1/me`. Access tokens last an hour and are
refreshed by the generic OAuth code.

Publishing: one `POST /api/submit` (`api_type=json`, `resubmit=false`) with the subreddit, the
title, the kind and its text or URL, and the flair. An image is uploaded first through Reddit's
media lease (client.py), and posted as `kind=image`.

Exactly once: Reddit takes no idempotency key, and finding a post again needs the `history` or
`read` scope (the account's submissions, the subreddit's new posts), which `submit identity`
does not grant. So `reconcile()` cannot tell, and raises ReconcileUnsupported: after a lost
answer the engine reports `publish.outcome_unknown` instead of risking a duplicate. For link
posts `resubmit=false` makes Reddit itself refuse a repeat (`ALREADY_SUB`).

Thread items and first comments are top-level comments on the post (`POST /api/comment`, scope
`submit`); for the same reason they cannot be reconciled (ReconcileUnsupported, the default).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from platforms.attachments import read_attachment
from platforms.base import ConnectedAccount, Draft, PublishResult, ReplyTo, option
from platforms.comments import CommentThreads, post_id
from platforms.oauth import (
    OAuthConnect,
    OAuthProvider,
    TokenSet,
    access_token,
    token_credentials,
)
from platforms.reauth import flag_if_revoked
from platforms.reddit import PLATFORM_INFO
from platforms.reddit.client import PLATFORM, RedditClient
from platforms.reddit.preflight import kind_of
from platforms.versions import pinned_label

SCOPES = ("submit", "identity")
WWW = "https://www.reddit.com"
MAX_IMAGE_BYTES = 20_000_000  # Reddit's image posts take up to 20 MB


def subreddit_name(value: Any) -> str:
    """`/r/python/`, `r/python`, `python` → `python`."""
    name = str(value).strip().strip("/")
    return name[2:] if name.lower().startswith("r/") else name


class RedditAdapter(OAuthConnect, CommentThreads):
    platform = PLATFORM_INFO
    oauth_provider = OAuthProvider(
        authorize_url=f"{WWW}/api/v1/authorize",
        token_url=f"{WWW}/api/v1/access_token",
        revoke_url=f"{WWW}/api/v1/revoke_token",
        scopes=SCOPES,
        pkce=False,
        client_auth="basic",
        extra_authorize_params={"duration": "permanent"},
    )

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def connect_with_token(
        cls, token: TokenSet, context: Mapping[str, Any]
    ) -> ConnectedAccount:
        with RedditClient(token.access_token, version=pinned_label(cls.slug)) as client:
            me = client.me()
        return ConnectedAccount(
            external_id=str(me["id"]),
            display_name=str(
                me["name"]
            ),  # the bare username, as Postiz names the channel
            credentials=token_credentials(token),
            metadata={
                "username": me["name"],
                "avatarUrl": str(me.get("icon_img") or "").split("?")[0],
            },
        )

    # --- publishing -------------------------------------------------------------------------

    def publish(self, draft: Draft) -> PublishResult:
        with self._client() as client, flag_if_revoked(self.account, lambda exc: True):
            data = client.submit(self._form(client, draft))
        return PublishResult(
            uri=str(data.get("url") or ""), cid=str(data.get("name") or "")
        )

    def publish_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult:
        parent = post_id(reply_to, self.slug)
        with self._client() as client, flag_if_revoked(self.account, lambda exc: True):
            data = client.comment(parent, draft.text)
        link = str(data.get("permalink") or "")
        return PublishResult(
            uri=f"https://www.reddit.com{link}" if link.startswith("/") else link,
            cid=str(data.get("name") or ""),
        )

    def _client(self) -> RedditClient:
        return RedditClient(access_token(self.account), version=self.platform_version)

    def _form(self, client: RedditClient, draft: Draft) -> dict[str, str]:
        options = draft.options or {}
        kind = kind_of(draft)
        form = {
            "api_type": "json",
            "sr": subreddit_name(option(options, "subreddit")),
            "title": str(option(options, "title")).strip(),
            "kind": kind,
            "resubmit": "false",
            "sendreplies": "true",
        }
        if kind == "self":
            form["text"] = draft.text or ""
        elif kind == "link":
            form["url"] = str(option(options, "url"))
        else:
            file = read_attachment(
                draft.media[0], platform=PLATFORM, max_bytes=MAX_IMAGE_BYTES, index=0
            )
            form["url"] = client.upload_image(
                data=file.data, content_type=file.content_type, name=file.name
            )
        for name in ("flair_id", "flair_text"):
            if value := option(options, name):
                form[name] = str(value)
        for name in ("nsfw", "spoiler"):
            if option(options, name) is not None:
                form[name] = "true" if option(options, name) else "false"
        return form

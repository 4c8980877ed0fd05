"""Facebook Pages: connect every Page a person manages, publish text, photos and video to it.

Connecting: the Facebook Login dialog; the code is exchanged at graph.facebook.com, the user
token swapped for a long-lived one (`fb_exchange_token`), and `GET /me/accounts` lists the
Pages with their Page tokens. Each Page becomes its own account holding its Page token, which
does not expire when it comes from a long-lived user token: nothing to refresh. No Page at all
is refused (`facebook.pages.none`).

Publishing (Graph `/{page-id}/feed`, `/photos`, `/videos`): Facebook fetches media by URL.
Text → `/feed {message}`; one image → `/photos {url, caption}`; several → each uploaded with
`published=false`, then `/feed {message, attached_media}`; one video → `/videos {file_url,
description}`. The last call is the one write that creates the post.

Exactly once: before a `/feed` write, the time is recorded (platforms.meta.containers); an
unknown outcome is reconciled by reading the Page's feed since then for our message. Photo and
video posts cannot be looked up that way, so their unknown outcomes are reported, not retried.

Thread items and first comments are comments by the Page on the post (`POST /{post-id}/comments`
with `message` and at most one photo as `attachment_url`; platforms.comments), reconciled from
the post's comments by the Page with exactly our message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from letmepost.errors import LetmepostError, PlatformRejected
from platforms.base import (
    ConnectedAccount,
    Draft,
    PublishResult,
    ReconcileUnsupported,
    ReplyTo,
)
from platforms.comments import CommentThreads, earlier, post_id, the_one
from platforms.facebook import PLATFORM_INFO
from platforms.facebook import preflight as fb
from platforms.meta import containers
from platforms.meta.client import GraphClient, pinned_path
from platforms.meta.errors import token_revoked
from platforms.meta.host import GraphHost
from platforms.meta.login import dialog
from platforms.meta.media import public_media_url
from platforms.meta.tokens import as_account_error
from platforms.models import PlatformAccount
from platforms.oauth import (
    OAuthConfig,
    OAuthConnect,
    TokenSet,
    client_settings,
    redirect_uri_for,
)
from platforms.reauth import flag_if_revoked
from platforms.versions import pinned_label

SLUG = PLATFORM_INFO.slug
DEFAULT_API = "https://graph.facebook.com"
GRAPH_VERSION = PLATFORM_INFO.pin
# pages_manage_engagement: comments as the Page (thread items, first comments).
SCOPES = (
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_manage_engagement",
)
MAX_PAGES = 10  # pages of /me/accounts followed (100 Pages each)
FEED_LOOKBACK = timedelta(minutes=5)  # clock skew between us and Meta
RECENT_COMMENTS = 100
UNKNOWN_MEDIA_RULE = "media.unknown"

graph = GraphHost(SLUG, DEFAULT_API, GRAPH_VERSION)


def post_url(page_id: str, post_id: str) -> str:
    """`https://www.facebook.com/<page>/posts/<suffix>` from a `<page>_<suffix>` post id."""
    return f"https://www.facebook.com/{page_id}/posts/{post_id.rsplit('_', 1)[-1]}"


def comment_result(page_id: str, post_id: str, comment_id: str) -> PublishResult:
    """The post opened at the comment (`<post>_<comment>` ids keep their last part)."""
    uri = f"{post_url(page_id, post_id)}?comment_id={comment_id.rsplit('_', 1)[-1]}"
    return PublishResult(uri=uri, cid=comment_id)


class FacebookAdapter(OAuthConnect, CommentThreads):
    platform = PLATFORM_INFO
    oauth_provider = dialog(
        f"https://www.facebook.com/{GRAPH_VERSION}/dialog/oauth",
        f"{DEFAULT_API}/{GRAPH_VERSION}/oauth/access_token",
        SCOPES,
    )

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def oauth_config(
        cls, context: Mapping[str, Any], *, redirect_uri: str
    ) -> OAuthConfig:
        config = super().oauth_config(context, redirect_uri=redirect_uri)
        # With only FACEBOOK_API_BASE set (tests, a proxy), exchange codes there too.
        base = client_settings(SLUG).get("api_base")
        if base and not client_settings(SLUG).get("token_url"):
            version = pinned_path(SLUG, GRAPH_VERSION)
            config = replace(
                config, token_url=f"{base.rstrip('/')}/{version}/oauth/access_token"
            )
        return config

    @classmethod
    def connect_with_token(
        cls, token: TokenSet, context: Mapping[str, Any]
    ) -> list[ConnectedAccount]:
        config = cls.oauth_config(context, redirect_uri=redirect_uri_for(SLUG))
        user_token = cls._long_lived(config, token.access_token)
        user_id = cls._user_id(user_token)
        pages = cls._pages(user_token)
        if not pages:
            raise PlatformRejected(
                "This Facebook user manages no Page letmepost was allowed to see.",
                status=400,
                platform=SLUG,
                platform_version=pinned_label(SLUG),
                rule=fb.PAGES_NONE.id,
                remediation=fb.PAGES_NONE.remediation,
            )
        return [
            ConnectedAccount(
                external_id=str(page["id"]),
                display_name=str(page.get("name") or page["id"]),
                credentials={"accessToken": str(page["access_token"])},
                # userId: the person's app-scoped id, as Meta's deauthorize callback names them.
                metadata={"kind": "page", "pageId": str(page["id"]), "userId": user_id},
                token_expires_at=None,  # a Page token from a long-lived user token
                own_expiry=True,
            )
            for page in pages
        ]

    @classmethod
    def _long_lived(cls, config: OAuthConfig, short: str) -> str:
        client = graph(secrets=(config.client_secret, short))
        try:
            body = client.get(
                "oauth/access_token",
                {
                    "grant_type": "fb_exchange_token",
                    "client_id": config.client_id,
                    "client_secret": config.client_secret,
                    "fb_exchange_token": short,
                },
            )
        except LetmepostError as exc:
            as_account_error(
                exc, client, "facebook.oauth.long_lived_exchange", "extend the token"
            )
            raise
        return str(body.get("access_token") or short)

    @classmethod
    def _user_id(cls, user_token: str) -> str:
        client = graph(user_token)
        try:
            return str(client.get("me", {"fields": "id"})["id"])
        except LetmepostError as exc:
            as_account_error(exc, client, "facebook.oauth.me", "identify the user")
            raise

    @classmethod
    def _pages(cls, user_token: str) -> list[dict[str, Any]]:
        client = graph(user_token)
        pages: list[dict[str, Any]] = []
        params: dict[str, Any] = {
            "fields": "id,name,access_token",
            "limit": fb.PAGES_PAGE_SIZE,
        }
        for _ in range(MAX_PAGES):
            try:
                body = client.get("me/accounts", params)
            except LetmepostError as exc:
                as_account_error(exc, client, "facebook.oauth.pages", "list the Pages")
                raise
            pages += [p for p in body.get("data") or [] if p.get("access_token")]
            after = (body.get("paging") or {}).get("cursors", {}).get("after")
            if not after or not (body.get("paging") or {}).get("next"):
                break
            params = {**params, "after": after}
        return pages

    @classmethod
    def can_refresh(cls, account: PlatformAccount) -> bool:
        return False  # Page tokens do not expire; a revoked one surfaces at publish

    # --- publishing -------------------------------------------------------------------------

    @property
    def page_id(self) -> str:
        return str(self.account.metadata.get("pageId") or self.account.external_id)

    def _client(self) -> GraphClient:
        return graph(self.account.credentials.get("accessToken"))

    def _url(self, draft: Draft, index: int) -> str:
        return public_media_url(
            draft.media[index], platform=SLUG, rule=UNKNOWN_MEDIA_RULE, index=index
        )

    def publish(self, draft: Draft) -> PublishResult:
        client = self._client()
        with flag_if_revoked(self.account, token_revoked):
            return self._publish(client, draft)

    def _publish(self, client: GraphClient, draft: Draft) -> PublishResult:
        message = {"message": draft.text} if draft.text.strip() else {}
        videos = [i for i, item in enumerate(draft.media) if item.kind == "video"]
        if videos:
            body = client.post(
                f"{self.page_id}/videos",
                {
                    "file_url": self._url(draft, videos[0]),
                    **({"description": draft.text} if draft.text.strip() else {}),
                },
                write=True,
            )
            video_id = str(body["id"])
            return PublishResult(
                uri=f"https://www.facebook.com/{self.page_id}/videos/{video_id}",
                cid=video_id,
            )
        if len(draft.media) == 1:
            item = draft.media[0]
            params = {"url": self._url(draft, 0)}
            if draft.text.strip():
                params["caption"] = draft.text
            if item.alt_text and item.alt_text.strip():
                params["alt_text_custom"] = item.alt_text
            body = client.post(f"{self.page_id}/photos", params, write=True)
            post_id = str(body.get("post_id") or body["id"])
            return PublishResult(uri=post_url(self.page_id, post_id), cid=post_id)
        attached = [
            {"media_fbid": self._unpublished_photo(client, draft, i)}
            for i in range(len(draft.media))
        ]
        feed = {**message}
        if attached:
            feed["attached_media"] = json.dumps(attached, separators=(",", ":"))
        containers.remember(
            self.account,
            draft.idempotency_token,
            edge="feed",
            sentAt=timezone.now().isoformat(),
        )
        body = client.post(f"{self.page_id}/feed", feed, write=True)
        post_id = str(body["id"])
        return PublishResult(uri=post_url(self.page_id, post_id), cid=post_id)

    def _unpublished_photo(self, client: GraphClient, draft: Draft, index: int) -> str:
        """Upload a photo that is not a post yet; `/feed` attaches it."""
        item = draft.media[index]
        params = {"url": self._url(draft, index), "published": "false"}
        if item.alt_text and item.alt_text.strip():
            params["alt_text_custom"] = item.alt_text
        return str(client.post(f"{self.page_id}/photos", params)["id"])

    def reconcile(self, draft: Draft) -> PublishResult | None:
        """A feed post is found by its message in the Page's feed since it was sent."""
        if draft.media and any(item.kind == "video" for item in draft.media):
            raise ReconcileUnsupported(self.slug)
        if len(draft.media) == 1:
            raise ReconcileUnsupported(self.slug)
        entry = containers.recall(self.account, draft.idempotency_token)
        if not entry or entry.get("edge") != "feed":
            return None  # the /feed write is only ever sent after this record
        wanted = draft.text.strip()
        if not wanted:
            raise ReconcileUnsupported(self.slug)  # nothing to recognise the post by
        since = datetime.fromisoformat(str(entry["sentAt"])) - FEED_LOOKBACK
        body = self._client().get(
            f"{self.page_id}/feed",
            {
                "fields": "id,message,created_time",
                "since": str(int(since.timestamp())),
                "limit": 25,
            },
        )
        for post in body.get("data") or []:
            if str(post.get("message") or "").strip() == wanted:
                post_id = str(post["id"])
                return PublishResult(uri=post_url(self.page_id, post_id), cid=post_id)
        return None

    # --- comments: thread items and first comments --------------------------------------------

    def publish_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult:
        """A comment by the Page on the first post: its text, and one photo by URL."""
        post = post_id(reply_to, self.slug)
        params = {"message": draft.text} if draft.text.strip() else {}
        if draft.media:
            params["attachment_url"] = self._url(draft, 0)
        with flag_if_revoked(self.account, token_revoked):
            body = self._client().post(f"{post}/comments", params, write=True)
        return comment_result(self.page_id, post, str(body["id"]))

    def reconcile_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult | None:
        """Our comment among the post's newest: the Page's, with exactly this message."""
        wanted = draft.text.strip()
        if not wanted:
            raise ReconcileUnsupported(self.slug)  # a bare photo: nothing to recognise
        post = post_id(reply_to, self.slug)
        body = self._client().get(
            f"{post}/comments",
            {
                "fields": "id,message,from",
                "filter": "stream",
                "order": "reverse_chronological",
                "limit": RECENT_COMMENTS,
            },
        )
        known = earlier(reply_to)
        matches = [
            str(c["id"])
            for c in body.get("data") or []
            if str((c.get("from") or {}).get("id")) == self.page_id
            and str(c.get("message") or "").strip() == wanted
            and str(c["id"]) not in known
        ]
        complete = not (body.get("paging") or {}).get("next")
        found = the_one(matches, complete=complete, slug=self.slug)
        return comment_result(self.page_id, post, found) if found else None

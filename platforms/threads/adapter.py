"""Threads: connect a Threads profile, publish text, images, videos, carousels and replies.

Connecting: Threads' own OAuth (threads.net authorize, graph.threads.net token), the token
swapped at once for a 60-day one (`th_exchange_token`) and renewed 7 days before it expires
(`th_refresh_token`). `GET /me` gives the profile id and username.

Publishing (https://developers.facebook.com/docs/threads/posts): one container per post — TEXT,
IMAGE or VIDEO, or a 2-20 item CAROUSEL whose children are created and polled first; media is
sent as public URLs; `replyToId` makes the post a reply. The container is polled until FINISHED,
then `POST /{user}/threads_publish` — the one write that creates the post. Exactly once:
platforms.meta.publishing.

Thread items and first comments are replies to the previous item: the same path, with
`reply_to_id` set to its id, and each item's own idempotency token keys its own container.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from letmepost.errors import PlatformAuthFailed, PlatformRejected, ValidationFailed
from platforms.base import Draft, MediaItem, PlatformAdapter, PublishResult, ReplyTo
from platforms.meta.client import GraphClient
from platforms.meta.errors import GraphRules
from platforms.meta.host import GraphHost
from platforms.meta.login import LongLivedLogin, dialog
from platforms.meta.media import public_media_url
from platforms.meta.polling import ContainerStates
from platforms.meta.publishing import ContainerPublishing
from platforms.oauth import TokenSet
from platforms.threads import PLATFORM_INFO
from platforms.threads import preflight as th

SLUG = PLATFORM_INFO.slug
DEFAULT_API = "https://graph.threads.net"
API_VERSION = PLATFORM_INFO.pin
SCOPES = ("threads_basic", "threads_content_publish")
RULES = GraphRules(expired=th.CONTAINER_EXPIRED.id)
STATES = ContainerStates(
    state_field="status",
    fields="status,error_message",
    error_rule=th.CONTAINER_ERROR.id,
    expired_rule=th.CONTAINER_EXPIRED.id,
)
UNKNOWN_MEDIA_RULE = "media.unknown"
REPLY_OPTIONS = ("reply_to_id", "replyToId")

graph = GraphHost(SLUG, DEFAULT_API, API_VERSION, RULES)


def replied_post(options: Mapping[str, Any]) -> str | None:
    """`replyToId`, checked: the id of the Threads post this one answers."""
    value = options.get("reply_to_id", options.get("replyToId"))
    if value in (None, ""):
        return None
    if not isinstance(value, str | int) or not str(value).strip().isdigit():
        raise ValidationFailed(
            "options.replyToId must be the numeric id of a Threads post.",
            rule="options.replyToId",
            remediation="Send the id of the post to reply to, as returned by the Threads API.",
        )
    return str(value).strip()


def as_reply(draft: Draft, reply_to: ReplyTo) -> Draft:
    """The draft of a thread item: a reply to the previous item, whatever the target's own
    `replyToId` says (that one is for the first post)."""
    parent = str(reply_to.parent.cid or "")
    if not parent.isdigit():  # never publish an item as a post of its own
        raise PlatformRejected(
            f"The post to reply to has no Threads id ({parent!r}); nothing was sent.",
            platform=SLUG,
            remediation="Publish the thread again from its first post.",
        )
    options = {k: v for k, v in draft.options.items() if k not in REPLY_OPTIONS}
    return replace(draft, options={**options, "replyToId": parent})


class ThreadsAdapter(ContainerPublishing, LongLivedLogin, PlatformAdapter):
    platform = PLATFORM_INFO
    oauth_provider = dialog(
        "https://threads.net/oauth/authorize",
        f"{DEFAULT_API}/oauth/access_token",
        SCOPES,
    )

    thread_style = "replies"
    graph_host = graph
    grant_prefix = "th"
    me_fields = "id,username,name,threads_profile_picture_url"
    me_what = "describe the profile"
    states = STATES
    create_edge = "threads"
    publish_edge = "threads_publish"
    text_field = "text"
    image_deadline_seconds = th.TEXT_DEADLINE_MS / 1000
    video_deadline_seconds = th.VIDEO_DEADLINE_MS / 1000

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def describe(
        cls, client: GraphClient, me: dict[str, Any], token: TokenSet
    ) -> tuple[str, dict[str, Any]]:
        username = me.get("username") or me.get("name") or me["id"]
        return f"@{username}" if me.get("username") else str(username), {
            "userId": str(me["id"]),
            "username": me.get("username", ""),
            "name": me.get("name", ""),
            "grantedScopes": token.scope or ",".join(SCOPES),
        }

    # --- publishing -------------------------------------------------------------------------

    def publish_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult:
        return self.publish(as_reply(draft, reply_to))

    def reconcile_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult | None:
        return self.reconcile(as_reply(draft, reply_to))

    def recent_edge(self, draft: Draft) -> str:
        """Threads lists a user's replies apart from their posts (`/{user}/replies`)."""
        return "replies" if replied_post(draft.options or {}) else self.create_edge

    def _landed(self, client: GraphClient, draft: Draft) -> PublishResult:
        try:
            return super()._landed(client, draft)
        except PlatformAuthFailed:
            if not replied_post(draft.options or {}):
                raise
            # Listing replies takes threads_read_replies, which letmepost does not ask for:
            # the reply is up, only its id is unknown.
            return self._unmatched()

    def create_containers(self, client: GraphClient, draft: Draft) -> str:
        post: dict[str, str] = {}
        if draft.text.strip():
            post["text"] = draft.text
        if parent := replied_post(draft.options or {}):
            post["reply_to_id"] = parent
        if not draft.media:
            return self.create(client, {"media_type": "TEXT", **post})
        if len(draft.media) == 1:
            return self.create(client, {**self._item(draft.media[0], 0), **post})
        return self.create_carousel(client, draft, self._item, post)

    def _item(self, item: MediaItem, index: int) -> dict[str, str]:
        url = public_media_url(
            item, platform=SLUG, rule=UNKNOWN_MEDIA_RULE, index=index
        )
        params = (
            {"media_type": "VIDEO", "video_url": url}
            if item.kind == "video"
            else {"media_type": "IMAGE", "image_url": url}
        )
        if item.alt_text and item.alt_text.strip():
            params["alt_text"] = item.alt_text
        return params

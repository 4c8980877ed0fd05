"""Threads: connect a Threads profile, publish text, images, videos, carousels and replies.

Connecting: Threads' own OAuth (threads.net authorize, graph.threads.net token), the token
swapped at once for a 60-day one (`th_exchange_token`) and renewed 7 days before it expires
(`th_refresh_token`). `GET /me` gives the profile id and username.

Publishing (https://developers.facebook.com/docs/threads/posts): one container per post — TEXT,
IMAGE or VIDEO, or a 2-20 item CAROUSEL whose children are created and polled first; media is
sent as public URLs; `replyToId` makes the post a reply. The container is polled until FINISHED,
then `POST /{user}/threads_publish` — the one write that creates the post. Exactly once:
platforms.meta.publishing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from letmepost.errors import LetmepostError, ValidationFailed
from platforms.base import ConnectedAccount, Draft, MediaItem, PlatformAdapter
from platforms.meta.client import GraphClient, pinned_path
from platforms.meta.errors import GraphRules
from platforms.meta.media import public_media_url
from platforms.meta.polling import ContainerStates, wait_ready
from platforms.meta.publishing import ContainerPublishing
from platforms.meta.tokens import (
    as_account_error,
    exchange_long_lived,
    refresh_long_lived,
)
from platforms.models import PlatformAccount
from platforms.oauth import (
    OAuthConnect,
    OAuthProvider,
    RefreshedToken,
    TokenSet,
    api_base,
    redirect_uri_for,
)
from platforms.preflight.catalog import deep_rules_for, rules_for
from platforms.threads import PLATFORM_INFO
from platforms.threads import preflight as th
from platforms.versions import pinned_label

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


def graph(token: str | None = None, *, secrets: tuple[str, ...] = ()) -> GraphClient:
    return GraphClient(
        api_base(SLUG, DEFAULT_API),
        version=pinned_path(SLUG, API_VERSION),
        platform=SLUG,
        label=pinned_label(SLUG),
        token=token,
        rules=RULES,
        secrets=secrets,
    )


def reply_to(options: Mapping[str, Any]) -> str | None:
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


class ThreadsAdapter(ContainerPublishing, OAuthConnect, PlatformAdapter):
    platform = PLATFORM_INFO
    rules = rules_for(SLUG)
    deep_rules = deep_rules_for(SLUG)
    refresh_horizon = timedelta(days=7)
    oauth_provider = OAuthProvider(
        authorize_url="https://threads.net/oauth/authorize",
        token_url=f"{DEFAULT_API}/oauth/access_token",
        scopes=SCOPES,
        scope_delimiter=",",
        pkce=False,
    )

    states = STATES
    create_edge = "threads"
    publish_edge = "threads_publish"
    text_field = "text"
    image_deadline_seconds = th.TEXT_DEADLINE_MS / 1000
    video_deadline_seconds = th.VIDEO_DEADLINE_MS / 1000

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def connect_with_token(
        cls, token: TokenSet, context: Mapping[str, Any]
    ) -> ConnectedAccount:
        secret = cls.oauth_config({}, redirect_uri=redirect_uri_for(SLUG)).client_secret
        long_lived = exchange_long_lived(
            graph(secrets=(secret, token.access_token)),
            grant_type="th_exchange_token",
            client_secret=secret,
            short_token=token.access_token,
            rule="threads.oauth.long_lived_exchange",
        )
        client = graph(long_lived.access_token)
        try:
            me = client.get(
                "me", {"fields": "id,username,name,threads_profile_picture_url"}
            )
        except LetmepostError as exc:
            as_account_error(
                exc, client, "threads.oauth.me_lookup", "describe the profile"
            )
            raise
        username = me.get("username") or me.get("name") or me["id"]
        return ConnectedAccount(
            external_id=str(me["id"]),
            display_name=f"@{username}" if me.get("username") else str(username),
            credentials={"accessToken": long_lived.access_token},
            metadata={
                "userId": str(me["id"]),
                "username": me.get("username", ""),
                "name": me.get("name", ""),
                "grantedScopes": token.scope or ",".join(SCOPES),
            },
            token_expires_at=long_lived.expires_at,
            own_expiry=True,
        )

    @classmethod
    def can_refresh(cls, account: PlatformAccount) -> bool:
        return bool(account.credentials.get("accessToken"))

    @classmethod
    def refresh_credentials(cls, account: PlatformAccount) -> RefreshedToken:
        current = str(account.credentials["accessToken"])
        renewed = refresh_long_lived(
            graph(secrets=(current,)),
            grant_type="th_refresh_token",
            token=current,
            rule="threads.oauth.refresh",
        )
        return RefreshedToken(
            credentials={**account.credentials, "accessToken": renewed.access_token},
            expires_at=renewed.expires_at,
        )

    # --- publishing -------------------------------------------------------------------------

    def graph(self) -> GraphClient:
        return graph(self.account.credentials.get("accessToken"))

    def user_path(self) -> str:
        return str(self.account.metadata.get("userId") or self.account.external_id)

    def create_containers(self, client: GraphClient, draft: Draft) -> str:
        post: dict[str, str] = {}
        if draft.text.strip():
            post["text"] = draft.text
        if parent := reply_to(draft.options or {}):
            post["reply_to_id"] = parent
        if not draft.media:
            return self.create(client, {"media_type": "TEXT", **post})
        if len(draft.media) == 1:
            return self.create(client, {**self._item(draft.media[0], 0), **post})
        children = []
        for index, item in enumerate(draft.media):
            child = self.create(
                client, {**self._item(item, index), "is_carousel_item": "true"}
            )
            wait_ready(
                client,
                child,
                states=STATES,
                deadline_seconds=self.video_deadline_seconds
                if item.kind == "video"
                else self.image_deadline_seconds,
                label=f"media[{index}]",
            )
            children.append(child)
        return self.create(
            client, {"media_type": "CAROUSEL", "children": ",".join(children), **post}
        )

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

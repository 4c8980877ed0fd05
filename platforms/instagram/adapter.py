"""Instagram (Instagram API with Instagram Login): connect a professional account, publish
images, Reels and carousels through media containers.

Connecting: Instagram's authorization window, the code exchanged at api.instagram.com, swapped
at once for a 60-day token (`ig_exchange_token`), renewed 7 days before it expires
(`ig_refresh_token`). `GET /me` gives the account; a PERSONAL account cannot publish and is
refused (`instagram.account_type.requires_professional`).

Publishing (https://developers.facebook.com/docs/instagram-platform/content-publishing):
Instagram downloads every file itself, so attachments are sent as public URLs. One image or one
video (a Reel), or a 2-10 item carousel whose children are created and polled first; the
container is polled until FINISHED, then `POST /{ig-user}/media_publish` — the one write that
creates the post. Exactly once: platforms.meta.publishing.

Thread items and first comments are text comments on the published media
(`POST /{ig-media-id}/comments`, which needs `instagram_business_manage_comments`;
platforms.comments), reconciled from the media's comments by our username with exactly our text.
"""

from __future__ import annotations

from typing import Any

from letmepost.errors import PlatformRejected
from platforms.base import Draft, MediaItem, PublishResult, ReplyTo
from platforms.comments import CommentThreads, earlier, post_id, the_one
from platforms.instagram import PLATFORM_INFO
from platforms.instagram import preflight as ig
from platforms.meta.client import GraphClient
from platforms.meta.errors import GraphRules, token_revoked
from platforms.meta.host import GraphHost
from platforms.meta.login import LongLivedLogin, dialog
from platforms.meta.media import public_media_url
from platforms.meta.polling import ContainerStates
from platforms.meta.publishing import ContainerPublishing
from platforms.oauth import TokenSet
from platforms.reauth import flag_if_revoked

SLUG = PLATFORM_INFO.slug
DEFAULT_API = "https://graph.instagram.com"
GRAPH_VERSION = PLATFORM_INFO.pin
SCOPES = (
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_comments",  # thread items and first comments
)
RECENT_COMMENTS = 50
# Meta's error-code table (instagram-platform/instagram-graph-api/reference/error-codes):
# 2207009 is the aspect-ratio refusal and 2207003 a download timeout. The rule catalog (from the
# reference) still names 2207003 for the aspect ratio; Meta's own table wins here, and any other
# refusal that speaks of the aspect ratio gets the aspect rule too (spec/errors.md).
ASPECT_RATIO_SUBCODE = 2207009
DOWNLOAD_TIMEOUT_SUBCODE = 2207003
RULES = GraphRules(
    subcodes={
        ig.REACHABLE_SUBCODE: ig.MEDIA_REACHABLE.id,
        DOWNLOAD_TIMEOUT_SUBCODE: ig.MEDIA_REACHABLE.id,
        ASPECT_RATIO_SUBCODE: ig.MEDIA_ASPECT_RATIO.id,
    },
    phrases={"aspect ratio": ig.MEDIA_ASPECT_RATIO.id},
)
STATES = ContainerStates(
    state_field="status_code",
    fields="status_code,status",
    error_rule=ig.CONTAINER_ERROR.id,
    expired_rule=ig.CONTAINER_EXPIRED.id,
)

graph = GraphHost(SLUG, DEFAULT_API, GRAPH_VERSION, RULES)


class InstagramAdapter(ContainerPublishing, LongLivedLogin, CommentThreads):
    platform = PLATFORM_INFO
    oauth_provider = dialog(
        "https://www.instagram.com/oauth/authorize",
        "https://api.instagram.com/oauth/access_token",
        SCOPES,
    )

    graph_host = graph
    grant_prefix = "ig"
    me_fields = "id,user_id,username,account_type"
    states = STATES
    create_edge = "media"
    publish_edge = "media_publish"
    text_field = "caption"
    image_deadline_seconds = ig.IMAGE_DEADLINE_MS / 1000
    video_deadline_seconds = ig.VIDEO_DEADLINE_MS / 1000

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def describe(
        cls, client: GraphClient, me: dict[str, Any], token: TokenSet
    ) -> tuple[str, dict[str, Any]]:
        if str(me.get("account_type", "")).upper() == "PERSONAL":
            raise PlatformRejected(
                f"@{me.get('username')} is a personal Instagram account; only Business and "
                "Creator accounts can publish through the API.",
                status=400,
                **client.fields(
                    rule=ig.ACCOUNT_TYPE_REQUIRES_PROFESSIONAL.id, platform_response=me
                ),
                remediation=ig.ACCOUNT_TYPE_REQUIRES_PROFESSIONAL.remediation,
            )
        granted = token.raw.get("permissions")
        if isinstance(granted, list):
            granted = ",".join(str(p) for p in granted)
        return f"@{me.get('username') or me['id']}", {
            "kind": "ig-login",
            "userId": str(me.get("user_id") or me["id"]),
            "username": me.get("username", ""),
            "accountType": me.get("account_type", ""),
            "grantedScopes": str(granted or ""),
        }

    # --- publishing -------------------------------------------------------------------------

    def create_containers(self, client: GraphClient, draft: Draft) -> str:
        caption = {"caption": draft.text} if draft.text.strip() else {}
        if len(draft.media) == 1:
            return self.create(
                client, {**self._item(draft.media[0], 0, single=True), **caption}
            )
        return self.create_carousel(
            client, draft, lambda item, i: self._item(item, i, single=False), caption
        )

    def _item(self, item: MediaItem, index: int, *, single: bool) -> dict[str, str]:
        url = public_media_url(
            item, platform=SLUG, rule=ig.MEDIA_REACHABLE.id, index=index
        )
        if item.kind == "video":
            # A single video is a Reel; inside a carousel it is a plain VIDEO child.
            return {
                "media_type": "REELS" if single else "VIDEO",
                "video_url": url,
            }
        params = {"image_url": url}
        if item.alt_text and item.alt_text.strip():
            params["alt_text"] = item.alt_text
        return params

    # --- comments: thread items and first comments --------------------------------------------

    def publish_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult:
        """A text comment on the published media. Instagram gives comments no address of
        their own: `uri` is the post's."""
        media_id = post_id(reply_to, self.slug)
        with flag_if_revoked(self.account, token_revoked):
            body = self.graph().post(
                f"{media_id}/comments", {"message": draft.text}, write=True
            )
        return PublishResult(uri=reply_to.root.uri, cid=str(body["id"]))

    def reconcile_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult | None:
        """Our comment among the media's newest: our username's, with exactly this text."""
        media_id = post_id(reply_to, self.slug)
        body = self.graph().get(
            f"{media_id}/comments",
            {"fields": "id,text,username", "limit": RECENT_COMMENTS},
        )
        username = str(self.account.metadata.get("username") or "")
        known = earlier(reply_to)
        matches = [
            str(c["id"])
            for c in body.get("data") or []
            if c.get("username") == username
            and c.get("text") == draft.text
            and str(c["id"]) not in known
        ]
        complete = not (body.get("paging") or {}).get("next")
        found = the_one(matches, complete=complete, slug=self.slug)
        return PublishResult(uri=reply_to.root.uri, cid=found) if found else None

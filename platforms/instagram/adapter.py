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
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from letmepost.errors import LetmepostError, PlatformRejected
from platforms.base import ConnectedAccount, Draft, MediaItem, PlatformAdapter
from platforms.instagram import PLATFORM_INFO
from platforms.instagram import preflight as ig
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
from platforms.versions import pinned_label

SLUG = PLATFORM_INFO.slug
DEFAULT_API = "https://graph.instagram.com"
GRAPH_VERSION = PLATFORM_INFO.pin
SCOPES = ("instagram_business_basic", "instagram_business_content_publish")
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


def graph(token: str | None = None, *, secrets: tuple[str, ...] = ()) -> GraphClient:
    return GraphClient(
        api_base(SLUG, DEFAULT_API),
        version=pinned_path(SLUG, GRAPH_VERSION),
        platform=SLUG,
        label=pinned_label(SLUG),
        token=token,
        rules=RULES,
        secrets=secrets,
    )


class InstagramAdapter(ContainerPublishing, OAuthConnect, PlatformAdapter):
    platform = PLATFORM_INFO
    rules = rules_for(SLUG)
    deep_rules = deep_rules_for(SLUG)
    refresh_horizon = timedelta(days=7)
    oauth_provider = OAuthProvider(
        authorize_url="https://www.instagram.com/oauth/authorize",
        token_url="https://api.instagram.com/oauth/access_token",  # noqa: S106
        scopes=SCOPES,
        scope_delimiter=",",
        pkce=False,
    )

    states = STATES
    create_edge = "media"
    publish_edge = "media_publish"
    text_field = "caption"
    image_deadline_seconds = ig.IMAGE_DEADLINE_MS / 1000
    video_deadline_seconds = ig.VIDEO_DEADLINE_MS / 1000

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def _client_secret(cls) -> str:
        config = cls.oauth_config({}, redirect_uri=redirect_uri_for(SLUG))
        return config.client_secret

    @classmethod
    def connect_with_token(
        cls, token: TokenSet, context: Mapping[str, Any]
    ) -> ConnectedAccount:
        secret = cls._client_secret()
        long_lived = exchange_long_lived(
            graph(secrets=(secret, token.access_token)),
            grant_type="ig_exchange_token",
            client_secret=secret,
            short_token=token.access_token,
            rule=ig.OAUTH_LONG_LIVED_EXCHANGE.id,
        )
        client = graph(long_lived.access_token)
        try:
            me = client.get("me", {"fields": "id,user_id,username,account_type"})
        except LetmepostError as exc:
            as_account_error(exc, client, ig.OAUTH_ME_LOOKUP.id, "describe the account")
            raise
        if not me.get("id"):
            as_account_error(
                PlatformRejected(
                    "GET /me answered without an id.", platform_response=me
                ),
                client,
                ig.OAUTH_ME_LOOKUP.id,
                "describe the account",
            )
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
        return ConnectedAccount(
            external_id=str(me["id"]),
            display_name=f"@{me.get('username') or me['id']}",
            credentials={"accessToken": long_lived.access_token},
            metadata={
                "kind": "ig-login",
                "userId": str(me.get("user_id") or me["id"]),
                "username": me.get("username", ""),
                "accountType": me.get("account_type", ""),
                "grantedScopes": str(granted or ""),
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
            grant_type="ig_refresh_token",
            token=current,
            rule=ig.OAUTH_REFRESH.id,
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
        caption = {"caption": draft.text} if draft.text.strip() else {}
        if len(draft.media) == 1:
            return self.create(
                client, {**self._item(draft.media[0], 0, single=True), **caption}
            )
        children = []
        for index, item in enumerate(draft.media):
            child = self.create(
                client,
                {**self._item(item, index, single=False), "is_carousel_item": "true"},
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
            client,
            {"media_type": "CAROUSEL", "children": ",".join(children), **caption},
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

"""Pinterest (API v5): connect with OAuth, publish image and video pins.

Connecting: the OAuth code flow without PKCE, the client authenticating with HTTP Basic at
`POST /v5/oauth/token`. The account is `GET /user_account`; its first board becomes the default
board (`metadata.defaultBoardId`), which a refresh never touches and the board helpers
(`platforms/pinterest/boards.py`) change.

Publishing: an image pin takes the image by URL (`image_url`) or, for a stored upload, inline
(`image_base64`). A video is registered (`POST /media`), uploaded to the presigned URL with every
`upload_parameters` field, and polled until `succeeded`; the pin then names it (`video_id`) with
`cover_image_url`. `POST /pins` is the one write that creates the post.

Exactly once: Pinterest takes no idempotency key. After an unknown outcome, `reconcile()` lists
the board's recent pins for one with our exact description and link; when none is found it cannot
tell "never created" from "not listed yet", so it raises ReconcileUnsupported.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings

from letmepost.errors import (
    PlatformAuthFailed,
    PlatformRejected,
    PlatformUnavailable,
    PreflightFailed,
)
from platforms.attachments import open_attachment, read_attachment
from platforms.base import (
    ConnectedAccount,
    Draft,
    MediaItem,
    PlatformAdapter,
    PublishResult,
    ReconcileUnsupported,
    option,
)
from platforms.oauth import (
    OAuthConnect,
    OAuthProvider,
    TokenSet,
    token_credentials,
)
from platforms.pinterest import PLATFORM_INFO
from platforms.pinterest.client import DEFAULT_BASE, PLATFORM, PinterestClient
from platforms.pinterest.preflight import MAX_IMAGE_BYTES, MAX_VIDEO_BYTES
from platforms.reauth import answer, flag_if_revoked
from platforms.versions import pinned_label

SCOPES = (
    "boards:read",
    "boards:write",
    "pins:read",
    "pins:write",
    "user_accounts:read",
)
PIN_URL = "https://www.pinterest.com/pin/{id}/"
RECONCILE_PAGE = 50


def _authentication_failed(exc: PlatformAuthFailed) -> bool:
    return answer(exc).get("code") == 2  # "Authentication failed."


def pin_uri(pin_id: str) -> str:
    # Not `pin.link`: that is the outbound destination, not the pin (spec ⚠).
    return PIN_URL.format(id=pin_id)


class PinterestAdapter(OAuthConnect, PlatformAdapter):
    platform = PLATFORM_INFO
    oauth_provider = OAuthProvider(
        authorize_url="https://www.pinterest.com/oauth/",
        token_url=f"{DEFAULT_BASE}/oauth/token",
        scopes=SCOPES,
        scope_delimiter=",",
        pkce=False,
        client_auth="basic",
        api_base=DEFAULT_BASE,  # the Trial-Access sandbox has its own token endpoint
    )
    refresh_horizon = timedelta(days=7)

    # --- preflight --------------------------------------------------------------------------

    def account_limits(self) -> dict[str, Any]:
        return {"default_board_id": self.account.metadata.get("defaultBoardId")}

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def connect_with_token(
        cls, token: TokenSet, context: Mapping[str, Any]
    ) -> ConnectedAccount:
        client = PinterestClient(token.access_token, version=pinned_label(cls.slug))
        me = client.user_account()
        boards = client.boards(page_size=25).get("items") or []
        metadata: dict[str, Any] = {
            "username": me.get("username", ""),
            "accountType": me.get("account_type", ""),
        }
        if boards:
            metadata |= {
                "defaultBoardId": str(boards[0]["id"]),
                "defaultBoardName": boards[0].get("name", ""),
            }
        extra = {}
        if expires := token.raw.get("refresh_token_expires_in"):
            extra["refreshTokenExpiresIn"] = expires
        return ConnectedAccount(
            external_id=str(me["id"]),
            display_name=me.get("username") or str(me["id"]),
            credentials=token_credentials(token, **extra),
            metadata=metadata,
        )

    # --- publishing -------------------------------------------------------------------------

    def client(self) -> PinterestClient:
        return PinterestClient(
            str(self.account.credentials.get("accessToken", "")),
            version=self.platform_version,
        )

    def board_for(self, draft: Draft) -> str:
        board = option(draft.options, "board_id") or self.account.metadata.get(
            "defaultBoardId"
        )
        if not board:
            raise PreflightFailed(
                "No board: options.boardId is missing and the account has no default board.",
                rule="pinterest.board.required",
                platform=PLATFORM,
                remediation="Pass options.boardId or set a default board.",
            )
        return str(board)

    def publish(self, draft: Draft) -> PublishResult:
        client = self.client()
        with flag_if_revoked(self.account, _authentication_failed):
            pin = client.create_pin(self.pin_body(client, draft))
        return PublishResult(uri=pin_uri(str(pin["id"])), cid=str(pin["id"]))

    def pin_body(self, client: PinterestClient, draft: Draft) -> dict[str, Any]:
        if len(draft.media) != 1:
            raise PreflightFailed(
                f"A pin takes exactly one media item; got {len(draft.media)}.",
                rule="pinterest.media.single_only"
                if draft.media
                else "pinterest.media.required",
                platform=PLATFORM,
            )
        body: dict[str, Any] = {"board_id": self.board_for(draft)}
        if draft.text:
            body["description"] = draft.text
        if link := option(draft.options, "destination_url"):
            body["link"] = str(link)
        if title := option(draft.options, "title"):
            body["title"] = str(title)
        item = draft.media[0]
        if item.alt_text:
            body["alt_text"] = item.alt_text
        if item.kind == "video":
            body["media_source"] = self.video_source(client, item, draft)
        else:
            body["media_source"] = self.image_source(item)
        return body

    def image_source(self, item: MediaItem) -> dict[str, Any]:
        if item.url:
            return {"source_type": "image_url", "url": item.url}
        file = read_attachment(item, platform=PLATFORM, max_bytes=MAX_IMAGE_BYTES)
        return {
            "source_type": "image_base64",
            "content_type": file.content_type,
            "data": base64.b64encode(file.data).decode("ascii"),
        }

    def video_source(
        self, client: PinterestClient, item: MediaItem, draft: Draft
    ) -> dict[str, Any]:
        cover = option(draft.options, "cover_image_url")
        if not cover:
            raise PreflightFailed(
                "A video pin needs options.coverImageUrl.",
                rule="pinterest.video.cover_required",
                platform=PLATFORM,
            )
        with open_attachment(
            item, platform=PLATFORM, max_bytes=MAX_VIDEO_BYTES
        ) as file:
            slot = client.register_media()
            if not slot.get("media_id") or not slot.get("upload_url"):
                raise PlatformRejected(
                    "POST /media returned no media_id or upload_url; nothing was posted.",
                    **client.fields(
                        platform_response=slot, rule="pinterest.media.register_failed"
                    ),
                )
            client.upload_file(
                slot["upload_url"], slot.get("upload_parameters") or {}, file
            )
        media_id = str(slot["media_id"])
        self.wait_processed(client, media_id)
        return {
            "source_type": "video_id",
            "media_id": media_id,
            "cover_image_url": str(cover),
        }

    def wait_processed(self, client: PinterestClient, media_id: str) -> None:
        deadline = time.monotonic() + settings.PINTEREST_MEDIA_TIMEOUT_SECONDS
        while True:
            try:
                media = client.get_media(media_id)
            except PlatformRejected as exc:
                if type(exc) is not PlatformRejected:
                    raise  # rate limited: keep its retry_after
                raise PlatformRejected(
                    exc.message,
                    **client.fields(
                        platform_response=exc.fields.get("platform_response"),
                        rule="pinterest.media.status_unavailable",
                    ),
                ) from exc
            status = media.get("status")
            if status == "succeeded":
                return
            if status == "failed":
                raise PlatformRejected(
                    "Pinterest could not process the video; nothing was posted.",
                    **client.fields(
                        platform_response=media, rule="pinterest.video.transcode_failed"
                    ),
                    remediation="Re-encode (H.264/AAC, at most 5 min) and retry.",
                )
            if time.monotonic() >= deadline:
                raise PlatformUnavailable(
                    "Pinterest did not finish processing the video in time; nothing was posted.",
                    status=504,
                    **client.fields(
                        platform_response=media,
                        rule="pinterest.video.transcode_timeout",
                    ),
                    remediation="Retry in a few minutes.",
                )
            time.sleep(settings.PLATFORM_POLL_INTERVAL_SECONDS)

    def reconcile(self, draft: Draft) -> PublishResult | None:
        """Find the pin among the board's newest by our exact description and link."""
        link = option(draft.options, "destination_url") or None
        text = draft.text or None
        for pin in self.client().board_pins(
            self.board_for(draft), page_size=RECONCILE_PAGE
        ):
            if (pin.get("description") or None) == text and (
                pin.get("link") or None
            ) == link:
                return PublishResult(uri=pin_uri(str(pin["id"])), cid=str(pin["id"]))
        raise ReconcileUnsupported(self.slug)

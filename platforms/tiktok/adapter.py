"""TikTok (Content Posting API v2): connect with OAuth + PKCE, publish one video.

Connecting: TikTok calls the client id `client_key`. The account is `GET /v2/user/info/`
(`open_id` is the account id); `POST /v2/post/publish/creator_info/query/` tells which privacy
levels the creator may use, the longest video and whether comments, duets and stitches are off.
Those go to metadata and on to the preflight rules (`Draft.account_limits`). An account whose only
level is SELF_ONLY (or whose creator info cannot be read) is in "audit": TikTok has not audited the
app, so it may only post privately. A refresh rotates the refresh token and re-reads creator info.

Publishing: a direct post (`/v2/post/publish/video/init/`, with the caption, the caller's privacy
and toggles) when the account granted `video.publish` and is not in audit; otherwise an inbox
upload (`/inbox/video/init/`) that the creator finishes in the app. The bytes are PUT to
`upload_url` in chunks with `Content-Range`, then `status/fetch` is polled to a final state.

Exactly once: the `publish_id` from init is stored (platforms/tiktok/publish_ids.py) before any
byte is uploaded. `reconcile()` asks for that id's status: complete means published, FAILED means
it never landed, and no id means init never answered, so no bytes were sent.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone

from letmepost.errors import (
    LetmepostError,
    PlatformAuthFailed,
    PlatformRejected,
    PreflightFailed,
    PublishOutcomeUnknown,
)
from platforms import http as platform_http
from platforms.attachments import AttachmentStream, open_attachment
from platforms.base import (
    ConnectedAccount,
    Draft,
    PlatformAdapter,
    PublishResult,
    option,
)
from platforms.models import PlatformAccount
from platforms.oauth import (
    OAuthConfig,
    OAuthConnect,
    OAuthProvider,
    RefreshedToken,
    TokenSet,
    redirect_uri_for,
    refresh_token,
    token_credentials,
)
from platforms.reauth import answer, flag_if_revoked
from platforms.tiktok import PLATFORM_INFO, publish_ids
from platforms.tiktok.client import DEFAULT_BASE, PLATFORM, TikTokClient
from platforms.tiktok.preflight import (
    DEFAULT_PRIVACY,
    MAX_VIDEO_BYTES,
    PRIVACY_LEVELS,
)
from platforms.versions import pinned_label

SCOPES = ("user.info.basic", "video.upload", "video.publish")
SINGLE_PUT_MAX = 64 * 1024 * 1024
CHUNK = 10 * 1024 * 1024
FINAL = {"PUBLISH_COMPLETE", "SEND_TO_USER_INBOX", "FAILED"}
FAIL_RULES = {
    "file_format_check_failed": "tiktok.file_format.invalid",
    "duration_check_failed": "tiktok.video.too_long",
    "frame_rate_check_failed": "tiktok.resolution.unsupported",
    "picture_size_check_failed": "tiktok.resolution.unsupported",
    "video_pull_failed": "tiktok.video.reachable",
}
INBOX_WARNING = {
    "code": "tiktok.inbox.confirm",
    "message": "The video is in the creator's TikTok inbox: they finish posting it in the app.",
}


@dataclass(frozen=True)
class Chunks:
    size: int
    chunk_size: int
    count: int

    def ranges(self) -> list[tuple[int, int]]:
        """(start, end-exclusive) per chunk; the last one takes the remainder."""
        bounds = [
            (i * self.chunk_size, (i + 1) * self.chunk_size) for i in range(self.count)
        ]
        bounds[-1] = (bounds[-1][0], self.size)
        return bounds


def chunk_plan(size: int) -> Chunks:
    """TikTok's rules: one PUT up to 64 MB; else 5-64 MB chunks, the last up to 128 MB."""
    if size <= SINGLE_PUT_MAX:
        return Chunks(size, size, 1)
    return Chunks(size, CHUNK, size // CHUNK)


def creator_metadata(info: Mapping[str, Any] | None) -> dict[str, Any]:
    """What creator_info tells preflight and publish; audit when it says only SELF_ONLY."""
    options = list((info or {}).get("privacy_level_options") or [])
    return {
        "privacyLevelOptions": options,
        "auditState": "audit" if options in ([], ["SELF_ONLY"]) else "production",
        "creatorInfo": {
            "commentDisabled": bool((info or {}).get("comment_disabled")),
            "duetDisabled": bool((info or {}).get("duet_disabled")),
            "stitchDisabled": bool((info or {}).get("stitch_disabled")),
            "maxVideoPostDurationSec": (info or {}).get("max_video_post_duration_sec"),
        },
    }


def _token_invalid(exc: PlatformAuthFailed) -> bool:
    return (answer(exc).get("error") or {}).get("code") == "access_token_invalid"


def granted(scope: Any) -> list[str]:
    return [s for s in str(scope or "").replace(" ", ",").split(",") if s]


class TikTokAdapter(OAuthConnect, PlatformAdapter):
    platform = PLATFORM_INFO
    oauth_provider = OAuthProvider(
        authorize_url="https://www.tiktok.com/v2/auth/authorize/",
        token_url=f"{DEFAULT_BASE}/v2/oauth/token/",
        scopes=SCOPES,
        scope_delimiter=",",
        client_id_param="client_key",
        revoke_url=f"{DEFAULT_BASE}/v2/oauth/revoke/",
        api_base=DEFAULT_BASE,
    )
    refresh_horizon = timedelta(hours=1)

    # --- preflight --------------------------------------------------------------------------

    def account_limits(self) -> dict[str, Any]:
        meta = self.account.metadata
        return {
            "privacy_level_options": meta.get("privacyLevelOptions") or [],
            "audit_state": meta.get("auditState") or "audit",
        }

    # --- connecting and tokens --------------------------------------------------------------

    @classmethod
    def _creator_info(cls, client: TikTokClient) -> dict[str, Any] | None:
        try:
            return client.creator_info()
        except LetmepostError:  # e.g. video.publish not granted
            return None  # assumed audit (tiktok.creator_info.unavailable)

    @classmethod
    def connect_with_token(
        cls, token: TokenSet, context: Mapping[str, Any]
    ) -> ConnectedAccount:
        client = TikTokClient(token.access_token, version=pinned_label(cls.slug))
        try:
            user = client.user_info()
        except LetmepostError:
            if not token.raw.get("open_id"):
                raise
            user = {}  # the token answer names the account; user info is a nicety
        open_id = user.get("open_id") or token.raw.get("open_id")
        if not open_id:
            raise PlatformRejected(
                "TikTok did not say which account the token belongs to.",
                **client.fields(rule="tiktok.user_info.unavailable"),
            )
        metadata = {
            "openId": str(open_id),
            "unionId": user.get("union_id", ""),
            "username": user.get("username", ""),
            "displayName": user.get("display_name", ""),
            "avatarUrl": user.get("avatar_url", ""),
            "grantedScopes": granted(token.scope),
            **creator_metadata(cls._creator_info(client)),
        }
        if refresh_in := token.raw.get("refresh_expires_in"):
            metadata["refreshTokenExpiresAt"] = (
                timezone.now() + timedelta(seconds=int(refresh_in))
            ).isoformat()
        return ConnectedAccount(
            external_id=str(open_id),
            display_name=user.get("username")
            or user.get("display_name")
            or str(open_id),
            credentials=token_credentials(token),
            metadata=metadata,
        )

    @classmethod
    def refresh_credentials(cls, account: PlatformAccount) -> RefreshedToken:
        """Refresh (TikTok rotates the refresh token: the new one is stored), then re-read
        creator info so privacy options stay current. The caller holds the row lock."""
        config = cls.oauth_config(
            account.metadata, redirect_uri=redirect_uri_for(account.platform)
        )
        token = refresh_token(
            config, platform=cls.slug, refresh=account.credentials["refreshToken"]
        )
        info = cls._creator_info(
            TikTokClient(token.access_token, version=pinned_label(cls.slug))
        )
        if info is not None:  # a failed re-read keeps what we knew
            account.metadata = {**account.metadata, **creator_metadata(info)}
            if token.scope:
                account.metadata["grantedScopes"] = granted(token.scope)
            account.save(update_fields=["metadata", "updated_at"])
        credentials = {**account.credentials, **token_credentials(token)}
        return RefreshedToken(credentials=credentials, expires_at=token.expires_at)

    @classmethod
    def revoke(cls, config: OAuthConfig, account: PlatformAccount) -> None:
        """`POST /v2/oauth/revoke/` takes the access token with the client key and secret."""
        token = account.credentials.get("accessToken")
        if not token:
            return
        form = {
            "client_key": config.client_id,
            "client_secret": config.client_secret,
            "token": str(token),
        }
        try:
            with platform_http.session() as session:
                session.post(config.revoke_url, data=form)
        except requests.RequestException:  # best effort: a disconnect never fails on it
            return

    # --- publishing -------------------------------------------------------------------------

    def client(self) -> TikTokClient:
        return TikTokClient(
            str(self.account.credentials.get("accessToken", "")),
            version=self.platform_version,
        )

    def direct(self) -> bool:
        meta = self.account.metadata
        return "video.publish" in (meta.get("grantedScopes") or []) and (
            meta.get("auditState") == "production"
        )

    def post_info(self, draft: Draft) -> dict[str, Any]:
        """The caption and the caller's privacy and toggles (the reference dropped them)."""
        options = draft.options
        privacy = str(option(options, "privacy") or DEFAULT_PRIVACY)
        info: dict[str, Any] = {
            "title": draft.text,
            "privacy_level": PRIVACY_LEVELS.get(privacy, privacy),
        }
        for name in (
            "disable_comment",
            "disable_duet",
            "disable_stitch",
            "brand_content_toggle",
            "brand_organic_toggle",
        ):
            info[name] = bool(option(options, name))
        return info

    def publish(self, draft: Draft) -> PublishResult:
        client = self.client()
        with flag_if_revoked(self.account, _token_invalid):
            return self._publish(client, draft)

    def _publish(self, client: TikTokClient, draft: Draft) -> PublishResult:
        videos = [m for m in draft.media if m.kind == "video"]
        if len(draft.media) != 1 or len(videos) != 1:
            raise PreflightFailed(
                "TikTok takes exactly one video.",
                rule="tiktok.media.required",
                platform=PLATFORM,
            )
        with open_attachment(
            videos[0], platform=PLATFORM, max_bytes=MAX_VIDEO_BYTES
        ) as file:
            publish_id, direct = self._upload(client, draft, file)
        result = self.wait_final(client, publish_id)  # the file is closed by now
        if not direct and INBOX_WARNING not in result.warnings:
            result = replace(result, warnings=(*result.warnings, INBOX_WARNING))
        return result

    def _upload(
        self, client: TikTokClient, draft: Draft, file: AttachmentStream
    ) -> tuple[str, bool]:
        """Init, then PUT the chunks; (publish_id, whether it is a direct post)."""
        plan = chunk_plan(file.size)
        direct = self.direct()
        body: dict[str, Any] = {
            "source_info": {
                "source": "FILE_UPLOAD",
                "video_size": plan.size,
                "chunk_size": plan.chunk_size,
                "total_chunk_count": plan.count,
            }
        }
        if direct:
            body["post_info"] = self.post_info(draft)
        data = client.init_upload(direct=direct, body=body)
        publish_id, upload_url = data.get("publish_id"), data.get("upload_url")
        if not publish_id or not upload_url:
            raise PlatformRejected(
                "TikTok's init answer has no publish_id or upload_url; nothing was uploaded.",
                **client.fields(
                    platform_response=data, rule="tiktok.upload.init_failed"
                ),
            )
        publish_ids.remember(self.account, draft.idempotency_token, str(publish_id))
        ranges = plan.ranges()
        for index, (start, end) in enumerate(ranges):
            client.put_chunk(
                str(upload_url),
                file.section(start, end),  # read from the file as it is sent
                start=start,
                total=plan.size,
                content_type=file.content_type,
                final=index == len(ranges) - 1,
            )
        return str(publish_id), direct

    def wait_final(self, client: TikTokClient, publish_id: str) -> PublishResult:
        """Poll the status to a final state; past the deadline the outcome is unknown."""
        deadline = time.monotonic() + settings.TIKTOK_PUBLISH_TIMEOUT_SECONDS
        while True:
            try:
                status = client.status(publish_id)
            except PublishOutcomeUnknown:
                raise
            except LetmepostError as exc:  # the bytes are up: it may publish regardless
                raise PublishOutcomeUnknown(
                    f"The upload finished but its status could not be read: {exc.message}",
                    **client.fields(
                        platform_response=exc.fields.get("platform_response"),
                        rule="tiktok.status.unavailable",
                    ),
                ) from exc
            state = status.get("status")
            if state in FINAL:
                return self.outcome(client, publish_id, status)
            if time.monotonic() >= deadline:
                raise PublishOutcomeUnknown(
                    f"TikTok is still processing the upload ({state}); it may yet publish.",
                    **client.fields(
                        platform_response=status, rule="tiktok.publish.pending"
                    ),
                    remediation="letmepost asks TikTok again on the next attempt.",
                )
            time.sleep(settings.PLATFORM_POLL_INTERVAL_SECONDS)

    def outcome(
        self, client: TikTokClient, publish_id: str, status: Mapping[str, Any]
    ) -> PublishResult:
        state = status.get("status")
        if state == "FAILED":
            reason = str(status.get("fail_reason") or "")
            raise PlatformRejected(
                f"TikTok could not publish the video: {reason or 'no reason given'}.",
                **client.fields(
                    platform_response=dict(status),
                    rule=FAIL_RULES.get(reason, "tiktok.publish.failed"),
                ),
            )
        if state == "SEND_TO_USER_INBOX":
            return PublishResult(uri=None, cid=publish_id, warnings=(INBOX_WARNING,))
        post_ids = status.get("publicaly_available_post_id") or []
        if not post_ids:  # a private post has no public id
            return PublishResult(uri=None, cid=publish_id)
        post_id = str(post_ids[0])
        username = self.account.metadata.get("username")
        uri = (
            f"https://www.tiktok.com/@{username}/video/{post_id}"
            if username
            else f"https://www.tiktok.com/video/{post_id}"
        )
        return PublishResult(uri=uri, cid=post_id)

    def reconcile(self, draft: Draft) -> PublishResult | None:
        publish_id = publish_ids.recall(self.account, draft.idempotency_token)
        if publish_id is None:
            return None  # init never answered: no bytes were sent, nothing can be live
        client = self.client()
        try:
            return self.wait_final(client, publish_id)
        except PlatformRejected:
            return None  # FAILED: it did not land, so publishing again is safe

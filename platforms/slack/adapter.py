"""Slack (Web API): connect a workspace with OAuth v2, publish messages and files to a channel.

Connecting: the OAuth v2 code flow (`/oauth/v2/authorize`, `oauth.v2.access`) for a bot token
with `chat:write` and `files:write`; `auth.test` names the workspace and its URL. The channel is
per post (`options.channel`, a channel id; the app must be invited to it), or the one the
installer picked when the token carries an `incoming_webhook` (the account's default).

Publishing: text (and `options.blocks`) with `chat.postMessage`; media with the external upload
that replaced `files.upload`: `files.getUploadURLExternal` and a POST of the bytes per file, then
one `files.completeUploadExternal` that shares them all in the channel with the text as the
comment. A thread item or first comment goes into the first message's thread (`thread_ts`).

Exactly once: Slack takes no idempotency key, and reading a channel back needs history scopes
this app does not ask for, so `reconcile()` cannot tell: a target whose answer was lost is
reported as unknown (`publish.outcome_unknown`) rather than risk a second message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from letmepost.errors import PlatformAuthFailed
from platforms.attachments import open_attachment
from platforms.base import (
    ConnectedAccount,
    Draft,
    PlatformAdapter,
    PublishResult,
    ReplyTo,
)
from platforms.oauth import (
    OAuthConnect,
    OAuthProvider,
    TokenSet,
    access_token,
    token_credentials,
)
from platforms.reauth import answer, flag_if_revoked
from platforms.slack import PLATFORM_INFO
from platforms.slack.client import (
    DEFAULT_BASE,
    PLATFORM,
    REVOKED_ERRORS,
    SlackClient,
    error_code,
)
from platforms.slack.preflight import MAX_FILE_BYTES
from platforms.versions import pinned_label

SCOPES = ("chat:write", "files:write")


def _revoked(exc: PlatformAuthFailed) -> bool:
    return error_code(answer(exc)) in REVOKED_ERRORS


def permalink(team_url: str, channel: str, ts: str | None = None) -> str:
    """The message's address (`/archives/<channel>/p<ts without the dot>`), or the channel's."""
    base = f"{team_url.rstrip('/')}/archives/{channel}"
    return f"{base}/p{ts.replace('.', '')}" if ts else base


class SlackAdapter(OAuthConnect, PlatformAdapter):
    platform = PLATFORM_INFO
    oauth_provider = OAuthProvider(
        authorize_url="https://slack.com/oauth/v2/authorize",
        token_url=f"{DEFAULT_BASE}/oauth.v2.access",
        scopes=SCOPES,
        scope_delimiter=",",
        pkce=False,
        api_base=DEFAULT_BASE,
    )
    thread_style = "replies"

    def account_limits(self) -> dict[str, Any]:
        return {"default_channel": self.account.metadata.get("defaultChannel")}

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def connect_with_token(
        cls, token: TokenSet, context: Mapping[str, Any]
    ) -> ConnectedAccount:
        with SlackClient(token.access_token, version=pinned_label(cls.slug)) as client:
            who = client.auth_test()
        team = token.raw.get("team") or {}
        metadata: dict[str, Any] = {
            "teamId": str(who.get("team_id") or team.get("id") or ""),
            "teamUrl": str(who.get("url") or ""),
            "botUserId": str(token.raw.get("bot_user_id") or who.get("user_id") or ""),
        }
        if hook := token.raw.get("incoming_webhook"):
            metadata |= {
                "defaultChannel": str(hook.get("channel_id") or ""),
                "defaultChannelName": str(hook.get("channel") or ""),
            }
        return ConnectedAccount(
            external_id=metadata["teamId"],
            display_name=str(team.get("name") or who.get("team") or metadata["teamId"]),
            credentials=token_credentials(token),
            metadata=metadata,
        )

    # --- publishing -------------------------------------------------------------------------

    def client(self) -> SlackClient:
        return SlackClient(access_token(self.account), version=self.platform_version)

    def channel(self, draft: Draft) -> str:
        return str(
            draft.options.get("channel") or self.account.metadata.get("defaultChannel")
        )

    def publish(self, draft: Draft) -> PublishResult:
        return self._send(draft, None)

    def publish_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult:
        # Slack threads are flat: every reply names the first message of the thread.
        return self._send(draft, reply_to.root.cid)

    def _send(self, draft: Draft, thread_ts: str | None) -> PublishResult:
        channel = self.channel(draft)
        team_url = str(self.account.metadata.get("teamUrl") or "https://slack.com")
        with self.client() as client, flag_if_revoked(self.account, _revoked):
            if draft.media:
                uploaded = []
                for i, item in enumerate(draft.media):
                    with open_attachment(
                        item, platform=PLATFORM, max_bytes=MAX_FILE_BYTES, index=i
                    ) as file:
                        uploaded.append((client.upload(file, item.alt_text), file.name))
                shared = client.complete_upload(
                    uploaded,
                    {
                        "channel_id": channel,
                        "initial_comment": draft.text or None,
                        "thread_ts": thread_ts,
                    },
                )
                file_id = str(shared["files"][0]["id"])
                return PublishResult(uri=permalink(team_url, channel), cid=file_id)
            form = {"channel": channel, "text": draft.text, "thread_ts": thread_ts}
            if blocks := draft.options.get("blocks"):
                form["blocks"] = json.dumps(blocks)
            if (unfurl := draft.options.get("unfurl_links")) is not None:
                form["unfurl_links"] = "true" if unfurl else "false"
            message = client.post_message(form)
        ts = str(message["ts"])
        return PublishResult(
            uri=permalink(team_url, str(message.get("channel") or channel), ts), cid=ts
        )

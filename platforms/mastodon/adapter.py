"""Mastodon: connect through OAuth on the user's own instance, publish statuses.

Connecting: the user names an instance; the first time, we register an app there
(`POST /api/v1/apps`, kept in MastodonApp) and then run the generic OAuth flow of
platforms.oauth against that instance. The instance's limits (`GET /api/v2/instance`:
characters, attachments, sizes, mime types) are stored in `account.metadata["limits"]` for
preflight.

Exactly once: `POST /api/v1/statuses` carries `Idempotency-Key: letmepost-<target id>`. Mastodon
answers a repeated key with the status it already created, but only for one hour, and it offers
no way to look a status up by key. So an unknown outcome is reconciled by sending the very same
request again while we are safely inside that hour (MastodonStatusKey records when a key was
first sent); after it, `reconcile()` raises ReconcileUnsupported and the engine reports
`publish.outcome_unknown` rather than risk a duplicate. Thread items and first comments
(`publish_reply`) are statuses `in_reply_to_id` the post they answer, each under its own key
(`letmepost-<target id>.<n>`), reconciled the same way.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from letmepost.errors import (
    PlatformAuthFailed,
    PlatformUnavailable,
    ValidationFailed,
)
from platforms.attachments import read_attachment
from platforms.base import (
    ConnectedAccount,
    Draft,
    MediaItem,
    PlatformAdapter,
    PublishResult,
    ReconcileUnsupported,
    ReplyTo,
    option,
)
from platforms.http import server_url
from platforms.mastodon import PLATFORM_INFO
from platforms.mastodon.client import PLATFORM, MastodonClient
from platforms.mastodon.preflight import limits_from_instance
from platforms.models import MastodonApp, MastodonStatusKey
from platforms.oauth import OAuthConfig, OAuthConnect, TokenSet
from platforms.reauth import answer, flag_if_revoked
from platforms.versions import pinned_label

SCOPES = ("read:accounts", "write:statuses", "write:media")
VISIBILITIES = ("public", "unlisted", "private", "direct")
# Mastodon keeps an Idempotency-Key for 3600 s; stay well inside that when re-sending.
IDEMPOTENCY_WINDOW = timedelta(minutes=50)
MAX_UPLOAD_BYTES = (
    200 * 1024 * 1024
)  # the instance's own limits are checked by preflight


def idempotency_key(token: str, salt: str = "") -> str:
    return f"letmepost-{token}" + (f"-{salt}" if salt else "")


def instance_limits(instance: Mapping[str, Any]) -> dict[str, Any]:
    """`Draft.account_limits` for preflight, flat, under Mastodon's own names (`max_characters`)."""
    limits = limits_from_instance(instance)
    if "max_characters" not in limits and instance.get("max_toot_chars"):
        limits["max_characters"] = instance["max_toot_chars"]  # pre-3.4 servers
    return limits


def normalize_instance_url(value: Any) -> str:
    """`mastodon.social`, `https://mastodon.social/` → `https://mastodon.social`."""
    return server_url(
        value,
        server="a Mastodon server",
        example="https://mastodon.social",
        carried="the account's token",
    )


class MastodonAdapter(OAuthConnect, PlatformAdapter):
    platform = PLATFORM_INFO
    thread_style = "replies"

    def account_limits(self) -> dict[str, Any]:
        """This instance's limits, stored at connect (Mastodon's own names)."""
        return self.account.metadata.get("limits") or {}

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def _client(cls, instance_url: str, token: str | None = None) -> MastodonClient:
        return MastodonClient(instance_url, token=token, version=pinned_label(cls.slug))

    @classmethod
    def prepare_oauth(
        cls, params: Mapping[str, Any], *, redirect_uri: str
    ) -> dict[str, Any]:
        instance_url = normalize_instance_url(option(params, "instance_url"))
        cls._client(instance_url).instance()  # reachable, and speaks the Mastodon API
        cls.app_for(instance_url, redirect_uri)
        return {"instanceUrl": instance_url}

    @classmethod
    def app_for(cls, instance_url: str, redirect_uri: str) -> MastodonApp:
        """Our app on this instance, registered on first use."""
        app = MastodonApp.objects.filter(
            instance_url=instance_url, redirect_uri=redirect_uri
        ).first()
        if app is not None:
            return app
        body = cls._client(instance_url).register_app(
            name=settings.MASTODON_APP_NAME,
            redirect_uri=redirect_uri,
            scopes=" ".join(SCOPES),
            website=settings.PUBLIC_URL,
        )
        try:
            with transaction.atomic():
                return MastodonApp.objects.create(
                    instance_url=instance_url,
                    redirect_uri=redirect_uri,
                    scopes=" ".join(SCOPES),
                    client_id=body["client_id"],
                    secrets={"clientSecret": body.get("client_secret", "")},
                )
        except IntegrityError:  # registered concurrently: use the one that won
            return MastodonApp.objects.get(
                instance_url=instance_url, redirect_uri=redirect_uri
            )

    @classmethod
    def oauth_config(
        cls, context: Mapping[str, Any], *, redirect_uri: str
    ) -> OAuthConfig:
        instance_url = str(context["instanceUrl"])
        app = cls.app_for(instance_url, redirect_uri)
        return OAuthConfig(
            authorize_url=f"{instance_url}/oauth/authorize",
            token_url=f"{instance_url}/oauth/token",
            client_id=app.client_id,
            client_secret=app.client_secret,
            scopes=SCOPES,
            pkce=True,  # Mastodon ≥ 4.3 checks it; older servers ignore the parameters
        )

    @classmethod
    def connect_with_token(
        cls, token: TokenSet, context: Mapping[str, Any]
    ) -> ConnectedAccount:
        instance_url = str(context["instanceUrl"])
        client = cls._client(instance_url, token.access_token)
        me = client.verify_credentials()
        instance = client.instance()
        host = urlsplit(instance_url).netloc
        return ConnectedAccount(
            external_id=f"{me['id']}@{host}",
            display_name=f"@{me.get('username') or me.get('acct')}@{host}",
            credentials={"accessToken": token.access_token, "scope": token.scope or ""},
            metadata={
                "instanceUrl": instance_url,
                "accountId": str(me["id"]),
                "username": me.get("username", ""),
                "acct": me.get("acct", ""),
                "url": me.get("url", ""),
                "instanceVersion": instance.get("version", ""),
                "limits": instance_limits(instance),
                "limitsFetchedAt": timezone.now().isoformat(),
            },
        )

    # --- publishing -------------------------------------------------------------------------

    def _account_client(self) -> MastodonClient:
        return MastodonClient(
            self.account.metadata["instanceUrl"],
            token=self.account.credentials.get("accessToken"),
            version=self.platform_version,
        )

    def publish(self, draft: Draft) -> PublishResult:
        return self._send(draft)

    def reconcile(self, draft: Draft) -> PublishResult | None:
        """Re-send the same request under the same Idempotency-Key while Mastodon remembers it.

        None when the key was never sent (nothing can have been published); ReconcileUnsupported
        once the hour is over, because re-sending then could post twice.
        """
        return self._resend(draft, None)

    def publish_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult:
        """A status `in_reply_to_id` the post it answers, under the item's own Idempotency-Key."""
        return self._send(draft, reply_to)

    def reconcile_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult | None:
        return self._resend(draft, reply_to)

    def _resend(self, draft: Draft, reply_to: ReplyTo | None) -> PublishResult | None:
        sent = MastodonStatusKey.objects.filter(
            account=self.account, key=idempotency_key(draft.idempotency_token)
        ).first()
        if sent is None:
            return None
        if timezone.now() - sent.first_sent_at > IDEMPOTENCY_WINDOW:
            raise ReconcileUnsupported(self.slug)
        return self._send(draft, reply_to)

    def _send(self, draft: Draft, reply_to: ReplyTo | None = None) -> PublishResult:
        client = self._account_client()
        with flag_if_revoked(self.account, self._revoked):
            payload = self._status_payload(client, draft)
            if reply_to is not None:  # the engine's chain wins over options.inReplyToId
                payload["in_reply_to_id"] = str(reply_to.parent.cid)
            status = self._post(
                client, payload, idempotency_key(draft.idempotency_token)
            )
            return PublishResult(
                uri=status.get("url") or status.get("uri"), cid=str(status["id"])
            )

    @staticmethod
    def _revoked(exc: PlatformAuthFailed) -> bool:
        return "access token" in str(answer(exc).get("error", "")).lower()

    def _post(
        self, client: MastodonClient, payload: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """The one write that can publish: remember the key first, then send it."""
        MastodonStatusKey.objects.get_or_create(
            account=self.account, key=key, defaults={"first_sent_at": timezone.now()}
        )
        return client.post_status(payload, idempotency_key=key)

    def _status_payload(self, client: MastodonClient, draft: Draft) -> dict[str, Any]:
        options = draft.options or {}
        payload: dict[str, Any] = {}
        if draft.text:
            payload["status"] = draft.text
        if draft.media:
            payload["media_ids"] = [
                self._upload(client, item, index)
                for index, item in enumerate(draft.media)
            ]
        if visibility := option(options, "visibility"):
            if visibility not in VISIBILITIES:
                raise ValidationFailed(
                    f"options.visibility must be one of {', '.join(VISIBILITIES)}.",
                    rule="options.visibility",
                )
            payload["visibility"] = visibility
        for name in ("spoiler_text", "language", "in_reply_to_id"):
            if (value := option(options, name)) not in (None, ""):
                payload[name] = str(value)
        if (sensitive := option(options, "sensitive")) is not None:
            payload["sensitive"] = bool(sensitive)
        return payload

    def _upload(self, client: MastodonClient, item: MediaItem, index: int) -> str:
        """Upload one attachment and wait (bounded) until the instance has processed it."""
        file = read_attachment(
            item, platform=PLATFORM, max_bytes=MAX_UPLOAD_BYTES, index=index
        )
        status, media = client.upload_media(
            data=file.data,
            content_type=file.content_type,
            name=file.name,
            description=item.alt_text,
        )
        deadline = time.monotonic() + settings.MASTODON_MEDIA_TIMEOUT_SECONDS
        while status in (202, 206) or not media.get("url"):
            if time.monotonic() >= deadline:
                raise PlatformUnavailable(
                    f"{client.base_url} did not finish processing media[{index}] in time; nothing was posted.",
                    status=504,
                    **client.fields(
                        platform_response=media,
                        rule="mastodon.media.processing_timeout",
                    ),
                    remediation="Retry later, or upload a smaller file.",
                )
            time.sleep(settings.PLATFORM_POLL_INTERVAL_SECONDS)
            status, polled = client.get_media(str(media["id"]))
            media = polled or media
        return str(media["id"])

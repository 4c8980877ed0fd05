"""Lemmy: connect with an instance, a username and a password; publish posts to communities.

Connecting: `POST /api/v3/user/login` gives a JWT; the password is kept too (encrypted, like the
JWT) because Lemmy has no refresh token: when the instance answers 401 (the JWT was revoked or
expired), the adapter logs in again once, under the account's row lock, and repeats the call,
which is safe since a 401 means nothing was applied. When the password no longer works the
account is flagged for reconnecting. The instance address is user input: https only (http where
private URLs are allowed) and every connection goes through the SSRF-guarded session.

Publishing: the community name is resolved to its id (`GET /api/v3/community?name=`); an image is
uploaded to the instance's pict-rs (`POST /pictrs/image`) and becomes the post's `url`; then one
`POST /api/v3/post`.

Exactly once: Lemmy takes no idempotency key, so an unknown outcome is reconciled from the
platform: the account's newest posts (`GET /api/v3/user?person_id=…&sort=New`) are searched for
one in the same community with the same title and body, published since the target's first
attempt. One match is the post; none means it did not land; two cannot be told apart, so the
engine reports `publish.outcome_unknown` instead of risking a duplicate.

Thread items and first comments are top-level comments on the post (`POST /api/v3/comment`),
reconciled the same way from the post's newest comments (platforms.comments.the_one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.db import transaction
from django.utils.dateparse import parse_datetime

from letmepost.errors import PlatformAuthFailed, ValidationFailed
from platforms.attachments import read_attachment
from platforms.base import (
    ConnectedAccount,
    CredentialField,
    Draft,
    PublishResult,
    ReconcileUnsupported,
    ReplyTo,
    option,
)
from platforms.comments import SessionComments, earlier, post_id, the_one
from platforms.http import server_url
from platforms.lemmy import PLATFORM_INFO
from platforms.lemmy.client import PLATFORM, LemmyClient
from platforms.models import PlatformAccount
from platforms.reauth import flag_if_revoked
from platforms.versions import pinned_label

T = TypeVar("T")
MAX_IMAGE_BYTES = 40 * 1024 * 1024  # the instance's pict-rs has its own (smaller) limit
RECENT_POSTS = 20  # what reconcile reads: far more than one target can have made
RECENT_COMMENTS = 50
CLOCK_SKEW = timedelta(minutes=5)


def instance_url(value: Any) -> str:
    """`lemmy.world`, `https://lemmy.world/` → `https://lemmy.world`."""
    return server_url(
        value,
        server="a Lemmy instance",
        example="https://lemmy.world",
        carried="the password",
    )


def community_name(value: Any) -> str:
    """`!technology@lemmy.world` → `technology@lemmy.world` (Lemmy's own `name` form)."""
    return str(value).strip().removeprefix("!")


class LemmyAdapter(SessionComments[LemmyClient]):
    platform = PLATFORM_INFO
    connect_kind = "credentials"
    credential_fields = (
        CredentialField(
            "instanceUrl", "Instance", type="url", placeholder="https://lemmy.world"
        ),
        CredentialField("username", "Username or email", placeholder="alice"),
        CredentialField("password", "Password", type="password"),
    )

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def connect_with_credentials(cls, payload: dict[str, Any]) -> ConnectedAccount:
        base = instance_url(option(payload, "instance_url"))
        username = str(option(payload, "username") or "").strip()
        password = option(payload, "password")
        if not username or not isinstance(password, str) or not password:
            raise ValidationFailed(
                "username and password are required.",
                rule="username" if not username else "password",
                remediation="Send the Lemmy account's username (or email) and password.",
            )
        with LemmyClient(base, version=pinned_label(cls.slug)) as client:
            jwt = cls._login(client, username, password)
        with LemmyClient(base, token=jwt, version=pinned_label(cls.slug)) as client:
            me = client.site().get("my_user") or {}
        person = (me.get("local_user_view") or {}).get("person") or {}
        if not person.get("id"):
            raise PlatformAuthFailed(
                f"{base} did not say who is logged in.",
                platform=PLATFORM,
                remediation="Check the instance address; it must run Lemmy 0.19.",
            )
        host = urlsplit(base).netloc
        return ConnectedAccount(
            external_id=f"{person['id']}@{host}",
            display_name=f"@{person['name']}@{host}",
            credentials={"jwt": jwt, "username": username, "password": password},
            metadata={
                "instanceUrl": base,
                "personId": person["id"],
                "username": person["name"],
                "actorId": person.get("actor_id", ""),
            },
        )

    @staticmethod
    def _login(client: LemmyClient, username: str, password: str) -> str:
        answer = client.login(username, password)
        if not answer.get(
            "jwt"
        ):  # signed up but not approved, or the email not verified
            raise PlatformAuthFailed(
                "Lemmy did not sign this account in: "
                + (
                    "its email is not verified."
                    if answer.get("verify_email_sent")
                    else "its registration is pending."
                ),
                **client.fields(platform_response=answer),
                remediation="Finish the sign-up on the instance, then connect again.",
            )
        return str(answer["jwt"])

    # --- the session ------------------------------------------------------------------------

    def _client(self) -> LemmyClient:
        return LemmyClient(
            self.account.metadata["instanceUrl"],
            token=self.account.credentials.get("jwt"),
            version=self.platform_version,
        )

    def _authed(self, call: Callable[[LemmyClient], T]) -> T:
        """`call` with the account's JWT; after a 401, log in again once and repeat it."""
        with flag_if_revoked(self.account, lambda exc: True):
            try:
                with self._client() as client:
                    return call(client)
            except PlatformAuthFailed:
                self._relogin()
            with self._client() as client:
                return call(client)

    def _relogin(self) -> None:
        """A fresh JWT from the stored password, under the row lock (one login at a time)."""
        seen = self.account.credentials.get("jwt")
        with transaction.atomic():
            row = PlatformAccount.objects.select_for_update().get(pk=self.account.pk)
            if row.credentials.get("jwt") == seen:  # nobody logged in while we waited
                with LemmyClient(
                    row.metadata["instanceUrl"], version=self.platform_version
                ) as client:
                    jwt = self._login(
                        client, row.credentials["username"], row.credentials["password"]
                    )
                row.credentials = {**row.credentials, "jwt": jwt}
                row.save(update_fields=["credentials", "updated_at"])
        self.account.credentials = row.credentials

    # --- publishing -------------------------------------------------------------------------

    def _publish(self, client: LemmyClient, draft: Draft) -> PublishResult:
        options = draft.options or {}
        payload: dict[str, Any] = {
            "name": str(option(options, "title")).strip(),
            "community_id": self._community_id(client, options),
        }
        if draft.text and draft.text.strip():
            payload["body"] = draft.text
        if url := option(options, "url"):
            payload["url"] = str(url)
        if draft.media:
            item = draft.media[0]
            file = read_attachment(
                item, platform=PLATFORM, max_bytes=MAX_IMAGE_BYTES, index=0
            )
            payload["url"] = client.upload_image(
                data=file.data, content_type=file.content_type, name=file.name
            )
            if item.alt_text:
                payload["alt_text"] = item.alt_text
        if option(options, "nsfw") is not None:
            payload["nsfw"] = bool(option(options, "nsfw"))
        return self._result(client.create_post(payload)["post_view"])

    def _community_id(self, client: LemmyClient, options: Mapping[str, Any]) -> int:
        found = client.community(community_name(option(options, "community")))
        return int(found["community_view"]["community"]["id"])

    def _result(self, view: Mapping[str, Any]) -> PublishResult:
        post = view["post"]
        return PublishResult(uri=str(post.get("ap_id") or ""), cid=str(post["id"]))

    def reconcile(self, draft: Draft) -> PublishResult | None:
        """Find the post among the account's newest (see the module doc)."""
        first = draft.history.first_attempt_at()
        if first is None:
            return None  # never sent
        return self._authed(
            lambda client: self._find(client, draft, first - CLOCK_SKEW)
        )

    def _find(
        self, client: LemmyClient, draft: Draft, since: datetime
    ) -> PublishResult | None:
        options = draft.options or {}
        community = self._community_id(client, options)
        title = str(option(options, "title")).strip()
        body = draft.text if draft.text and draft.text.strip() else None
        views = client.person_posts(
            int(self.account.metadata["personId"]), RECENT_POSTS
        )
        matches = [
            view
            for view in views
            if view["post"]["community_id"] == community
            and view["post"]["name"] == title
            and view["post"].get("body") == body
            and not view["post"].get("deleted")
            and (published := parse_datetime(str(view["post"]["published"])))
            is not None
            and published >= since
        ]
        oldest = parse_datetime(str(views[-1]["post"]["published"])) if views else None
        complete = len(views) < RECENT_POSTS or (oldest is not None and oldest < since)
        if len(matches) > 1 or (not matches and not complete):
            raise ReconcileUnsupported(self.slug)
        return self._result(matches[0]) if matches else None

    # --- comments: thread items and first comments --------------------------------------------

    def reconcile_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult | None:
        """Our comment among the post's newest: this account's, with exactly this text."""
        post = int(post_id(reply_to, self.slug))
        views = self._authed(lambda client: client.comments(post, RECENT_COMMENTS))
        known, me = earlier(reply_to), int(self.account.metadata["personId"])
        matches = [
            v
            for v in views
            if v["comment"]["creator_id"] == me
            and v["comment"]["content"] == draft.text
            and not v["comment"].get("deleted")
            and str(v["comment"]["id"]) not in known
        ]
        found = the_one(matches, complete=len(views) < RECENT_COMMENTS, slug=self.slug)
        return self._comment_result(found) if found is not None else None

    def _comment_result(self, view: Mapping[str, Any]) -> PublishResult:
        comment = view["comment"]
        return PublishResult(
            uri=str(comment.get("ap_id") or ""), cid=str(comment["id"])
        )

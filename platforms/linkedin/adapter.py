"""LinkedIn: connect with 3-legged OAuth, publish through the versioned REST Posts API.

Connecting: authorization code without PKCE, the client id and secret in the token form.
`GET /v2/userinfo` names the member (external_id = `sub`, author `urn:li:person:<sub>`). With
`LINKEDIN_ORGANIZATIONS=true` the organization scopes are requested too, and every organization
the member administers is connected as its own account (author `urn:li:organization:<id>`),
sharing the member's token.

Tokens last about 60 days. They are renewed when LinkedIn issued a refresh token (programmatic
refresh is granted to some partner apps); otherwise the lifecycle job sends `token.expiring` 7
days before and the member reconnects.

Exactly once: LinkedIn has no idempotency key. An unknown outcome is reconciled by reading the
author's last posts (`GET /rest/posts?q=author`) for our exact commentary; that read needs an
`r_` scope LinkedIn grants few apps, and without it `reconcile()` raises ReconcileUnsupported.

Thread items and first comments are comments on the post (`POST /rest/socialActions/{urn}/
comments`, platforms.comments), reconciled the same way from the post's comments: that read
needs `r_member_social` (or `r_organization_social`), so without it the outcome stays unknown.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import quote

from django.conf import settings

from letmepost.errors import PlatformAuthFailed, PlatformRejected, ValidationFailed
from platforms.base import (
    ConnectedAccount,
    Draft,
    PublishResult,
    ReconcileUnsupported,
    ReplyTo,
)
from platforms.comments import CommentThreads, earlier, post_id, the_one
from platforms.linkedin import PLATFORM_INFO
from platforms.linkedin import preflight as rules
from platforms.linkedin.client import REVOKED_CODES, LinkedInClient
from platforms.linkedin.media import check_shape, post_content
from platforms.oauth import (
    OAuthConfig,
    OAuthConnect,
    OAuthProvider,
    TokenSet,
    configured,
    token_credentials,
)
from platforms.reauth import answer, flag_if_revoked
from platforms.versions import pinned_label

logger = logging.getLogger("letmepost.platforms.linkedin")

MEMBER_SCOPES = ("openid", "profile", "w_member_social")
ORGANIZATION_SCOPES = ("w_organization_social", "r_organization_social")
RECENT_POSTS = 10
RECENT_COMMENTS = 100
# Little Text Format: these characters are markup in `commentary` unless escaped.
_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")


def commentary(text: str) -> str:
    return _RESERVED.sub(r"\\\1", text)


def _revoked(exc: PlatformAuthFailed) -> bool:
    return answer(exc).get("code") in REVOKED_CODES


def post_uri(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


def comment_uri(post: str, comment_urn: str) -> str:
    return f"{post_uri(post)}?commentUrn={quote(comment_urn, safe='')}"


def comment_result(post: str, comment: Mapping[str, Any]) -> PublishResult:
    """A comment as the engine stores it: `cid` its URN, `uri` the post opened at it."""
    urn = str(
        comment.get("commentUrn")
        or comment.get("$URN")
        or f"urn:li:comment:({post},{comment['id']})"
    )
    return PublishResult(uri=comment_uri(post, urn), cid=urn)


def media_count(post: Mapping[str, Any]) -> int:
    content = post.get("content") or {}
    if "multiImage" in content:
        return len(content["multiImage"].get("images") or [])
    return 1 if "media" in content else 0


def organization_accounts(
    client: LinkedInClient,
    urns: list[str],
    credentials: dict[str, Any],
    metadata: Mapping[str, Any],
) -> list[ConnectedAccount]:
    """One account per organization URN, posting as it (author `urn:li:organization:<id>`)
    with the member's token; `metadata` is added to each account's own."""
    found = []
    for urn in urns:
        details = client.organization(urn.rsplit(":", 1)[-1])
        found.append(
            ConnectedAccount(
                external_id=urn,
                display_name=str(details.get("localizedName") or urn),
                credentials=credentials,
                metadata={
                    "kind": "organization",
                    "authorUrn": urn,
                    "vanityName": str(details.get("vanityName") or ""),
                    **metadata,
                },
            )
        )
    return found


class LinkedInAdapter(OAuthConnect, CommentThreads):
    platform = PLATFORM_INFO
    client_class: ClassVar[type[LinkedInClient]] = LinkedInClient
    oauth_provider = OAuthProvider(
        authorize_url="https://www.linkedin.com/oauth/v2/authorization",
        token_url="https://www.linkedin.com/oauth/v2/accessToken",  # noqa: S106 - a URL
        scopes=MEMBER_SCOPES,
        pkce=False,
        revoke_url="https://www.linkedin.com/oauth/v2/revoke",
    )
    refresh_horizon = timedelta(days=7)

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def oauth_config(
        cls, context: Mapping[str, Any], *, redirect_uri: str
    ) -> OAuthConfig:
        assert cls.oauth_provider is not None
        config = configured(cls.slug, cls.oauth_provider)
        if settings.LINKEDIN_ORGANIZATIONS:
            config = replace(config, scopes=MEMBER_SCOPES + ORGANIZATION_SCOPES)
        return config

    @classmethod
    def connect_with_token(
        cls, token: TokenSet, context: Mapping[str, Any]
    ) -> list[ConnectedAccount]:
        client = LinkedInClient(token.access_token, version=pinned_label(cls.slug))
        me = client.userinfo()
        sub = str(me["sub"])
        name = str(
            me.get("name")
            or " ".join(filter(None, (me.get("given_name"), me.get("family_name"))))
            or sub
        )
        scopes = (token.scope or "").replace(",", " ").split()
        credentials = token_credentials(token)
        refresh_expires = token.raw.get("refresh_token_expires_in")
        if isinstance(refresh_expires, int):
            credentials["refreshTokenExpiresIn"] = refresh_expires
        accounts = [
            ConnectedAccount(
                external_id=sub,
                display_name=name,
                credentials=credentials,
                metadata={
                    "kind": "person",
                    "authorUrn": f"urn:li:person:{sub}",
                    "picture": str(me.get("picture") or ""),
                    "grantedScopes": scopes,
                },
            )
        ]
        if "w_organization_social" in scopes:
            accounts += cls._organizations(client, credentials, sub, scopes)
        return accounts

    @classmethod
    def _organizations(
        cls,
        client: LinkedInClient,
        credentials: dict[str, Any],
        sub: str,
        scopes: list[str],
    ) -> list[ConnectedAccount]:
        try:
            urns = client.administered_organizations()
        except (PlatformAuthFailed, PlatformRejected) as exc:
            # The member still connects; their Pages need the app's organization access.
            logger.warning("LinkedIn organization list refused: %s", exc.code)
            return []
        return organization_accounts(
            client,
            urns,
            credentials,
            {"administratorSub": sub, "grantedScopes": scopes},
        )

    # --- preflight ----------------------------------------------------------------------------

    def author_urn(self) -> str:
        urn = self.account.metadata.get("authorUrn")
        return str(urn) if urn else f"urn:li:person:{self.account.external_id}"

    def account_limits(self) -> dict[str, Any]:
        """The author the rules check, and whether this account may post as an organization."""
        return {
            "author_urn": self.author_urn(),
            "organization_posting": self.account.metadata.get("kind") == "organization",
        }

    # --- publishing -------------------------------------------------------------------------

    def _client(self) -> LinkedInClient:
        return self.client_class(
            str(self.account.credentials.get("accessToken") or ""),
            version=self.platform_version,
        )

    def visibility(self, draft: Draft) -> str:
        """Who may see the post: options.visibility, PUBLIC by default."""
        visibility = (draft.options or {}).get("visibility") or rules.DEFAULT_VISIBILITY
        if visibility not in rules.VISIBILITIES:
            raise ValidationFailed(
                f"options.visibility must be one of {', '.join(rules.VISIBILITIES)}.",
                rule=rules.VISIBILITY_ENUM.id,
            )
        return str(visibility)

    def publish(self, draft: Draft) -> PublishResult:
        visibility = self.visibility(draft)
        check_shape(draft.media, self.slug)
        client = self._client()
        author = self.author_urn()
        with flag_if_revoked(self.account, _revoked):
            body: dict[str, Any] = {
                "author": author,
                "commentary": commentary(draft.text),
                "visibility": visibility,
                "distribution": {
                    "feedDistribution": "MAIN_FEED",
                    "targetEntities": [],
                    "thirdPartyDistributionChannels": [],
                },
                "lifecycleState": "PUBLISHED",
                "isReshareDisabledByAuthor": False,
            }
            if content := post_content(client, author, draft.media, draft.options):
                body["content"] = content
            urn = client.create_post(body)
        return PublishResult(uri=post_uri(urn), cid=urn)

    def reconcile(self, draft: Draft) -> PublishResult | None:
        """Our post among the author's last posts, None if certainly absent."""
        try:
            page = self._client().author_posts(self.author_urn(), RECENT_POSTS)
        except PlatformAuthFailed:
            # Reading posts back needs an r_ scope this app may not have.
            raise ReconcileUnsupported(self.slug) from None
        posts = page.get("elements") or []
        wanted = commentary(draft.text)
        for post in posts:
            if post.get("commentary") == wanted and media_count(post) == len(
                draft.media
            ):
                return PublishResult(uri=post_uri(str(post["id"])), cid=str(post["id"]))
        if len(posts) >= RECENT_POSTS:
            raise ReconcileUnsupported(self.slug)  # more posts since than we looked at
        return None

    # --- comments: thread items and first comments --------------------------------------------

    def publish_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult:
        """A comment on the first post as the post's author (`actor`), in plain text: the
        Comments API reads `message.text` as written, not as Little Text Format."""
        post = post_id(reply_to, self.slug)
        with flag_if_revoked(self.account, _revoked):
            comment = self._client().create_comment(post, self.author_urn(), draft.text)
        return comment_result(post, comment)

    def reconcile_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult | None:
        """Our comment among the post's comments: the author's, with exactly this text."""
        post = post_id(reply_to, self.slug)
        try:
            page = self._client().comments(post, RECENT_COMMENTS)
        except PlatformAuthFailed:
            # Reading comments needs r_member_social (or r_organization_social for Pages).
            raise ReconcileUnsupported(self.slug) from None
        elements = page.get("elements") or []
        known = earlier(reply_to)
        matches = [
            c
            for c in elements
            if c.get("actor") == self.author_urn()
            and (c.get("message") or {}).get("text") == draft.text
            and str(c.get("commentUrn") or c.get("$URN") or "") not in known
        ]
        total = (page.get("paging") or {}).get("total")
        complete = (
            total <= len(elements)
            if isinstance(total, int)
            else len(elements) < RECENT_COMMENTS
        )
        found = the_one(matches, complete=complete, slug=self.slug)
        return comment_result(post, found) if found is not None else None

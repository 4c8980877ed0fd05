"""Tumblr (API v2): connect a blog with OAuth 2, publish NPF posts.

Connecting: the OAuth 2 code flow (no PKCE in Tumblr's docs; the client id and secret go in the
token request's form), scopes `basic write offline_access`, so a refresh token comes back. Access
tokens live 42 minutes and are refreshed before they expire; a refresh answer carries a new
refresh token. `GET /user/info` lists the blogs the user may post to; the account is one blog:
the user's primary blog (the others are kept in `metadata.blogs`). One authorization connects one
blog because every refresh replaces the refresh token: two accounts holding the same one would
lock each other out.

Publishing: one `POST /v2/blog/{blog}/posts` in the Neue Post Format: a text block per line of
the text, an image block per image (each image, stored or downloaded from its URL, sent as a
part of a multipart request named by the block's `identifier`), then a link block for
options.link;
tags, state (published, draft, queue, private) and source_url as given.

Exactly once: Tumblr takes no idempotency key, and a post has no hidden field to carry a marker
(the `slug` is the visible permalink), so `reconcile()` cannot look a post up:
ReconcileUnsupported, and a lost answer is reported as `publish.outcome_unknown`, never re-sent.
Threads and first comments are refused in preflight: the API has no replies (a reblog is a new
post on another blog).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from letmepost.errors import PlatformAuthFailed, PlatformRejected
from platforms.attachments import Attachment, read_attachment
from platforms.base import (
    ConnectedAccount,
    Draft,
    MediaItem,
    PlatformAdapter,
    PublishResult,
    option,
)
from platforms.oauth import (
    OAuthConnect,
    OAuthProvider,
    TokenSet,
    access_token,
    token_credentials,
)
from platforms.preflight.text import comma_list
from platforms.reauth import answer, flag_if_revoked
from platforms.tumblr import PLATFORM_INFO
from platforms.tumblr.client import DEFAULT_BASE, PLATFORM, TumblrClient
from platforms.tumblr.preflight import MAX_IMAGE_BYTES, paragraphs
from platforms.versions import pinned_label

SCOPES = ("basic", "write", "offline_access")
POST_URL = "{blog}post/{id}"


def _revoked(exc: PlatformAuthFailed) -> bool:
    # 401: the token is no longer valid (the engine refreshes it before it expires). A 403
    # without a subcode (a missing scope) is an auth failure too, but does not flag the account.
    return (answer(exc).get("meta") or {}).get("status") == 401


def primary_blog(user: Mapping[str, Any]) -> dict[str, Any]:
    """The user's primary blog, else the first one they may post to."""
    blogs = [
        b for b in user.get("blogs") or [] if isinstance(b, dict) and b.get("name")
    ]
    if not blogs:
        raise PlatformRejected(
            "This Tumblr user has no blog to post to.",
            status=400,
            platform=PLATFORM,
            platform_version=pinned_label(PLATFORM),
            remediation="Create a blog on Tumblr, then connect again.",
        )
    return next((b for b in blogs if b.get("primary")), blogs[0])


class TumblrAdapter(OAuthConnect, PlatformAdapter):
    platform = PLATFORM_INFO
    oauth_provider = OAuthProvider(
        authorize_url="https://www.tumblr.com/oauth2/authorize",
        token_url=f"{DEFAULT_BASE}/oauth2/token",
        scopes=SCOPES,
        pkce=False,
        api_base=DEFAULT_BASE,
    )

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def connect_with_token(
        cls, token: TokenSet, context: Mapping[str, Any]
    ) -> ConnectedAccount:
        with TumblrClient(token.access_token, version=pinned_label(cls.slug)) as client:
            user = client.user_info()
        blog = primary_blog(user)
        identifier = str(blog.get("uuid") or blog["name"])
        return ConnectedAccount(
            external_id=identifier,
            display_name=str(blog["name"]),
            credentials=token_credentials(token),
            metadata={
                "blog": identifier,
                "blogName": blog["name"],
                "blogUrl": blog.get("url", ""),
                "username": user.get("name", ""),
                "blogs": [b["name"] for b in user.get("blogs") or [] if b.get("name")],
            },
        )

    # --- publishing -------------------------------------------------------------------------

    def client(self) -> TumblrClient:
        return TumblrClient(access_token(self.account), version=self.platform_version)

    def publish(self, draft: Draft) -> PublishResult:
        body, files = self.post(draft)
        blog = str(self.account.metadata["blog"])
        with self.client() as client, flag_if_revoked(self.account, _revoked):
            created = client.create_post(blog, body, files)
        post_id = str(created.get("id_string") or created["id"])
        base = str(self.account.metadata.get("blogUrl") or "")
        uri = POST_URL.format(blog=base.rstrip("/") + "/", id=post_id) if base else None
        return PublishResult(uri=uri, cid=post_id)

    def post(self, draft: Draft) -> tuple[dict[str, Any], dict[str, Attachment]]:
        """The NPF request body, and the uploads it names by identifier."""
        options = draft.options or {}
        content: list[dict[str, Any]] = [
            {"type": "text", "text": line} for line in paragraphs(draft.text)
        ]
        files: dict[str, Attachment] = {}
        for i, item in enumerate(draft.media):
            block, files[f"media{i}"] = self.image_block(item, i)
            content.append(block)
        if link := option(options, "link"):
            content.append({"type": "link", "url": str(link)})
        body: dict[str, Any] = {"content": content}
        if tags := comma_list(options.get("tags")):
            body["tags"] = ",".join(tags)
        for key in ("state", "source_url"):
            if value := option(options, key):
                body[key] = str(value)
        return body, files

    def image_block(
        self, item: MediaItem, index: int
    ) -> tuple[dict[str, Any], Attachment]:
        """An image block whose media is uploaded in the same request (NPF "User Uploaded
        Media"): a URL is downloaded first, since the docs do not say Tumblr fetches others'."""
        file = read_attachment(
            item, platform=PLATFORM, max_bytes=MAX_IMAGE_BYTES, index=index
        )
        media: dict[str, Any] = {
            "type": file.content_type,
            "identifier": f"media{index}",
        }
        if item.width and item.height:
            media |= {"width": item.width, "height": item.height}
        block: dict[str, Any] = {"type": "image", "media": [media]}
        if item.alt_text:
            block["alt_text"] = item.alt_text
        return block, file

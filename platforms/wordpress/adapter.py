"""WordPress (self-hosted): connect a site with a username and an application password; publish
posts through the REST API (`/wp/v2`).

Connecting: the site address is user input, so it is https only (http where private URLs are
allowed) and every connection goes through the SSRF-guarded session. The REST root is read from
the site's `Link: rel="https://api.w.org/"` header (kept only when it is on the same origin: the
credentials travel to it), then `GET /wp/v2/users/me?context=edit` proves the application
password and names the user. The password is stored encrypted with the account's credentials.

Publishing: categories and tags given by name are looked up (`GET /wp/v2/<taxonomy>?search=`)
and created when missing; an image is uploaded (`POST /wp/v2/media`, the file as the body) and
becomes `featured_media`; then one `POST /wp/v2/posts` with the text as HTML (platforms.wordpress
.html).

Exactly once: WordPress takes no idempotency key, and a marker in post meta is not writable over
REST unless a plugin registers it. The slug is: every post is sent with a slug derived from the
target's idempotency token (`<title>-<12 hex digits>`), so a lost answer is reconciled with
`GET /wp/v2/posts?slug=…&status=any` (drafts and scheduled posts included): one post is ours,
none means it did not land.

Thread items and first comments are comments on the post (`POST /wp/v2/comments`), reconciled
from the user's comments on the post (platforms.comments.the_one).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import UTC
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

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
from platforms.reauth import answer, flag_if_revoked
from platforms.versions import pinned_label
from platforms.wordpress import PLATFORM_INFO
from platforms.wordpress.client import PLATFORM, WordPressClient, discover_api_root
from platforms.wordpress.html import to_html

T = TypeVar("T")
MAX_IMAGE_BYTES = (
    64 * 1024 * 1024
)  # the site's upload_max_filesize is usually far smaller
SLUG_TITLE_CHARS = (
    60  # WordPress allows 200; the rest of the title is not needed to be unique
)
SLUG_TOKEN_CHARS = 12
RECENT_COMMENTS = 50
TAXONOMIES = {"categories": "categories", "tags": "tags"}  # option → REST collection


def site_url(value: Any) -> str:
    """`example.com/blog/`, `https://Example.com/blog` → `https://example.com/blog`: an
    address where WordPress may live in a folder, so its path is kept."""
    origin = server_url(
        value,
        server="a WordPress site",
        example="https://example.com",
        carried="the application password",
    )
    raw = value.strip() if isinstance(value, str) else ""
    path = urlsplit(raw if "://" in raw else f"https://{raw}").path.rstrip("/")
    return origin + path


def same_origin(url: str, site: str) -> bool:
    a, b = urlsplit(url), urlsplit(site)
    return (a.scheme, a.netloc.lower()) == (b.scheme, b.netloc.lower())


def post_slug(title: str, token: str) -> str:
    """The slug our post is sent with, the same on every attempt of one target."""
    digest = hashlib.sha256(token.encode()).hexdigest()[:SLUG_TOKEN_CHARS]
    words = slugify(title)[:SLUG_TITLE_CHARS].strip("-") or "post"
    return f"{words}-{digest}"


def revoked(exc: PlatformAuthFailed) -> bool:
    """A 401 means the application password no longer works; a 403 is the user's role."""
    data = answer(exc).get("data")
    return isinstance(data, dict) and data.get("status") == 401


class WordPressAdapter(SessionComments[WordPressClient]):
    platform = PLATFORM_INFO
    connect_kind = "credentials"
    credential_fields = (
        CredentialField(
            "instanceUrl", "Site address", type="url", placeholder="https://example.com"
        ),
        CredentialField("username", "Username", placeholder="alice"),
        CredentialField(
            "appPassword",
            "Application password",
            type="password",
            placeholder="xxxx xxxx xxxx xxxx xxxx xxxx",
        ),
    )

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def connect_with_credentials(cls, payload: dict[str, Any]) -> ConnectedAccount:
        site = site_url(option(payload, "instance_url"))
        username = str(option(payload, "username") or "").strip()
        password = option(payload, "app_password")
        if not username or not isinstance(password, str) or not password.strip():
            raise ValidationFailed(
                "username and appPassword are required.",
                rule="username" if not username else "appPassword",
                remediation="Send the WordPress username and an application password "
                "(Users → Profile → Application Passwords).",
            )
        version = pinned_label(cls.slug)
        root = f"{site}/wp-json/"
        with WordPressClient(
            site, api_root=root, username=username, password=password, version=version
        ) as client:
            home = client.send("HEAD", f"{site}/", allow_redirects=True)
            if same_origin(found := discover_api_root(home, site), site):
                client.api_root = root = found
            user = client.me()
        if not (user.get("capabilities") or {}).get("edit_posts"):
            raise PlatformAuthFailed(
                f"{user.get('username') or username} may not write posts on {site}.",
                platform=PLATFORM,
                remediation="Use an Author, Editor or Administrator account.",
            )
        host = urlsplit(site).netloc + urlsplit(site).path
        login = str(user.get("username") or username)
        return ConnectedAccount(
            external_id=f"{user['id']}@{host}",
            # login@site: the Postiz importer matches a channel's `profile` by the login.
            display_name=f"{login}@{host}",
            credentials={"username": username, "appPassword": password},
            metadata={
                "instanceUrl": site,
                "apiRoot": root,
                "userId": user["id"],
                "username": login,
                "name": user.get("name") or login,
                "avatarUrl": (user.get("avatar_urls") or {}).get("96", ""),
            },
        )

    # --- the session ------------------------------------------------------------------------

    def _client(self) -> WordPressClient:
        meta, credentials = self.account.metadata, self.account.credentials
        return WordPressClient(
            meta["instanceUrl"],
            api_root=meta["apiRoot"],
            username=credentials["username"],
            password=credentials["appPassword"],
            version=self.platform_version,
        )

    def _authed(self, call: Callable[[WordPressClient], T]) -> T:
        with flag_if_revoked(self.account, revoked), self._client() as client:
            return call(client)

    # --- publishing -------------------------------------------------------------------------

    def _publish(self, client: WordPressClient, draft: Draft) -> PublishResult:
        options = draft.options or {}
        title = str(option(options, "title")).strip()
        status = str(option(options, "status") or "publish")
        payload: dict[str, Any] = {
            "title": title,
            "content": to_html(draft.text or ""),
            "status": status,
            "slug": post_slug(title, draft.idempotency_token),
        }
        if status == "future" and (
            when := parse_datetime(str(option(options, "date")))
        ):
            payload["date_gmt"] = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        if excerpt := option(options, "excerpt"):
            payload["excerpt"] = str(excerpt)
        for name, collection in TAXONOMIES.items():
            if terms := option(options, name):
                payload[name] = [self._term_id(client, collection, t) for t in terms]
        if draft.media:
            item = draft.media[0]
            file = read_attachment(
                item, platform=PLATFORM, max_bytes=MAX_IMAGE_BYTES, index=0
            )
            payload["featured_media"] = client.upload_media(
                data=file.data,
                content_type=file.content_type,
                name=file.name,
                alt_text=item.alt_text,
            )
        return self._result(client.create_post(payload))

    @staticmethod
    def _term_id(client: WordPressClient, collection: str, term: Any) -> int:
        """A term id as given, or the id of the term by that name (created when missing)."""
        if isinstance(term, int) or (isinstance(term, str) and term.isdigit()):
            return int(term)
        name = str(term).strip()
        found = client.find_term(collection, name)
        return found if found is not None else client.create_term(collection, name)

    @staticmethod
    def _result(post: Mapping[str, Any]) -> PublishResult:
        return PublishResult(uri=str(post.get("link") or ""), cid=str(post["id"]))

    def reconcile(self, draft: Draft) -> PublishResult | None:
        """Our post is the one with the target's slug (see the module doc)."""
        title = str(option(draft.options or {}, "title")).strip()
        slug = post_slug(title, draft.idempotency_token)
        posts = self._authed(lambda client: client.posts_by_slug(slug))
        if len(posts) > 1:  # only someone editing slugs by hand could cause this
            raise ReconcileUnsupported(self.slug)
        return self._result(posts[0]) if posts else None

    # --- comments: thread items and first comments --------------------------------------------

    def reconcile_reply(self, draft: Draft, reply_to: ReplyTo) -> PublishResult | None:
        """Our comment among the user's newest on the post, with exactly this text."""
        post, me = (
            int(post_id(reply_to, self.slug)),
            int(self.account.metadata["userId"]),
        )
        found = self._authed(lambda client: client.comments(post, me, RECENT_COMMENTS))
        known = earlier(reply_to)
        matches = [
            c
            for c in found
            if str((c.get("content") or {}).get("raw", "")).strip()
            == draft.text.strip()
            and str(c["id"]) not in known
        ]
        one = the_one(matches, complete=len(found) < RECENT_COMMENTS, slug=self.slug)
        return self._comment_result(one) if one is not None else None

    @staticmethod
    def _comment_result(comment: Mapping[str, Any]) -> PublishResult:
        return PublishResult(uri=str(comment.get("link") or ""), cid=str(comment["id"]))

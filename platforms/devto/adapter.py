"""DEV (Forem API v1): connect with an API key, publish articles.

Connecting: the API key from DEV's Settings → Extensions (or any Forem instance's, with its
address in `instanceUrl`), checked with `GET /api/users/me`; stored encrypted like every
credential. Forem's API has no OAuth for third parties, and the key never expires: a 401 means it
was revoked, and the account is flagged for reconnecting.

Publishing: one `POST /api/articles` with the title (options.title), the text as
`body_markdown`, up to four lowercased tags, and the optional canonical URL, series, cover image
(a URL: the API uploads no media) and description; `published` defaults to true.

Exactly once: Forem takes no idempotency key, and no field of an article can carry a marker
without showing it (the description is the feed excerpt, the canonical URL is printed as
"Originally published at", and the listing has no body). So an unknown outcome is reconciled
from `GET /api/articles/me/all`: one article with exactly our title, created since the target's
first attempt, is the post; none in a complete listing means it did not land; two (or none in a
truncated listing) cannot be told apart, and the engine reports `publish.outcome_unknown`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils.dateparse import parse_datetime

from letmepost.errors import PlatformAuthFailed, ValidationFailed
from platforms.base import (
    ConnectedAccount,
    CredentialField,
    Draft,
    PlatformAdapter,
    PublishResult,
    option,
)
from platforms.comments import the_one
from platforms.devto import PLATFORM_INFO
from platforms.devto.client import DEFAULT_INSTANCE, ForemClient
from platforms.http import server_url
from platforms.preflight.text import comma_list
from platforms.reauth import flag_if_revoked
from platforms.versions import pinned_label

RECENT_ARTICLES = (
    100  # what reconcile reads: unpublished ones come first, then the newest
)
CLOCK_SKEW = timedelta(minutes=5)
TEXT_OPTIONS = ("series", "main_image", "canonical_url", "description")


def _revoked(exc: PlatformAuthFailed) -> bool:
    return True  # Forem answers 401 only for a missing or revoked key


def instance_url(value: Any) -> str:
    """The Forem instance: DEV unless another address is given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_INSTANCE
    return server_url(
        value,
        server="a Forem instance",
        example=DEFAULT_INSTANCE,
        carried="the API key",
    )


class DevtoAdapter(PlatformAdapter):
    platform = PLATFORM_INFO
    connect_kind = "credentials"
    credential_fields = (
        CredentialField("apiKey", "API key", type="password"),
        CredentialField(
            "instanceUrl",
            "Forem instance (leave empty for DEV)",
            type="url",
            required=False,
            placeholder=DEFAULT_INSTANCE,
        ),
    )

    # --- connecting -------------------------------------------------------------------------

    @classmethod
    def connect_with_credentials(cls, payload: dict[str, Any]) -> ConnectedAccount:
        key = option(payload, "api_key")
        if not isinstance(key, str) or not key.strip():
            raise ValidationFailed(
                "apiKey is required.",
                rule="apiKey",
                remediation="Generate a key in DEV's Settings → Extensions and send it as "
                "apiKey.",
            )
        base = instance_url(option(payload, "instance_url"))
        with ForemClient(base, key.strip(), version=pinned_label(cls.slug)) as client:
            me = client.me()
        if not me.get("id"):
            raise PlatformAuthFailed(
                f"{base} did not say whose key this is.",
                **client.fields(platform_response=me),
                remediation="Check the instance address; it must run Forem (API v1).",
            )
        return ConnectedAccount(
            external_id=f"{me['id']}@{base.split('://', 1)[1]}",
            display_name=f"@{me.get('username') or me['id']}",
            credentials={"apiKey": key.strip()},
            metadata={
                "instanceUrl": base,
                "userId": me["id"],
                "username": me.get("username", ""),
            },
        )

    # --- publishing -------------------------------------------------------------------------

    def client(self) -> ForemClient:
        return ForemClient(
            self.account.metadata.get("instanceUrl") or DEFAULT_INSTANCE,
            str(self.account.credentials.get("apiKey", "")),
            version=self.platform_version,
        )

    def article(self, draft: Draft) -> dict[str, Any]:
        """The `article` object of `createArticle`, from the draft."""
        options = draft.options or {}
        published = option(options, "published")
        article: dict[str, Any] = {
            "title": str(option(options, "title")).strip(),
            "body_markdown": draft.text,
            "published": True if published is None else bool(published),
        }
        if tags := comma_list(options.get("tags")):
            article["tags"] = ",".join(tag.lower() for tag in tags)
        for key in TEXT_OPTIONS:
            if value := option(options, key):
                article[key] = str(value)
        return article

    def publish(self, draft: Draft) -> PublishResult:
        with self.client() as client, flag_if_revoked(self.account, _revoked):
            return self.result(client.create_article(self.article(draft)))

    def result(self, article: dict[str, Any]) -> PublishResult:
        return PublishResult(uri=str(article.get("url") or ""), cid=str(article["id"]))

    def reconcile(self, draft: Draft) -> PublishResult | None:
        """Our article among the account's newest (see the module doc)."""
        first = draft.history.first_attempt_at()
        if first is None:
            return None  # never sent
        since, title = first - CLOCK_SKEW, self.article(draft)["title"]
        with self.client() as client, flag_if_revoked(self.account, _revoked):
            articles = client.my_articles(RECENT_ARTICLES)
        matches = [
            a
            for a in articles
            if a.get("title") == title
            and (created := parse_datetime(str(a.get("created_at") or ""))) is not None
            and created >= since
        ]
        found = the_one(
            matches, complete=len(articles) < RECENT_ARTICLES, slug=self.slug
        )
        return self.result(found) if found is not None else None

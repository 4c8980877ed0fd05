"""Meta's OAuth dialogs, and connecting and refreshing an Instagram or Threads account: the same
flow on two Graph hosts.

The authorization code's short-lived token is swapped at once for a 60-day one
(`<ig|th>_exchange_token`), `GET /me` describes the account, and the token is renewed
(`<ig|th>_refresh_token`) 7 days before it expires. Rule ids are `<slug>.oauth.*`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from letmepost.errors import LetmepostError, PlatformRejected
from platforms.base import ConnectedAccount
from platforms.meta.client import GraphClient
from platforms.meta.host import GraphHost
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
    redirect_uri_for,
)


def dialog(
    authorize_url: str, token_url: str, scopes: tuple[str, ...]
) -> OAuthProvider:
    """A Meta login dialog (Facebook, Instagram, Threads): comma-separated scopes, no PKCE."""
    return OAuthProvider(
        authorize_url, token_url, scopes, scope_delimiter=",", pkce=False
    )


class LongLivedLogin(OAuthConnect):
    """Mixin: the adapter names its host, grant prefix and `/me` fields, and says in
    `describe` what the account is called and keeps (or refuses it)."""

    slug: ClassVar[str]
    graph_host: ClassVar[GraphHost]
    grant_prefix: ClassVar[str]  # "ig" | "th"
    me_fields: ClassVar[str]
    me_what: ClassVar[str] = "describe the account"
    refresh_horizon = timedelta(days=7)

    @classmethod
    def describe(
        cls, client: GraphClient, me: dict[str, Any], token: TokenSet
    ) -> tuple[str, dict[str, Any]]:
        """The display name and metadata of the account `GET /me` answered with."""
        raise NotImplementedError

    @classmethod
    def connect_with_token(
        cls, token: TokenSet, context: Mapping[str, Any]
    ) -> ConnectedAccount:
        secret = cls.oauth_config(
            {}, redirect_uri=redirect_uri_for(cls.slug)
        ).client_secret
        long_lived = exchange_long_lived(
            cls.graph_host(secrets=(secret, token.access_token)),
            grant_type=f"{cls.grant_prefix}_exchange_token",
            client_secret=secret,
            short_token=token.access_token,
            rule=f"{cls.slug}.oauth.long_lived_exchange",
        )
        client = cls.graph_host(long_lived.access_token)
        me_rule = f"{cls.slug}.oauth.me_lookup"
        try:
            me = client.get("me", {"fields": cls.me_fields})
        except LetmepostError as exc:
            as_account_error(exc, client, me_rule, cls.me_what)
            raise
        if not me.get("id"):
            as_account_error(
                PlatformRejected(
                    "GET /me answered without an id.", platform_response=me
                ),
                client,
                me_rule,
                cls.me_what,
            )
        display_name, metadata = cls.describe(client, me, token)
        return ConnectedAccount(
            external_id=str(me["id"]),
            display_name=display_name,
            credentials={"accessToken": long_lived.access_token},
            metadata=metadata,
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
            cls.graph_host(secrets=(current,)),
            grant_type=f"{cls.grant_prefix}_refresh_token",
            token=current,
            rule=f"{cls.slug}.oauth.refresh",
        )
        return RefreshedToken(
            credentials={**account.credentials, "accessToken": renewed.access_token},
            expires_at=renewed.expires_at,
        )

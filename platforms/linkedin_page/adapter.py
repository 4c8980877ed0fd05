"""LinkedIn Pages: connect the organizations a member administers, publish as each of them.

The member signs in to the same LinkedIn app as personal posts (`LINKEDIN_CLIENT_ID`, unless
`LINKEDIN_PAGE_CLIENT_ID` names another) and grants the Community Management scopes; every
organization they are an approved ADMINISTRATOR of (`GET /rest/organizationAcls?q=roleAssignee`)
becomes its own account, author `urn:li:organization:<id>`, holding the member's token. None is
refused (`linkedin_page.organizations.none`).

Everything else is the personal adapter's (platforms.linkedin.adapter): `POST /rest/posts` with
the same pinned `LinkedIn-Version`, images, video and documents through the same upload paths,
first comments and thread items as comments by the organization, and the same reconciliation,
which reads the organization's posts with `r_organization_social` (requested here). Posts are always PUBLIC:
CONNECTIONS is a member's audience.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

from letmepost.errors import PlatformRejected
from platforms.base import ConnectedAccount, Draft
from platforms.linkedin.adapter import LinkedInAdapter, organization_accounts
from platforms.linkedin.client import LinkedInClient
from platforms.linkedin_page import PLATFORM_INFO
from platforms.linkedin_page import preflight as rules
from platforms.oauth import (
    OAuthConfig,
    TokenSet,
    configured,
    token_credentials,
)
from platforms.versions import pinned_label

# Community Management API: post and read as the organization, and list the member's roles.
SCOPES = ("w_organization_social", "r_organization_social", "rw_organization_admin")


class LinkedInPageClient(LinkedInClient):
    """The personal client, answering for `linkedin_page` (errors, `LINKEDIN_PAGE_API_BASE`)."""

    platform = PLATFORM_INFO.slug
    name = PLATFORM_INFO.name


class LinkedInPageAdapter(LinkedInAdapter):
    platform = PLATFORM_INFO
    client_class: ClassVar[type[LinkedInClient]] = LinkedInPageClient
    oauth_provider = replace(LinkedInAdapter.oauth_provider, scopes=SCOPES)

    @classmethod
    def oauth_config(
        cls, context: Mapping[str, Any], *, redirect_uri: str
    ) -> OAuthConfig:
        """Always this platform's scopes (never the personal adapter's member scopes)."""
        return configured(cls.slug, cls.oauth_provider)

    @classmethod
    def connect_with_token(
        cls, token: TokenSet, context: Mapping[str, Any]
    ) -> list[ConnectedAccount]:
        version = pinned_label(cls.slug)
        client = LinkedInPageClient(token.access_token, version=version)
        urns = client.administered_organizations()
        if not urns:
            raise PlatformRejected(
                "The LinkedIn member administers no organization Page.",
                status=400,
                platform=cls.slug,
                platform_version=version,
                rule=rules.ORGANIZATIONS_NONE.id,
                remediation=rules.ORGANIZATIONS_NONE.remediation,
            )
        scopes = (token.scope or "").replace(",", " ").split()
        credentials = token_credentials(token)
        return organization_accounts(
            client, urns, credentials, {"grantedScopes": scopes}
        )

    def author_urn(self) -> str:
        urn = self.account.metadata.get("authorUrn")
        return str(urn) if urn else self.account.external_id

    def account_limits(self) -> dict[str, Any]:
        return {"author_urn": self.author_urn()}

    def visibility(self, draft: Draft) -> str:
        return "PUBLIC"

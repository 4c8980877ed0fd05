"""Which Graph host a Meta platform talks to, as one value: `graph = GraphHost(...)`."""

from __future__ import annotations

from dataclasses import dataclass

from platforms.meta.client import GraphClient, pinned_path
from platforms.meta.errors import GraphRules
from platforms.oauth import api_base
from platforms.versions import pinned_label


@dataclass(frozen=True)
class GraphHost:
    """One platform's Graph host: its documented base URL, its declared version and how its
    errors map to rule ids. Called, it is a client for one token (or none, for exchanges)."""

    platform: str
    default_api: str
    default_version: str
    rules: GraphRules | None = None

    def __call__(
        self, token: str | None = None, *, secrets: tuple[str, ...] = ()
    ) -> GraphClient:
        return GraphClient(
            api_base(self.platform, self.default_api),
            version=pinned_path(self.platform, self.default_version),
            platform=self.platform,
            label=pinned_label(self.platform),
            token=token,
            rules=self.rules,
            secrets=secrets,
        )

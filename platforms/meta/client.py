"""One Graph host (graph.facebook.com, graph.instagram.com, graph.threads.net) over our one
HTTP session.

Parameters travel as Meta documents them: the query string for GET, a form body for POST, the
token as `access_token` in either. Tokens and app secrets never reach an error message: they are
blanked out of every failure text before it is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from letmepost.errors import LetmepostError, PublishOutcomeUnknown
from platforms.meta.errors import GraphRules, classify_graph_error, graph_detail
from platforms.models import PlatformVersion
from platforms.upstream import Failure, UpstreamClient


def pinned_path(platform: str, default: str) -> str:
    """The version path segment (`v23.0`) the registry pins `platform` to (spec D12)."""
    pin = (
        PlatformVersion.objects.filter(platform=platform)
        .values_list("current_pin", flat=True)
        .first()
    )
    return pin or default


class GraphClient(UpstreamClient):
    """Calls to one Graph host as one token (or none, for token exchanges)."""

    unreachable_remediation = (
        "letmepost retries; check the platform's status page if it persists."
    )

    def __init__(
        self,
        base: str,
        *,
        version: str,
        platform: str,
        label: str,
        token: str | None = None,
        rules: GraphRules | None = None,
        secrets: tuple[str, ...] = (),
    ) -> None:
        super().__init__(version=label, secrets=(token, *secrets))
        self.platform = self.name = platform  # one class for three hosts
        self.base = base.rstrip("/")
        self.path_version = version
        self.token = token
        self.rules = rules or GraphRules()

    def url(self, path: str, *, versioned: bool = True) -> str:
        prefix = f"/{self.path_version}" if versioned and self.path_version else ""
        return f"{self.base}{prefix}/{path.lstrip('/')}"

    def get(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        versioned: bool = True,
    ) -> dict[str, Any]:
        return self.call("GET", path, params=params, versioned=versioned)

    def post(
        self, path: str, data: Mapping[str, Any], *, write: bool = False
    ) -> dict[str, Any]:
        """POST a form; `write` marks the one call that can create the post."""
        return self.call("POST", path, data=data, write=write)

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        write: bool = False,
        versioned: bool = True,
    ) -> dict[str, Any]:
        """One Graph call: the answer's JSON object, or the mapped error."""
        what = f"{method} /{path.lstrip('/')}"
        auth = {"access_token": self.token} if self.token else {}
        query = {**(params or {}), **(auth if method == "GET" else {})}
        form = {**(data or {}), **auth} if method != "GET" else None
        response = self.send(
            method,
            self.url(path, versioned=versioned),
            what=what,
            write=write,
            params=query or None,
            data=form,
            headers={"Accept": "application/json"},
        )
        body = self.read(response)
        if response.ok and isinstance(body, dict) and "error" not in body:
            return body
        if (
            response.ok and write
        ):  # accepted, but no readable answer: it may have posted
            raise PublishOutcomeUnknown(
                f"{what} answered {response.status_code} without a JSON object.",
                **self.fields(platform_response=body),
            )
        raise self.error_for(response, what, write=write)

    def detail(self, body: Any) -> str:
        return graph_detail(body)

    def classify(self, failure: Failure) -> LetmepostError:
        return classify_graph_error(failure, self.rules)

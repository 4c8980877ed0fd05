"""One Graph host (graph.facebook.com, graph.instagram.com, graph.threads.net) over our one
HTTP session.

Parameters travel as Meta documents them: the query string for GET, a form body for POST, the
token as `access_token` in either. Tokens and app secrets never reach an error message: they are
blanked out of every failure text before it is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from letmepost.errors import PlatformUnavailable, PublishOutcomeUnknown
from platforms import http as platform_http
from platforms.meta.errors import GraphRules, map_graph_error
from platforms.models import PlatformVersion
from platforms.upstream import body_of, never_sent

REDACTED = "[redacted]"


def pinned_path(platform: str, default: str) -> str:
    """The version path segment (`v23.0`) the registry pins `platform` to (spec D12)."""
    pin = (
        PlatformVersion.objects.filter(platform=platform)
        .values_list("current_pin", flat=True)
        .first()
    )
    return pin or default


class GraphClient:
    """Calls to one Graph host as one token (or none, for token exchanges)."""

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
        self.base = base.rstrip("/")
        self.version = version
        self.platform = platform
        self.label = label
        self.token = token
        self.rules = rules or GraphRules()
        self._secrets = tuple(s for s in (token, *secrets) if s)
        self.http = platform_http.session()

    def fields(self, **extra: Any) -> dict[str, Any]:
        return {"platform": self.platform, "platform_version": self.label, **extra}

    def url(self, path: str, *, versioned: bool = True) -> str:
        prefix = f"/{self.version}" if versioned and self.version else ""
        return f"{self.base}{prefix}/{path.lstrip('/')}"

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def get(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        versioned: bool = True,
    ) -> dict[str, Any]:
        return self.request("GET", path, params=params, versioned=versioned)

    def post(
        self, path: str, data: Mapping[str, Any], *, write: bool = False
    ) -> dict[str, Any]:
        """POST a form; `write` marks the one call that can create the post."""
        return self.request("POST", path, data=data, write=write)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        write: bool = False,
        versioned: bool = True,
    ) -> dict[str, Any]:
        what = f"{method} /{path.lstrip('/')}"
        auth = {"access_token": self.token} if self.token else {}
        query = {**(params or {}), **(auth if method == "GET" else {})}
        form = {**(data or {}), **auth} if method != "GET" else None
        try:
            response = self.http.request(
                method,
                self.url(path, versioned=versioned),
                params=query or None,
                data=form,
                headers={"Accept": "application/json"},
            )
        except requests.RequestException as exc:
            failure = {"error": type(exc).__name__, "message": self.scrub(str(exc))}
            if write and not never_sent(exc):
                raise PublishOutcomeUnknown(
                    f"{what} was sent to {self.platform} but no answer came back.",
                    **self.fields(platform_response=failure),
                ) from None
            raise PlatformUnavailable(
                f"{self.platform} could not be reached ({type(exc).__name__}).",
                **self.fields(platform_response=failure),
                remediation="letmepost retries; check the platform's status page if it persists.",
            ) from None
        body = body_of(response)
        if isinstance(body, str):
            body = self.scrub(body)
        if response.ok and isinstance(body, dict) and "error" not in body:
            return body
        if (
            response.ok and write
        ):  # accepted, but no readable answer: it may have posted
            raise PublishOutcomeUnknown(
                f"{what} answered {response.status_code} without a JSON object.",
                **self.fields(platform_response=body),
            )
        raise map_graph_error(
            response,
            body,
            fields=self.fields(platform_response=body),
            what=what,
            rules=self.rules,
            write=write,
        )

"""Check our outgoing requests (and our fakes' answers) against a platform's own OpenAPI file.

The files are copies in `tests/fixtures/platform-apis/` (its README names their sources and
known defects). A test builds an `OpenApiDoc` once, applies any documented patch, then asks for
the errors of a request body or a response body; an empty list means the platform would accept it.
OpenAPI 3.0 schemas are close enough to JSON Schema 2020-12 for bodies once `nullable` is
turned into a type union, which `_nullable_to_union` does in memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.fixtures import platform_api


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _nullable_to_union(node: Any) -> None:
    """OpenAPI 3.0 `nullable: true` → JSON Schema `type: [T, "null"]`, in place."""
    if isinstance(node, dict):
        if node.pop("nullable", False) is True and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        for value in node.values():
            _nullable_to_union(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_to_union(value)


class OpenApiDoc:
    def __init__(
        self,
        relative_path: str,
        *,
        patch: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.relative_path = relative_path
        self.urn = f"urn:platform-api:{relative_path}"
        self._patch = patch

    @cached_property
    def document(self) -> dict[str, Any]:
        doc = json.loads(platform_api(self.relative_path))
        if str(doc.get("openapi", "")).startswith("3.0"):
            _nullable_to_union(doc)
        if self._patch:
            self._patch(doc)
        return doc

    @cached_property
    def _registry(self) -> Registry:
        return Registry().with_resource(
            self.urn,
            Resource.from_contents(self.document, default_specification=DRAFT202012),
        )

    def _errors(self, pointer: str, value: Any) -> list[str]:
        validator = Draft202012Validator(
            {"$ref": f"{self.urn}#/{pointer}"}, registry=self._registry
        )
        return sorted(
            f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}"
            for e in validator.iter_errors(value)
        )

    def operation(self, method: str, path: str) -> dict[str, Any]:
        try:
            return self.document["paths"][path][method.lower()]
        except KeyError:
            raise AssertionError(
                f"{self.relative_path} has no {method} {path}"
            ) from None

    def request_errors(
        self,
        method: str,
        path: str,
        body: Any,
        content_type: str = "application/json",
    ) -> list[str]:
        """Everything wrong with a request body, per the operation's requestBody schema."""
        content = self.operation(method, path)["requestBody"]["content"]
        if content_type not in content:
            return [
                f"{method} {path} does not take {content_type}; it takes {sorted(content)}"
            ]
        return self._errors(
            _pointer(
                "paths",
                path,
                method.lower(),
                "requestBody",
                "content",
                content_type,
                "schema",
            ),
            body,
        )

    def response_errors(
        self, method: str, path: str, status: int, body: Any
    ) -> list[str]:
        """Everything wrong with a response body, per the operation's schema for that status."""
        responses = self.operation(method, path)["responses"]
        key = str(status) if str(status) in responses else "default"
        if key not in responses:
            return [f"{method} {path} documents no {status} response"]
        content = responses[key].get("content", {})
        media = next((m for m in content if "json" in m), None)
        if media is None:
            return []
        return self._errors(
            _pointer(
                "paths",
                path,
                method.lower(),
                "responses",
                key,
                "content",
                media,
                "schema",
            ),
            body,
        )

    def query_errors(self, method: str, path: str, query: dict[str, str]) -> list[str]:
        """Unknown query parameters and missing required ones (values are not type-checked)."""
        params = [
            p
            for p in self.operation(method, path).get("parameters", [])
            if p.get("in") == "query"
        ]
        known = {p["name"] for p in params}
        errors = [f"unknown query parameter {k!r}" for k in query if k not in known]
        errors += [
            f"missing required query parameter {p['name']!r}"
            for p in params
            if p.get("required") and p["name"] not in query
        ]
        return errors

"""Check our calls (and our fakes' answers) against a Google Discovery document.

Discovery schemas use bare `"$ref": "Account"`; they are rewritten to `#/schemas/Account` and
every object is closed (`additionalProperties: false`), so an unknown or misspelt field fails as
it would upstream. Paths are Discovery templates (`v1/{+parent}/locations`): `{+x}` matches
slashes, `{x}` does not.
"""

from __future__ import annotations

import json
import re
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.fixtures import platform_api


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _rewrite(v) for k, v in node.items()}
        if isinstance(out.get("$ref"), str) and not out["$ref"].startswith("#"):
            out["$ref"] = f"#/schemas/{out['$ref']}"
        if out.get("type") == "object" and "properties" in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def _path_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{\+?[^}]+\})", template)
    regex = "".join(
        (".+" if p.startswith("{+") else "[^/]+") if p.startswith("{") else re.escape(p)
        for p in parts
    )
    return re.compile(f"^/{regex}$")


class DiscoveryDoc:
    def __init__(self, relative_path: str) -> None:
        self.relative_path = relative_path
        self.urn = f"urn:discovery:{relative_path}"

    @cached_property
    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(platform_api(self.relative_path))
        return doc

    @cached_property
    def _registry(self) -> Registry:
        schemas = {"schemas": _rewrite(self.document["schemas"])}
        resource = Resource.from_contents(schemas, default_specification=DRAFT202012)
        return Registry().with_resource(self.urn, resource)

    def method(self, dotted: str) -> dict[str, Any]:
        """`accounts.locations.list` → that method's description."""
        *resources, name = dotted.split(".")
        node = self.document
        for resource in resources:
            node = node["resources"][resource]
        method: dict[str, Any] = node["methods"][name]
        return method

    def schema_errors(self, name: str, body: Any) -> list[str]:
        validator = Draft202012Validator(
            {"$ref": f"{self.urn}#/schemas/{name}"}, registry=self._registry
        )
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}"
            for e in validator.iter_errors(body)
        ]

    def call_errors(self, dotted: str, call: Any) -> list[str]:
        """Why `dotted` would refuse `call` (method, path, query, request body), and what is
        wrong with the 2xx answer our fake gave it."""
        spec = self.method(dotted)
        parts = urlsplit(call.request.url)
        errors = []
        if call.request.method != spec["httpMethod"] or not _path_pattern(
            spec["path"]
        ).match(parts.path):
            errors.append(f"{call.request.method} {parts.path} is not {dotted}")
        query = dict(parse_qsl(parts.query))
        declared = spec.get("parameters", {})
        errors += [
            f"{n}: not a parameter of {dotted}" for n in query if n not in declared
        ]
        errors += [
            f"{n}: required"
            for n, p in declared.items()
            if p.get("required") and p.get("location") == "query" and n not in query
        ]
        if request := spec.get("request"):
            errors += self.schema_errors(request["$ref"], json.loads(call.request.body))
        response = call.response
        if (answer := spec.get("response")) and response is not None and response.ok:
            errors += self.schema_errors(answer["$ref"], response.json())
        return errors

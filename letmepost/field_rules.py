"""Docs pages for field rules: the request field a `validation_failed` error names as its `rule`.

Body validation names the field at fault (`scheduledAt`, `targets.0.accountId`, `limit`), so
its `ruleUrl` (`/docs/preflight/targets-0-accountid`) must lead somewhere. The OpenAPI document
already describes every request field and query parameter; this indexes it by slug, so a field
page shows what the reference says and no second copy of it can drift.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

INDEX = "N"  # a list position in a documented path: `targets.N.accountId`
_DIGITS = re.compile(r"^\d+$")
# What a field page shows of its schema, in this order.
CONSTRAINTS = (
    "type",
    "format",
    "enum",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "pattern",
)


@dataclass
class FieldDoc:
    path: str  # wire names, list positions as `N`: `targets.N.media.N.url`
    description: str = ""
    constraints: dict[str, Any] = field(default_factory=dict)
    operations: list[str] = field(default_factory=list)  # "POST /v1/posts"
    free_form: bool = False  # an object of per-platform members (`options`)


def _key(path: str) -> str:
    """A rule id or a documented path → the lookup key: lower case, list positions as `n`."""
    parts = re.split(r"[.-]", path.lower())
    return ".".join(INDEX.lower() if _DIGITS.match(p) else p for p in parts)


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """Follow `$ref` and single-member `allOf`, keeping the outer description."""
    while True:
        if ref := schema.get("$ref"):
            schema = {
                **components[ref.rsplit("/", 1)[-1]],
                **{k: v for k, v in schema.items() if k != "$ref"},
            }
        elif len(schema.get("allOf", ())) == 1:
            inner = schema["allOf"][0]
            schema = {**inner, **{k: v for k, v in schema.items() if k != "allOf"}}
        else:
            return schema


def _fields(
    path: str, schema: dict[str, Any], components: dict[str, Any]
) -> Iterator[tuple[str, dict[str, Any]]]:
    schema = _resolve(schema, components)
    if path:
        yield path, schema
    if schema.get("type") == "array" and "items" in schema:
        yield from _fields(f"{path}.{INDEX}", schema["items"], components)
    for name, member in schema.get("properties", {}).items():
        yield from _fields(f"{path}.{name}" if path else name, member, components)


def index(document: dict[str, Any]) -> dict[str, FieldDoc]:
    """Every request body member and query parameter of the document, by `_key`."""
    components = document.get("components", {}).get("schemas", {})
    docs: dict[str, FieldDoc] = {}

    def add(path: str, schema: dict[str, Any], operation: str) -> None:
        doc = docs.setdefault(_key(path), FieldDoc(path))
        if not doc.operations:  # the first operation that takes the field describes it
            doc.description = schema.get("description", "")
            doc.constraints = {k: schema[k] for k in CONSTRAINTS if k in schema}
            doc.free_form = (
                schema.get("type") == "object" and "properties" not in schema
            )
        if operation not in doc.operations:
            doc.operations.append(operation)

    for route, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            where = f"{method.upper()} {route}"
            for parameter in operation.get("parameters", ()):
                if parameter.get("in") == "query":
                    schema = _resolve(parameter.get("schema", {}), components)
                    if parameter.get("description"):
                        schema = {**schema, "description": parameter["description"]}
                    add(parameter["name"], schema, where)
            for content in operation.get("requestBody", {}).get("content", {}).values():
                for path, schema in _fields("", content.get("schema", {}), components):
                    add(path, schema, where)
    return docs


@cache
def documented_fields() -> dict[str, FieldDoc]:
    """The index of the API's own OpenAPI document (built once per process: ~1 s)."""
    from drf_spectacular.generators import SchemaGenerator

    return index(SchemaGenerator().get_schema(request=None, public=True))


def find(slug: str) -> FieldDoc | None:
    """The field a rule slug names; a member of a free-form object (`options.visibility`, which
    the schema leaves open because options are per platform) is documented by its object."""
    fields = documented_fields()
    key = _key(slug)
    if key in fields:
        return fields[key]
    doc = fields.get(key.rpartition(".")[0])
    return doc if doc is not None and doc.free_form else None

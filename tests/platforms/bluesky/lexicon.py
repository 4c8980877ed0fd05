"""A small validator for the official AT Protocol lexicons in tests/fixtures/platform-apis/bluesky.

Enough of the Lexicon language to check the records and procedure inputs we send against the
very files the PDS validates with: objects, required keys, strings (UTF-8 byte maxLength,
maxGraphemes, formats), integers, arrays, refs, unions by `$type`, blobs (accept, maxSize).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import regex

from tests.fixtures import platform_api


@cache
def document(nsid: str) -> dict[str, Any]:
    return json.loads(platform_api(f"bluesky/lexicons/{nsid.replace('.', '/')}.json"))


def resolve(ref: str, context: str) -> tuple[str, str, dict[str, Any]]:
    nsid, _, name = (context + ref if ref.startswith("#") else ref).partition("#")
    name = name or "main"
    return nsid, name, document(nsid)["defs"][name]


def type_name(nsid: str, name: str) -> str:
    return nsid if name == "main" else f"{nsid}#{name}"


def errors_in_record(record: dict[str, Any]) -> list[str]:
    """Every way `record` breaks the lexicon named by its `$type`."""
    nsid = record.get("$type", "")
    main = document(nsid)["defs"]["main"]
    return _check(record, main["record"], nsid, "record")


def errors_in_input(nsid: str, body: dict[str, Any]) -> list[str]:
    """Every way a procedure's JSON input breaks its lexicon."""
    return _check(
        body, document(nsid)["defs"]["main"]["input"]["schema"], nsid, "input"
    )


def _check(value: Any, schema: dict[str, Any], nsid: str, path: str) -> list[str]:
    kind = schema.get("type")
    if kind == "ref":
        ref_nsid, _, target = resolve(schema["ref"], nsid)
        return _check(value, target, ref_nsid, path)
    if kind == "union":
        if not isinstance(value, dict) or "$type" not in value:
            return [f"{path}: a union member needs $type"]
        for ref in schema["refs"]:
            ref_nsid, name, target = resolve(ref, nsid)
            if value["$type"] == type_name(ref_nsid, name):
                return _check(value, target, ref_nsid, path)
        closed = schema.get("closed", False)
        return (
            [f"{path}: $type {value['$type']} not in {schema['refs']}"]
            if closed
            else []
        )
    if kind in ("object", "params"):
        if not isinstance(value, dict):
            return [f"{path}: expected an object"]
        problems = [
            f"{path}.{key}: required"
            for key in schema.get("required", [])
            if key not in value
        ]
        for key, sub in schema.get("properties", {}).items():
            if key in value and value[key] is not None:
                problems += _check(value[key], sub, nsid, f"{path}.{key}")
        return problems
    if kind == "string":
        if not isinstance(value, str):
            return [f"{path}: expected a string"]
        problems = []
        if "maxLength" in schema and len(value.encode()) > schema["maxLength"]:
            problems.append(f"{path}: longer than {schema['maxLength']} bytes")
        if (
            "maxGraphemes" in schema
            and len(regex.findall(r"\X", value)) > schema["maxGraphemes"]
        ):
            problems.append(f"{path}: more than {schema['maxGraphemes']} graphemes")
        fmt = schema.get("format")
        prefixes = {"at-uri": "at://", "did": "did:", "uri": ("http", "at:", "did:")}
        if fmt in prefixes and not value.startswith(prefixes[fmt]):
            problems.append(f"{path}: not a {fmt}")
        return problems
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{path}: expected an integer"]
        if value < schema.get("minimum", value) or value > schema.get("maximum", value):
            return [f"{path}: {value} out of range"]
        return []
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: expected a boolean"]
    if kind == "array":
        if not isinstance(value, list):
            return [f"{path}: expected an array"]
        problems = []
        if len(value) > schema.get("maxLength", len(value)):
            problems.append(f"{path}: more than {schema['maxLength']} items")
        for index, item in enumerate(value):
            problems += _check(item, schema["items"], nsid, f"{path}[{index}]")
        return problems
    if kind == "blob":
        if not isinstance(value, dict) or value.get("$type") != "blob":
            return [f"{path}: expected a blob ref"]
        problems = []
        accept = schema.get("accept", [])
        mime = value.get("mimeType", "")
        if accept and not any(
            mime == a or (a.endswith("/*") and mime.startswith(a[:-1])) for a in accept
        ):
            problems.append(f"{path}: {mime} not in {accept}")
        if value.get("size", 0) > schema.get("maxSize", float("inf")):
            problems.append(f"{path}: blob larger than {schema['maxSize']}")
        return problems
    return []  # unknown, cid-link, bytes, token: anything goes

"""Check our Graph requests (and our fakes' answers) against Meta's own node specs.

The specs are `tests/fixtures/platform-apis/meta-graph/api_specs/specs/*.json`, the files Meta
generates its Business SDKs from; only the nodes our tests reach are copied (see that folder's
README). Each node lists its APIs (`method`, `endpoint` = edge name, or `name` `#get` for the
node itself, `params` with `name`/`type`/`required`) and its fields; enum types are in
`enum_types.json`. No validator reads this format, so this one finds the API by method and
edge, and reports unknown parameters, missing required ones, scalar values of the wrong type
and values outside an enum. Graph parameters travel as strings (query or form), so types are
checked on their string form, as Graph parses them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fixtures import platform_api

SPECS = "meta-graph/api_specs/specs"
# Accepted by every Graph call.
UNIVERSAL = frozenset({"access_token", "appsecret_proof"})
# Accepted by every GET of an edge (field selection and cursor/time pagination).
LIST_PARAMS = {
    "fields": "string",
    "limit": "unsigned int",
    "after": "string",
    "before": "string",
    "since": "datetime",
    "until": "datetime",
}
# The IG-only spec spells the publish edge without its underscore (README: the live path is
# /media_publish); its media edge returns a node the specs have no file for.
EDGE_ALIASES = {("IGUserForIGOnlyAPI", "media_publish"): "mediapublish"}
NODE_ALIASES = {"Media": "IGMediaForIGOnlyAPI"}
# The IG-only media's comments edge claims Facebook's `Comment`; Instagram answers IGComments.
RETURN_ALIASES = {("IGMediaForIGOnlyAPI", "comments"): "IGComment"}
SCALARS: dict[str, Callable[[str], bool]] = {
    "string": lambda v: True,
    "bool": lambda v: v in ("true", "false"),
    "int": lambda v: re.fullmatch(r"-?\d+", v) is not None,
    "unsigned int": lambda v: re.fullmatch(r"\d+", v) is not None,
    "float": lambda v: re.fullmatch(r"-?\d+(\.\d+)?", v) is not None,
}


@cache
def node(name: str) -> dict[str, Any]:
    name = NODE_ALIASES.get(name, name)
    return json.loads(platform_api(f"{SPECS}/{name}.json"))


@cache
def enums() -> dict[str, frozenset[str]]:
    rows = json.loads(platform_api(f"{SPECS}/enum_types.json"))
    return {row["name"]: frozenset(str(v) for v in row["values"]) for row in rows}


def node_fields(name: str) -> frozenset[str]:
    return frozenset(f["name"] for f in node(name)["fields"]) | {"id"}


def find_api(name: str, method: str, edge: str | None) -> dict[str, Any] | None:
    edge = EDGE_ALIASES.get((name, edge or ""), edge)
    for api in node(name)["apis"]:
        if api.get("method") != method:
            continue
        if edge is None and api.get("name", "").startswith("#"):
            return api
        if edge is not None and api.get("endpoint") == edge:
            return api
    return None


def _is_datetime(value: str) -> bool:
    if value.isdigit():
        return True
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _json(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return None


def type_errors(name: str, kind: str, value: str) -> list[str]:
    """Why `value` (as sent, a string) is not a valid `kind`; empty when it is."""
    if kind.startswith("list<") and kind.endswith(">"):
        inner = kind[5:-1]
        parsed = _json(value) if value.startswith("[") else None
        if inner in ("Object", "map") or inner.startswith("list<"):
            if not isinstance(parsed, list) or not all(
                isinstance(x, dict | list) for x in parsed
            ):
                return [f"{name}: expected a JSON array for {kind}, got {value!r}"]
            return []
        items = (
            [str(x) for x in parsed] if isinstance(parsed, list) else value.split(",")
        )
        return [e for item in items for e in type_errors(name, inner, item.strip())]
    if kind == "list":
        return [] if isinstance(_json(value), list) else [f"{name}: not a JSON array"]
    if kind in ("map", "Object"):
        return [] if isinstance(_json(value), dict) else [f"{name}: not a JSON object"]
    if kind == "datetime":
        return [] if _is_datetime(value) else [f"{name}: {value!r} is not a time"]
    if kind == "file":
        return [f"{name}: a file upload, which our clients never send"]
    if kind in SCALARS:
        ok = SCALARS[kind](value)
        return [] if ok else [f"{name}: {value!r} is not a valid {kind}"]
    if kind in enums():
        allowed = enums()[kind]
        return (
            [] if value in allowed else [f"{name}: {value!r} not in {sorted(allowed)}"]
        )
    return [] if value else [f"{name}: empty {kind} id"]  # a reference to another node


def fields_errors(name: str, value: str) -> list[str]:
    known = node_fields(name)
    return [
        f"fields: {f!r} is not a field of {NODE_ALIASES.get(name, name)}"
        for f in value.split(",")
        if f.strip() not in known
    ]


def request_errors(
    name: str, method: str, edge: str | None, params: Mapping[str, str]
) -> list[str]:
    """Every reason Graph would refuse `method /{<name> id}/<edge>` with these parameters."""
    api = find_api(name, method, edge)
    if api is None:
        return [f"{name} has no {method} {edge or '(node)'}"]
    declared = {p["name"]: p for p in api.get("params", [])}
    returns = name if edge is None else str(api.get("return", name))
    returns = RETURN_ALIASES.get((name, edge or ""), returns)
    errors = []
    for key, value in params.items():
        if key in UNIVERSAL:
            continue
        if method == "GET" and key == "fields":
            errors += fields_errors(returns, value)
        elif key in declared:
            errors += type_errors(key, declared[key]["type"], value)
        elif method == "GET" and edge is not None and key in LIST_PARAMS:
            errors += type_errors(key, LIST_PARAMS[key], value)
        else:
            errors.append(f"{key}: not a parameter of {method} {name}/{edge or ''}")
    errors += [
        f"{p}: required by {method} {name}/{edge or ''}"
        for p, spec in declared.items()
        if spec.get("required") and p not in params
    ]
    return errors


def response_errors(name: str, body: Mapping[str, Any]) -> list[str]:
    """Keys of a fake's answer (or of each item of a `data` list) that `name` does not have."""
    items: Iterable[Mapping[str, Any]] = (
        body.get("data") or [] if "data" in body else [body]
    )
    known = node_fields(name)
    return [
        f"{key!r} is not a field of {NODE_ALIASES.get(name, name)}"
        for item in items
        for key in item
        if key not in known
    ]


def call_params(call: Any) -> dict[str, str]:
    """A recorded request's parameters: query string and form body together."""
    params = dict(parse_qsl(urlsplit(call.request.url).query, keep_blank_values=True))
    body = call.request.body
    if body:
        text = body.decode() if isinstance(body, bytes) else str(body)
        params |= dict(parse_qsl(text, keep_blank_values=True))
    return params


Route = Callable[[str, list[str], dict[str, str]], tuple[str, str | None] | None]


def calls_errors(calls: Iterable[Any], host: str, route: Route) -> list[str]:
    """Check every recorded call to `host` against the specs.

    `route(method, path segments after the version, params)` names the node and edge a call
    addresses, or None for a call the specs do not describe (OAuth token endpoints), which the
    tests then check by hand.
    """
    errors = []
    for call in calls:
        parts = urlsplit(call.request.url)
        if parts.netloc != host:
            continue
        segments = [s for s in parts.path.split("/") if s]
        if segments and re.fullmatch(r"v\d+\.\d+", segments[0]):
            segments = segments[1:]
        params = call_params(call)
        target = route(call.request.method, segments, params)
        if target is None:
            continue
        node_name, edge = target
        errors += [
            f"{call.request.method} {parts.path}: {e}"
            for e in request_errors(node_name, call.request.method, edge, params)
        ]
    return errors

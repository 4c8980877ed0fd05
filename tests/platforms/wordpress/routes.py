"""Check our requests against the arguments WordPress itself declares for each route.

`payloads/routes.json` is the `args` of every endpoint the adapter calls, as WordPress 6.1.9
(Debian's package, the one tests/e2e/test_wordpress.py runs) lists them at `GET /wp-json/wp/v2`:
WordPress publishes no OpenAPI description, and this is its own machine-readable one. WordPress
validates requests against the same `args` (rest_validate_value_from_schema), so a request that
passes here passes that check there.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

ROUTES = Path(__file__).parent / "payloads" / "routes.json"
# The post controller turns validation off for these (arg_options): a string is the raw value.
RAW_OR_OBJECT = frozenset({"title", "content", "excerpt"})
TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


@cache
def _routes() -> dict[str, list[dict[str, Any]]]:
    return json.loads(ROUTES.read_text())["routes"]


def _args(method: str, route: str) -> dict[str, Any]:
    for endpoint in _routes()[route]:
        if method in endpoint["methods"]:
            return endpoint["args"]
    raise AssertionError(f"{method} {route} is not a WordPress endpoint")


def _type_ok(value: Any, schema: dict[str, Any], *, query: bool) -> bool:
    types = schema.get("type")
    names = types if isinstance(types, list) else [types] if types else []
    if query and isinstance(
        value, str
    ):  # a query string carries text; WordPress converts
        return not names or any(
            n in ("string", "array") or (n == "integer" and value.isdigit())
            for n in names
        )
    if isinstance(value, bool) and "boolean" not in names:
        return False
    if names and not any(isinstance(value, TYPES[n]) for n in names):
        return False
    items = schema.get("items")
    if isinstance(value, list) and isinstance(items, dict):
        return all(_type_ok(v, items, query=query) for v in value)
    return True


def request_errors(
    method: str, route: str, params: dict[str, Any], *, query: bool = False
) -> list[str]:
    """What WordPress's own argument check would refuse in `params` (body or query)."""
    args, errors = _args(method, route), []
    for key, value in params.items():
        schema = args.get(key)
        if schema is None:
            errors.append(f"{key}: not an argument of {method} {route}")
            continue
        if key in RAW_OR_OBJECT and isinstance(value, str):
            continue
        if not _type_ok(value, schema, query=query):
            errors.append(f"{key}: {value!r} is not of type {schema.get('type')}")
        allowed = schema.get("enum") or (schema.get("items") or {}).get("enum")
        if (
            allowed
            and value not in allowed
            and not (isinstance(value, list) and set(value) <= set(allowed))
        ):
            errors.append(f"{key}: {value!r} is not one of {allowed}")
    errors += [
        f"{key}: required"
        for key, schema in args.items()
        if schema.get("required") and key not in params
    ]
    return errors

"""letmepost.dev's MCP tool set: one tool per `/v1` operation, derived from our own OpenAPI.

letmepost.dev's MCP server projects its OpenAPI document into tools named `{method}_{path}`
(`post_v1_posts`, `get_v1_posts_by_id`, `delete_v1_webhook_endpoints_by_id`), each taking the
operation's path, query and JSON body fields as one flat object. Agents and prompts written for it
call those names, so `/mcp` offers the same projection of `/v1/openapi.json`, built on first use:
nothing here lists operations, so a new endpoint becomes a tool and a new field joins its schema.
The projection is pure (a document in, `ApiOperation`s out); agent_server.py executes them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
# Not an agent's call: the page a platform's OAuth consent redirects the browser to.
NOT_TOOLS = frozenset({"oauthCallback"})
IDEMPOTENCY_ARGUMENT = "idempotencyKey"
# letmepost.dev calls the id of the resource a path addresses `{id}` (`/v1/posts/{id}`); we name
# it after the resource (`{post_id}`). The first `{…_id}` of a path is that id.
_RESOURCE_ID = re.compile(r"\{[a-z]+_id\}")


class BadArguments(ValueError):
    """A tool was called with arguments its input schema does not allow."""


@dataclass(frozen=True)
class ApiRequest:
    path: str
    params: dict[str, Any]
    body: dict[str, Any] | None
    idempotency_key: str | None


@dataclass(frozen=True)
class ApiOperation:
    """One OpenAPI operation as a tool: its name, input schema and how arguments map to HTTP."""

    name: str
    method: str  # upper case
    path: str  # the template as the document names it: /v1/posts/{post_id}
    description: str
    input_schema: dict[str, Any]
    path_arguments: tuple[tuple[str, str], ...]  # (tool argument, template parameter)
    query_arguments: frozenset[str]
    has_body: bool

    def request(self, arguments: dict[str, Any]) -> ApiRequest:
        """Split a call's arguments into the path, query string, JSON body and idempotency key."""
        unknown = set(arguments) - set(self.input_schema["properties"])
        if unknown:
            allowed = ", ".join(self.input_schema["properties"]) or "none"
            raise BadArguments(
                f"unknown argument(s) {', '.join(sorted(unknown))}; allowed: {allowed}"
            )
        path = self.path
        for argument, parameter in self.path_arguments:
            if arguments.get(argument) in (None, ""):
                raise BadArguments(f"missing required argument {argument}")
            path = path.replace(
                f"{{{parameter}}}", quote(str(arguments[argument]), safe="")
            )
        taken = {a for a, _ in self.path_arguments} | self.query_arguments
        body = {
            k: v
            for k, v in arguments.items()
            if k not in taken and k != IDEMPOTENCY_ARGUMENT
        }
        return ApiRequest(
            path=path,
            params={
                k: v
                for k, v in arguments.items()
                if k in self.query_arguments and v is not None
            },
            body=body if self.has_body else None,
            idempotency_key=arguments.get(IDEMPOTENCY_ARGUMENT),
        )


def tool_name(method: str, path: str) -> str:
    """letmepost.dev's naming rule: `get` + `/v1/webhook-endpoints/{id}` → `get_v1_webhook_endpoints_by_id`.

    Path segments join with `_`, a `{param}` segment becomes `by_param`, every run of characters
    other than letters, digits and `_` (so `-`) becomes one `_`, and the result is lower-cased.
    """
    segments = [
        f"by_{s[1:-1]}" if s.startswith("{") and s.endswith("}") else s
        for s in path.split("/")
        if s
    ]
    slug = re.sub(r"[^A-Za-z0-9_]+", "_", "_".join(segments)).strip("_")
    return f"{method}_{slug}".lower()


def operations(document: dict[str, Any]) -> dict[str, ApiOperation]:
    """Every `/v1` operation of an OpenAPI document that can be a JSON tool, by tool name.

    Skipped, as letmepost.dev skips them: paths outside `/v1` (health), operations whose body is
    not JSON (a multipart-only upload), and the OAuth browser callback.
    """
    found: dict[str, ApiOperation] = {}
    for path, item in document.get("paths", {}).items():
        if not path.startswith("/v1/"):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None or operation.get("operationId") in NOT_TOOLS:
                continue
            projected = _project(document, method, path, operation, item)
            if projected is not None:
                found[projected.name] = projected
    return found


@cache
def our_operations() -> dict[str, ApiOperation]:
    """The tools of this server's own `/v1/openapi.json`, built once per process."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = SchemaGenerator().get_schema(request=None, public=True)
    # Rendered and parsed back: the generator's dict holds lazy strings and enums.
    return operations(json.loads(OpenApiJsonRenderer().render(schema)))


def _project(
    document: dict[str, Any],
    method: str,
    path: str,
    operation: dict[str, Any],
    item: dict[str, Any],
) -> ApiOperation | None:
    body_schema: dict[str, Any] | None = None
    if content := operation.get("requestBody", {}).get("content"):
        if "application/json" not in content:
            return None  # multipart-only: a file does not travel in a JSON tool call
        body_schema = _inline(document, content["application/json"].get("schema", {}))

    # letmepost.dev's parameter names: our first `{…_id}` is its `{id}`.
    reference_path = _RESOURCE_ID.sub("{id}", path, count=1)
    renamed = dict(
        zip(
            re.findall(r"\{(\w+)\}", path),
            re.findall(r"\{(\w+)\}", reference_path),
            strict=True,
        )
    )
    properties: dict[str, Any] = {}
    required: list[str] = []
    path_arguments: list[tuple[str, str]] = []
    query_arguments: set[str] = set()
    for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
        parameter = _inline(document, parameter)
        if parameter["in"] == "path":
            argument = _camel(renamed[parameter["name"]])
            path_arguments.append((argument, parameter["name"]))
            required.append(argument)
        elif parameter["in"] == "query":
            argument = parameter["name"]
            query_arguments.add(argument)
            if parameter.get("required"):
                required.append(argument)
        else:
            continue  # headers: Idempotency-Key is an argument below, X-Request-Id is ours
        schema = dict(parameter.get("schema", {}))
        if parameter.get("description"):
            schema.setdefault("description", parameter["description"])
        properties[argument] = schema

    if body_schema is not None:
        for field, schema in body_schema.get("properties", {}).items():
            properties.setdefault(field, schema)
        required += [f for f in body_schema.get("required", []) if f not in required]
    if method != "get":
        properties[IDEMPOTENCY_ARGUMENT] = {
            "type": "string",
            "description": "Idempotency-Key: send the same value when retrying this call; "
            "a new one is made when omitted.",
        }

    input_schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        input_schema["required"] = required
    # The reference's summary, then what it says in full: an agent picks tools by this text.
    about = ". ".join(
        text
        for text in (operation.get("summary"), operation.get("description"))
        if text
    )
    return ApiOperation(
        name=tool_name(method, reference_path),
        method=method.upper(),
        path=path,
        description=f"{method.upper()} {reference_path}. {about}".strip(),
        input_schema=input_schema,
        path_arguments=tuple(path_arguments),
        query_arguments=frozenset(query_arguments),
        has_body=body_schema is not None,
    )


def _camel(name: str) -> str:
    """`event_id` → `eventId`: tool arguments are JSON fields, camel-cased like the API's."""
    return re.sub(r"_([a-z0-9])", lambda m: m[1].upper(), name)


def _inline(
    document: dict[str, Any], node: Any, seen: frozenset[str] = frozenset()
) -> Any:
    """`node` with every local `$ref` replaced by its target, so a tool's schema stands alone.

    A reference back into a schema being expanded (a cycle) becomes `{}`: any value.
    """
    if isinstance(node, list):
        return [_inline(document, n, seen) for n in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        if ref in seen:
            return {}
        target: Any = document
        for part in ref[2:].split("/"):
            target = target[part]
        siblings = {
            k: v for k, v in node.items() if k != "$ref"
        }  # OpenAPI 3.1 allows them
        return {
            **_inline(document, target, seen | {ref}),
            **_inline(document, siblings, seen),
        }
    return {k: _inline(document, v, seen) for k, v in node.items()}

"""Check every request we send to X, and every canned answer, against X's own OpenAPI file.

`tests/fixtures/platform-apis/x/openapi.json` (X API v2.167). One gap is patched in memory: the
file's `Problem` union lists only X's own problem types, but X answers 401, 403 duplicate
content, 429 and 503 with plain RFC 7807 `about:blank` problems and an unenrolled app with a
`client-forbidden` problem (both in X's prose docs); those two shapes are added to the union.

`check_call()` finds the operation for a recorded `responses` call and checks the path
parameters, the query (parameters resolved through `$ref`, values against their schemas), the
body (JSON or multipart) and the answer. Calls to hosts other than the API (OAuth endpoints,
media URLs) are not described by the file and are skipped.
"""

from __future__ import annotations

import json
import re
from email.parser import BytesParser
from email.policy import HTTP
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jsonschema import Draft202012Validator

from tests.platforms.openapi_doc import OpenApiDoc

API = "https://api.x.com"
EXTRA_PROBLEMS = [
    {
        "type": "object",
        "required": ["type", "title"],
        "properties": {
            "type": {"enum": ["about:blank"]},
            "title": {"type": "string"},
            "detail": {"type": "string"},
            "status": {"type": "integer"},
        },
    },
    {
        "type": "object",
        "required": ["type", "title", "detail", "reason"],
        "properties": {
            "type": {"enum": ["https://api.x.com/2/problems/client-forbidden"]},
            "reason": {"enum": ["official-client-forbidden", "client-not-enrolled"]},
            "client_id": {"type": "string"},
            "registration_url": {"type": "string"},
            "required_enrollment": {"type": "string"},
        },
    },
]


def _patch(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"]["Problem"]["oneOf"] += EXTRA_PROBLEMS
    doc["components"]["schemas"]["Problem"].pop("discriminator", None)


class XDoc(OpenApiDoc):
    def problem_errors(self, body: Any) -> list[str]:
        return self._errors("components/schemas/Problem", body)

    def parameters(self, method: str, path: str) -> list[dict[str, Any]]:
        """The operation's parameters with `$ref`s resolved."""
        out = []
        for param in self.operation(method, path).get("parameters", []):
            if "$ref" in param:
                name = param["$ref"].rsplit("/", 1)[-1]
                param = self.document["components"]["parameters"][name]
            out.append(param)
        return out

    def value_errors(self, param: dict[str, Any], raw: str) -> list[str]:
        schema = param.get("schema", {})
        if "$ref" in schema:
            schema = self.document["components"]["schemas"][
                schema["$ref"].rsplit("/", 1)[-1]
            ]
        value: Any = raw
        if schema.get("type") == "array":
            value = raw.split(",")
        elif schema.get("type") == "integer":
            value = int(raw) if raw.lstrip("-").isdigit() else raw
        validator = Draft202012Validator(schema)
        return [f"{param['name']}: {e.message}" for e in validator.iter_errors(value)]


X = XDoc("x/openapi.json", patch=_patch)


@cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for path in X.document["paths"]:
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))
        out.append((re.compile(f"^{pattern}$"), path))
    # Literal paths before templated ones: /2/media/upload/initialize is not {id}.
    out.sort(key=lambda item: "{" in item[1])
    return out


def spec_path(path: str) -> str:
    for pattern, template in _templates():
        if pattern.match(path):
            return template
    raise AssertionError(f"x/openapi.json describes no path like {path}")


def multipart_fields(request: Any) -> dict[str, Any]:
    """A multipart body's fields; file parts become a placeholder string."""
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_filename():
            fields[name] = "<binary>"
        else:
            text = part.get_payload(decode=True).decode()
            fields[name] = int(text) if text.isdigit() else text
    return fields


def request_errors(call: Any) -> list[str]:
    request = call.request
    parts = urlsplit(request.url)
    method = request.method
    path = spec_path(parts.path)
    errors: list[str] = []
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        errors.append("no OAuth 2.0 user token")
    params = X.parameters(method, path)
    for param in params:
        if param["in"] == "path":
            value = re.match(
                re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(path)), parts.path
            )
            assert value is not None
            errors += X.value_errors(param, value.group(1))
    query = dict(parse_qsl(parts.query))
    known = {p["name"]: p for p in params if p["in"] == "query"}
    for name, raw in query.items():
        if name not in known:
            errors.append(f"unknown query parameter {name!r}")
        else:
            errors += X.value_errors(known[name], raw)
    errors += [
        f"missing required query parameter {n!r}"
        for n, p in known.items()
        if p.get("required") and n not in query
    ]
    operation = X.operation(method, path)
    content_type = (request.headers.get("Content-Type") or "").split(";")[0]
    if "requestBody" not in operation:
        if request.body:
            errors.append(f"{method} {path} takes no body")
    elif content_type == "multipart/form-data":
        errors += X.request_errors(
            method, path, multipart_fields(request), content_type
        )
    else:
        errors += X.request_errors(method, path, json.loads(request.body))
    return errors


def response_errors(call: Any) -> list[str]:
    response = call.response
    if not hasattr(response, "status_code"):
        return []  # a network failure, no answer to check
    request = call.request
    path = spec_path(urlsplit(request.url).path)
    body = response.json()
    if "problem+json" in response.headers.get("Content-Type", ""):
        return X.problem_errors(body)
    return X.response_errors(request.method, path, response.status_code, body)


def check_call(call: Any) -> list[str]:
    """Everything X's file finds wrong with one recorded request and its canned answer."""
    if not call.request.url.startswith(f"{API}/2/") or "/2/oauth2/" in call.request.url:
        return []
    return [f"request: {e}" for e in request_errors(call)] + [
        f"response: {e}" for e in response_errors(call)
    ]

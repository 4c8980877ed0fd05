"""The JSON request parsers of every API view: one gate that no field can forget.

A body is refused with `400 validation_failed` before any view sees it when it nests deeper than
`MAX_JSON_DEPTH` (rule `body.depth_max`), holds a string or key with U+0000 or a lone surrogate
(`body.invalid_character`: PostgreSQL cannot store either, SQLite can, and both must answer the
same), or holds a number no column can keep (`body.json`: NaN, Infinity, 1e309, integers beyond
64 bits). The walk is iterative, so no input can exhaust the stack.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.http import QueryDict
from djangorestframework_camel_case.settings import api_settings as camel_settings
from djangorestframework_camel_case.util import underscoreize
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from letmepost.errors import IssuePath, ValidationFailed, dotted, issue

# Objects and arrays inside one another; real bodies use fewer than 6.
MAX_JSON_DEPTH = 32
MAX_INT = 2**63 - 1  # the widest integer column (bigint) on both databases
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def load_json(raw: bytes, encoding: str = "utf-8") -> Any:
    """Decode and parse a JSON body, then check it; raise ParseError or ValidationFailed."""
    try:
        return checked(json.loads(raw.decode(encoding), parse_constant=_no_constant))
    except RecursionError:  # the C scanner stops near the interpreter's recursion limit
        raise depth_exceeded(()) from None
    except ValueError as exc:  # also UnicodeDecodeError, and integers over 4,300 digits
        raise ParseError(f"JSON parse error - {exc}") from None


def checked(data: Any) -> Any:
    """Return `data` unchanged if every member can be stored as is; raise otherwise."""
    stack: list[tuple[Any, IssuePath, int]] = [(data, (), 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise depth_exceeded(path)
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, member in items:
                if isinstance(key, str) and _BAD_CHARACTER.search(key):
                    raise bad_character(path, key)
                stack.append((member, (*path, key), depth + 1))
        elif isinstance(value, str):
            if _BAD_CHARACTER.search(value):
                raise bad_character(path, value)
        elif _out_of_range(value):
            raise ParseError(f"JSON parse error - {dotted(path)}: number out of range")
    return data


def _out_of_range(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)  # 1e309 parses as inf
    return isinstance(value, int) and abs(value) > MAX_INT


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def depth_exceeded(path: IssuePath) -> ValidationFailed:
    message = f"{dotted(path)}: JSON nested deeper than {MAX_JSON_DEPTH} levels."
    return ValidationFailed(
        message,
        rule="body.depth_max",
        platform_response=[issue(path, message, "depth_max", rule="body.depth_max")],
        remediation=f"Send objects and arrays nested at most {MAX_JSON_DEPTH} levels deep.",
    )


def bad_character(
    path: IssuePath, text: str, *, rule: str = "body.invalid_character"
) -> ValidationFailed:
    found = _BAD_CHARACTER.search(text)
    assert found is not None
    code_point = f"U+{ord(found.group()):04X}"
    message = f"{dotted(path)}: contains {code_point}, which no text field accepts."
    return ValidationFailed(
        message,
        rule=rule,
        platform_response=[issue(path, message, "invalid_character", rule=rule)],
        remediation="Remove NUL characters (\\u0000, %00) and unpaired UTF-16 surrogates "
        "(\\ud800-\\udfff not part of a pair).",
    )


def check_query(query: QueryDict) -> None:
    """Raise for a query parameter (name or value) that no text column can be compared with."""
    for name, values in query.lists():
        for text in (name, *values):
            if _BAD_CHARACTER.search(text):
                raise bad_character([name], text, rule="query.invalid_character")


class JSONParser(parsers.JSONParser):
    """JSON as sent (no camelCase mapping), checked: webhook test payloads, the Postiz API."""

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        return load_json(stream.read(), encoding)


class CamelCaseJSONParser(JSONParser):
    """The API's default: checked JSON with camelCase keys turned into snake_case."""

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        data = super().parse(stream, media_type, parser_context)
        return underscoreize(data, **camel_settings.JSON_UNDERSCOREIZE)

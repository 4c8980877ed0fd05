"""Refuse body fields a write operation does not know (issue #15): a typo must not be ignored.

`sheduledAt` silently dropped meant "publish now"; a publishing API must not guess. The walk
follows the serializer's own fields, nested serializers and lists of them included, so every
`ApiView.validated` call checks the whole body. Free-form values (`DictField`, `JSONField`, such
as per-platform `options` or a webhook test's `data`) are not walked: their keys are the
platform's or the caller's, not ours. The same walk refuses a number sent for a string field.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping
from itertools import islice
from typing import Any

from rest_framework import serializers

from letmepost.api.errors import camel
from letmepost.errors import ValidationFailed, dotted, issue

# A body of nothing but unknown keys must not buy a response many times its size.
MAX_LISTED = 100


def reject_unknown_fields(data: Any, fields: Mapping[str, Any]) -> None:
    """Raise `validation_failed` listing every unknown field (up to 100), rule `<path>.unknown`.

    `fields` is a serializer's `.fields` (or any name → field mapping; a None field is a leaf).
    Keys are the parser's snake_case; paths are shown camelCase, as clients write them.
    """
    issues = list(islice(_walk(data, fields, [], _unknown), MAX_LISTED))
    if not issues:
        return
    first = issues[0]
    names = ", ".join(f"`{dotted(i['path'])}`" for i in issues[:10])
    more = " and more" if len(issues) > 10 else ""
    raise ValidationFailed(
        f"Unknown field {names}."
        if len(issues) == 1
        else f"Unknown fields {names}{more}.",
        rule=first["rule"],
        remediation=first["remediation"],
        platform_response=issues,
    )


OnKey = Callable[
    [str, Any, Any, Mapping[str, Any], list[str | int]], dict[str, Any] | None
]


def _walk(
    data: Any, fields: Mapping[str, Any], path: list[str | int], check: OnKey
) -> Iterator[dict[str, Any]]:
    """`check` every key of `data` against `fields`, into nested serializers and lists of them."""
    if not isinstance(data, Mapping):
        return  # a wrong type is the serializer's error to report
    for key, value in data.items():
        field = fields.get(key)
        if (found := check(key, value, field, fields, path)) is not None:
            yield found
        elif (nested := _nested_fields(field)) is None:
            continue
        elif not _is_list(field):
            yield from _walk(value, nested, [*path, camel(key)], check)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from _walk(item, nested, [*path, camel(key), index], check)


def _unknown(
    key: str, value: Any, field: Any, fields: Mapping[str, Any], path: list[str | int]
) -> dict[str, Any] | None:
    return _issue(key, fields, path) if field is None and key not in fields else None


def _mistyped(
    key: str, value: Any, field: Any, fields: Mapping[str, Any], path: list[str | int]
) -> dict[str, Any] | None:
    if isinstance(field, serializers.CharField) and not isinstance(value, str | None):
        return issue([*path, camel(key)], "Not a valid string.", "invalid")
    return None


def reject_mistyped_strings(data: Any, fields: Mapping[str, Any]) -> None:
    """Refuse a JSON number where a string is declared, anywhere in the body.

    DRF's CharField takes `"name": 5` as the text "5"; the schema says string, and a client that
    sends a number has a bug we should not store. Issues are shaped as DRF's own errors.
    """
    issues = list(islice(_walk(data, fields, [], _mistyped), MAX_LISTED))
    if issues:
        first = issues[0]
        raise ValidationFailed(
            f"{first['rule']}: {first['message']}",
            rule=first["rule"],
            remediation="Send these fields as JSON strings.",
            platform_response=issues,
        )


def _nested_fields(field: Any) -> Mapping[str, Any] | None:
    """The fields of a nested serializer (alone, many=True, or a ListField's child)."""
    child = getattr(field, "child", None) if _is_list(field) else field
    return child.fields if isinstance(child, serializers.Serializer) else None


def _is_list(field: Any) -> bool:
    return isinstance(field, serializers.ListSerializer | serializers.ListField)


def _issue(
    key: str, fields: Mapping[str, Any], path: list[str | int]
) -> dict[str, Any]:
    # A name longer than any of ours is cut: the answer must not echo megabytes back.
    full_path = [*path, camel(key[:80])]
    where = dotted(full_path)
    known = [
        camel(name) for name, f in fields.items() if not getattr(f, "read_only", False)
    ]
    by_folded = {name.lower(): name for name in known}
    close = difflib.get_close_matches(camel(key).lower(), by_folded, n=1, cutoff=0.75)
    if close:
        remediation = f"Did you mean `{by_folded[close[0]]}`?"
    elif known:
        accepted = ", ".join(f"`{name}`" for name in known)
        remediation = f"Remove it; this object accepts {accepted}."
    else:
        remediation = "Remove it; this object takes no fields."
    return issue(
        full_path,
        f"Unknown field `{where}`.",
        "unknown",
        rule=f"{where}.unknown",
        remediation=remediation,
    )

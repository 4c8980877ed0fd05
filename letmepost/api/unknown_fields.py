"""Refuse body fields a write operation does not know (issue #15): a typo must not be ignored.

`sheduledAt` silently dropped meant "publish now"; a publishing API must not guess. The walk
follows the serializer's own fields, nested serializers and lists of them included, so every
`ApiView.validated` call checks the whole body. Free-form values (`DictField`, `JSONField`, such
as per-platform `options` or a webhook test's `data`) are not walked: their keys are the
platform's or the caller's, not ours.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from itertools import islice
from typing import Any

from rest_framework import serializers

from letmepost.api.errors import camel
from letmepost.errors import ValidationFailed

# A body of nothing but unknown keys must not buy a response many times its size.
MAX_LISTED = 100


def reject_unknown_fields(data: Any, fields: Mapping[str, Any]) -> None:
    """Raise `validation_failed` listing every unknown field (up to 100), rule `<path>.unknown`.

    `fields` is a serializer's `.fields` (or any name → field mapping; a None field is a leaf).
    Keys are the parser's snake_case; paths are shown camelCase, as clients write them.
    """
    issues = list(islice(_unknown(data, fields, []), MAX_LISTED))
    if not issues:
        return
    first = issues[0]
    names = ", ".join(f"`{i['path']}`" for i in issues[:10])
    more = " and more" if len(issues) > 10 else ""
    raise ValidationFailed(
        f"Unknown field {names}."
        if len(issues) == 1
        else f"Unknown fields {names}{more}.",
        rule=first["rule"],
        remediation=first["remediation"],
        platform_response=issues,
    )


def _unknown(
    data: Any, fields: Mapping[str, Any], path: list[str]
) -> Iterator[dict[str, str]]:
    if not isinstance(data, Mapping):
        return  # a wrong type is the serializer's error to report
    for key, value in data.items():
        field = fields.get(key)
        if field is None and key not in fields:
            yield _issue(key, fields, path)
        elif (nested := _nested_fields(field)) is None:
            continue
        elif not _is_list(field):
            yield from _unknown(value, nested, [*path, key])
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from _unknown(item, nested, [*path, key, str(index)])


def _nested_fields(field: Any) -> Mapping[str, Any] | None:
    """The fields of a nested serializer (alone, many=True, or a ListField's child)."""
    child = getattr(field, "child", None) if _is_list(field) else field
    return child.fields if isinstance(child, serializers.Serializer) else None


def _is_list(field: Any) -> bool:
    return isinstance(field, serializers.ListSerializer | serializers.ListField)


def _issue(key: str, fields: Mapping[str, Any], path: list[str]) -> dict[str, str]:
    # A name longer than any of ours is cut: the answer must not echo megabytes back.
    where = ".".join(camel(p) for p in [*path, key[:80]])
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
    return {
        "path": where,
        "message": f"Unknown field `{where}`.",
        "code": "unknown",
        "rule": f"{where}.unknown",
        "remediation": remediation,
    }

"""Typed access to dashboard form fields."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms


def choice_field(fields: Mapping[str, forms.Field], name: str) -> forms.ChoiceField:
    """The choice field `name`, to fill its choices at run time (`form.fields` says only Field)."""
    field = fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name!r} is a {type(field).__name__}, not a ChoiceField")
    return field

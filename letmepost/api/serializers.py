"""Serializer plumbing shared by the API's request shapes."""

from __future__ import annotations

import threading

from rest_framework import serializers


class ThreadCachedFields(serializers.Serializer):
    """A request serializer whose fields are deep-copied once per thread, not once per request.

    DRF deep-copies every declared field for each new instance (a field is rebuilt from its
    constructor arguments), and each nested serializer's fields again on first use: ~60 % of the
    CPU of validating a `CreatePostRequest` (measured with bench.request_cost). Binding a field to
    a new parent only sets its name and parent, so successive instances on one thread can share
    one copy; other threads build their own. The condition: two instances of the class are never
    in use at once on one thread, which holds for `ApiView.validated` (validate, return the data).
    """

    _per_thread = threading.local()

    def get_fields(self) -> dict[str, serializers.Field]:
        cache: dict[type, dict[str, serializers.Field]] = (
            self._per_thread.__dict__.setdefault("fields", {})
        )
        fields = cache.get(type(self))
        if fields is None:
            fields = cache[type(self)] = super().get_fields()
        for name, field in fields.items():
            if (
                field.source == name
            ):  # set by the last bind(), which refuses to see it again
                field.source = None
        return dict(fields)  # `fields` binds each one to this instance

"""The base class of every API view, and the small views of the API itself."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from letmepost.api.auth import Principal
from letmepost.api.unknown_fields import (
    reject_mistyped_strings,
    reject_unknown_fields,
)
from letmepost.errors import Unauthorized


class ApiView(APIView):
    """An authenticated endpoint acting in the caller's workspace."""

    @property
    def principal(self) -> Principal:
        assert isinstance(
            self.request.auth, Principal
        )  # IsWorkspaceMember guarantees it
        return self.request.auth

    def validated(
        self, serializer_class: type[serializers.Serializer], data: Any = None
    ) -> dict[str, Any]:
        """Validate the body (or `data`); errors become `validation_failed` with the field's path.

        Unknown fields are refused first, anywhere in the body: a misspelt name is the likely
        cause of any "required" error that would follow."""
        request: Request = self.request
        payload = request.data if data is None else data
        if not isinstance(payload, dict):
            raise serializers.ValidationError({"body": ["Expected a JSON object."]})
        serializer = serializer_class(data=payload)
        reject_unknown_fields(payload, serializer.fields)
        reject_mistyped_strings(payload, serializer.fields)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def require_unscoped(self, action: str) -> None:
        if self.principal.profile is not None:
            raise Unauthorized(
                f"A profile-scoped key cannot {action}.",
                rule="api_key.scope_forbidden",
                remediation="Use a key that is not scoped to a profile, or the dashboard.",
            )

"""OpenAPI: the error envelope on every operation, bearer auth, and the common headers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_doc
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    Direction,
    OpenApiParameter,
    extend_schema_serializer,
)
from rest_framework import serializers

from letmepost.errors import CATALOG

ERROR_STATUSES = (
    "400",
    "401",
    "403",
    "404",
    "405",
    "406",
    "409",
    "413",
    "415",
    "429",
    "500",
    "503",
)


@extend_schema_serializer(component_name="Violation")
class ViolationOut(serializers.Serializer):
    rule = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()
    remediation = serializers.CharField(required=False)
    field = serializers.CharField(required=False)


class ErrorBody(serializers.Serializer):
    code = serializers.ChoiceField(choices=sorted(CATALOG))
    message = serializers.CharField()
    rule = serializers.CharField(required=False)
    platform = serializers.CharField(required=False)
    platform_version = serializers.CharField(required=False)
    platform_response = serializers.JSONField(required=False)
    remediation = serializers.CharField(required=False)
    doc_url = serializers.URLField()
    rule_url = serializers.URLField(required=False)
    request_id = serializers.CharField()
    violations = ViolationOut(many=True, required=False)


class ErrorEnvelope(serializers.Serializer):
    error = ErrorBody()


class EnvelopeAutoSchema(AutoSchema):
    """Every operation documents the envelope for each error status it can answer."""

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        bodies = super()._get_response_bodies(direction)
        for status in ERROR_STATUSES:
            bodies.setdefault(
                status,
                self._get_response_for_code(ErrorEnvelope, status, direction=direction),
            )
        return bodies

    def _map_basic_serializer(
        self, serializer: serializers.Serializer, direction: Direction
    ) -> dict[str, Any]:
        """A component is described by its own class's docstring only: drf-spectacular falls
        back on the base classes', which are notes for us (`ModelSerializer whose datetimes…`)."""
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        if not vars(type(serializer)).get("__doc__"):
            schema.pop("description", None)
        return schema

    def get_summary(self) -> str | None:
        """The first line of the handler's docstring (`Create a post.` → "Create a post")."""
        return self._handler_doc()[0] or None

    def get_description(self) -> str:  # type: ignore[override]
        """The rest of the handler's docstring; the view class's is a note for us, not users."""
        return self._handler_doc()[1]

    def _handler_doc(self) -> tuple[str, str]:
        handler = getattr(
            self.view, getattr(self.view, "action", None) or self.method.lower(), None
        )
        first, _, rest = get_doc(handler).partition("\n\n")
        return first.strip().removesuffix("."), rest.strip()

    def get_override_parameters(self) -> list[Any]:
        params = [
            OpenApiParameter(
                "X-Request-Id",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description="Your id for this request (≤255 of [A-Za-z0-9_=-]); echoed back.",
            ),
        ]
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            params.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    required=False,
                    description="Replays the first response for 24 h; the same key with another body is a 409.",
                )
            )
        return [*params, *super().get_override_parameters()]


class PrincipalAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "letmepost.api.auth.PrincipalAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key: `lmp_live_…` or `lmp_test_…` (sandbox). Dashboard sessions work too.",
        }


def only_public_paths(
    endpoints: list[tuple[Any, ...]], **kwargs: Any
) -> list[tuple[Any, ...]]:
    """Document /v1 and /health once; the un-prefixed /posts alias stays out of the schema."""
    return [e for e in endpoints if e[0].startswith(("/v1/", "/health"))]


def closed_request_bodies(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """JSON request objects say `additionalProperties: false`: the server refuses unknown fields.

    Free-form members (`options`, a webhook test's `data`) declare their own additionalProperties
    and stay open; multipart uploads and response components are untouched.
    """
    components = result.get("components", {}).get("schemas", {})
    seen: set[str] = set()

    def close(schema: Any) -> None:
        if isinstance(schema, list):
            for item in schema:
                close(item)
        elif isinstance(schema, dict) and (ref := schema.get("$ref")):
            name = ref.rsplit("/", 1)[-1]
            if name not in seen and name in components:
                seen.add(name)
                close(components[name])
        elif isinstance(schema, dict):
            if "properties" in schema:
                schema.setdefault("additionalProperties", False)
            close(list(schema.get("properties", {}).values()))
            for key in ("items", "allOf", "oneOf", "anyOf"):
                close(schema.get(key))

    for item in result.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict):
                content = operation.get("requestBody", {}).get("content", {})
                close(content.get("application/json", {}).get("schema"))
    return result

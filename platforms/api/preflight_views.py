"""`GET /v1/preflight/rules`: the public rule catalog, read from the same registry the checks use."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from letmepost.api.errors import rule_url
from letmepost.errors import ValidationFailed
from platforms.preflight import catalog
from platforms.preflight.spec import STAGES, RuleSpec


@extend_schema_serializer(component_name="PreflightRule")
class PreflightRuleOut(serializers.Serializer):
    id = serializers.CharField(help_text="Stable rule id, as in error.rule.")
    platform = serializers.CharField(help_text="Platform slug, or `cross`.")
    stage = serializers.ChoiceField(choices=STAGES)
    severity = serializers.ChoiceField(choices=("error", "warning"))
    code = serializers.CharField(
        allow_null=True, help_text="Error code it fails with; null for warnings."
    )
    http = serializers.IntegerField(allow_null=True)
    limits = serializers.DictField(
        child=serializers.JSONField(), help_text="Numbers and lists the rule uses."
    )
    checks = serializers.CharField(help_text="What is verified.")
    remediation = serializers.CharField()
    enforced = serializers.ChoiceField(
        choices=("yes", "partial", "raised", "no"),
        help_text="yes: checked before the upstream call; partial: when the needed fact is "
        "known; raised: where it happens (adapter, connect, upload); no: never raised.",
    )
    network = serializers.BooleanField()
    notes = serializers.CharField(allow_blank=True)
    source_url = serializers.CharField(
        allow_blank=True, help_text="The platform's documentation."
    )
    rule_url = serializers.URLField(help_text="This rule's docs page.")


_RuleList = inline_serializer(
    "PreflightRuleList", fields={"data": PreflightRuleOut(many=True)}
)


def rule_out(spec: RuleSpec) -> dict[str, Any]:
    return {
        "id": spec.id,
        "platform": spec.platform,
        "stage": spec.stage,
        "severity": spec.severity,
        "code": spec.code,
        "http": spec.http,
        "limits": dict(spec.limits),
        "checks": spec.checks,
        "remediation": spec.remediation,
        "enforced": spec.enforced,
        "network": spec.network,
        "notes": spec.notes,
        "source_url": spec.source_url,
        "rule_url": rule_url(spec.id),
    }


@extend_schema(tags=["preflight"])
class PreflightRulesApi(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="listPreflightRules",
        parameters=[
            OpenApiParameter(
                "platform",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                enum=catalog.PLATFORMS,
                description="Only this platform's rules (`cross`: rules of no one platform).",
            )
        ],
        responses={200: _RuleList},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        """List preflight rules.

        Every rule checked before a post reaches a platform, with its stage, limits, remediation and
        docs page; filter with `platform`. Public, no credentials.
        """
        platform = request.query_params.get("platform")
        if platform is None:
            specs = catalog.all_specs()
        elif platform in catalog.PLATFORMS:
            specs = catalog.specs_for(platform)
        else:
            raise ValidationFailed(
                f"Unknown platform {platform!r}.",
                rule="platform",
                remediation=f"Use one of: {', '.join(catalog.PLATFORMS)}.",
            )
        return Response({"data": [rule_out(spec) for spec in specs]})
